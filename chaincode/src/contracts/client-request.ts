/**
 * Idempotent creation: a caller's client request id is recorded with a fingerprint of the request, so
 * a retry after an unknown outcome returns the first answer and writes nothing, and the same id with
 * different content is a CONFLICT. Two concurrent first attempts both read the id as unused; Fabric's
 * MVCC validation then commits only one of them.
 */
import { ChaincodeError } from '../model';
import { loadClientRequest, saveClientRequest } from '../ledger/client-requests';
import { digestOf } from '../ledger/digest';
import type { CustodiaContext } from './context';

export interface Created<T> {
  /** The id `replay` finds the answer by. */
  readonly id: string;
  readonly value: T;
}

export async function createOnce<T>(
  ctx: CustodiaContext,
  transaction: string,
  requestId: string,
  request: unknown,
  replay: (id: string) => Promise<T>,
  create: () => Promise<Created<T>>,
): Promise<T> {
  const fingerprint = digestOf({ transaction, request });
  const previous = await loadClientRequest(ctx.store, ctx.caller, requestId);
  if (previous) {
    if (previous.fingerprint !== fingerprint) {
      throw new ChaincodeError('CONFLICT', 'requestId: already used for a different request');
    }
    return replay(previous.resultId);
  }
  const created = await create();
  await saveClientRequest(ctx.store, ctx.caller, {
    requestId,
    fingerprint,
    resultId: created.id,
    txId: ctx.txId,
  });
  return created.value;
}
