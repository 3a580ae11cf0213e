/**
 * Who signs a ledger call: the data lake signs with the acting user's own enrolment (a centre registers its
 * records, a clinician reads its grant), so the chaincode decides on the real caller, never on a claim.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Identity } from '@custodia/network';
import { DatalakeError } from '../errors';
import type { LedgerActor } from './port';

export interface IdentityResolver {
  /** The enrolment of `actor`; throws DatalakeError(FORBIDDEN) when the actor has none here. */
  resolve(actor: LedgerActor): Promise<Identity>;
}

/** Where a wallet keeps one user's enrolment: `<dir>/<mspId>/<id>.json`, names URI-encoded. */
export function walletPath(directory: string, actor: Pick<LedgerActor, 'mspId' | 'id'>): string {
  return path.join(directory, encodeURIComponent(actor.mspId), `${encodeURIComponent(actor.id)}.json`);
}

function isIdentity(value: unknown): value is Identity {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.mspId === 'string' &&
    typeof candidate.certificate === 'string' &&
    typeof candidate.privateKey === 'string'
  );
}

/** A wallet directory written by whoever enrols users (the gateway): one JSON `Identity` per user. */
export class WalletDirectory implements IdentityResolver {
  constructor(private readonly directory: string) {}

  async resolve(actor: LedgerActor): Promise<Identity> {
    let text: string;
    try {
      text = await readFile(walletPath(this.directory, actor), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        throw new DatalakeError('FORBIDDEN', 'the actor has no enrolment in the wallet');
      throw new DatalakeError('INTERNAL', 'the wallet could not be read', {}, error);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new DatalakeError('INTERNAL', 'a wallet entry is not JSON', {}, error);
    }
    // An entry filed under another organisation must not let one MSP's user sign as another's.
    if (!isIdentity(parsed) || parsed.mspId !== actor.mspId)
      throw new DatalakeError('INTERNAL', 'a wallet entry is not an identity of the actor’s organisation');
    return parsed;
  }
}
