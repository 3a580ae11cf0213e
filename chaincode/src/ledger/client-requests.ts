/**
 * Client request ids: what a caller's request id already produced, so a retry after an unknown outcome
 * returns the first answer instead of recording the request twice.
 */
import type { AdmittedCaller } from '../model';
import { OBJECT_TYPES } from './keys';
import type { Store } from './store';

export interface ClientRequest {
  readonly requestId: string;
  /** SHA-256 of the transaction name and the decoded request (without its id). */
  readonly fingerprint: string;
  /** The id of what the request created (access-log entry, rule, contribution). */
  readonly resultId: string;
  readonly txId: string;
}

function keyOf(store: Store, caller: AdmittedCaller, requestId: string): string {
  return store.key(OBJECT_TYPES.clientRequest, [caller.mspId, caller.role, caller.id, requestId]);
}

export function loadClientRequest(
  store: Store,
  caller: AdmittedCaller,
  requestId: string,
): Promise<ClientRequest | undefined> {
  return store.get<ClientRequest>(keyOf(store, caller, requestId));
}

export async function saveClientRequest(
  store: Store,
  caller: AdmittedCaller,
  request: ClientRequest,
): Promise<void> {
  await store.put(keyOf(store, caller, request.requestId), request);
}
