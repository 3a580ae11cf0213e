import { createHash } from 'node:crypto';
import { peer } from '@hyperledger/fabric-protos';
import type { ParsedTransaction } from '@custodia/ledger';
import type { TxValidationCode } from '../ledger/validator';
import type { MspRegistry } from '../msp';
import { MspError, verify } from '@custodia/ledger';

/**
 * The channel's default chaincode endorsement policy, `MAJORITY Endorsement`: peers of more than half of the
 * application organisations must endorse (each organisation's Endorsement policy is one of its peers).
 */
export interface EndorsementPolicy {
  readonly organisations: readonly string[];
  /** How many distinct organisations must endorse. */
  readonly required: number;
}

export function majorityPolicy(organisations: readonly string[]): EndorsementPolicy {
  return { organisations: [...organisations], required: Math.floor(organisations.length / 2) + 1 };
}

/** The organisations that endorse when the client names none: the gateway's own first, then the others in order. */
export function defaultEndorsers(policy: EndorsementPolicy, localMspId: string): string[] {
  const others = policy.organisations.filter((mspId) => mspId !== localMspId);
  return [localMspId, ...others].slice(0, policy.required);
}

const PEER_ROLE = 'peer';

/**
 * How many endorsement signatures made here may await their commit at once. An entry lives from endorsement to the
 * commit that checks it, so this covers ~2,000 transactions in flight (MAJORITY of three signs twice); a signature
 * endorsed but never submitted, or pushed out by newer ones, is simply verified if it ever comes — the bound costs
 * at worst a verification, never a wrong answer. About 200 bytes each.
 */
export const PENDING_ENDORSEMENT_LIMIT = 4_096;

/**
 * Endorsement signatures this process produced and that no commit has checked yet, with a digest of what each one
 * signed. The committing side accepts such a signature over exactly that message without re-verifying it (the
 * result of verification is already known) and forgets it: before, every signature stayed until 100,000 had
 * accumulated (~20 MB of heap, all cleared at once), a heap that grew with every transaction (issue #17's soak).
 * Any other signature (another payload, another endorser, a foreign peer, one forgotten) is verified.
 */
export class SignedEndorsements {
  /** Signature (base64) → digest of the message it signed; insertion order is age, oldest first. */
  private readonly pending = new Map<string, string>();

  constructor(private readonly limit: number = PENDING_ENDORSEMENT_LIMIT) {}

  get size(): number {
    return this.pending.size;
  }

  remember(message: Uint8Array, signature: Uint8Array): void {
    if (this.pending.size >= this.limit) {
      const oldest = this.pending.keys().next();
      if (oldest.done !== true) this.pending.delete(oldest.value);
    }
    this.pending.set(Buffer.from(signature).toString('base64'), digest(message));
  }

  /** Whether this process made `signature` over exactly `message`; a match is forgotten (checked once, at commit). */
  consume(message: Uint8Array, signature: Uint8Array): boolean {
    const key = Buffer.from(signature).toString('base64');
    const known = this.pending.get(key);
    if (known === undefined || known !== digest(message)) return false;
    this.pending.delete(key);
    return true;
  }
}

function digest(message: Uint8Array): string {
  return createHash('sha256').update(message).digest('base64');
}

/** The organisations whose peers validly endorsed `responsePayload`. */
function endorsingOrganisations(
  msps: MspRegistry,
  responsePayload: Uint8Array,
  endorsements: ParsedTransaction['actions'][number]['endorsements'],
  own: SignedEndorsements | undefined,
): Set<string> {
  const organisations = new Set<string>();
  for (const endorsement of endorsements) {
    try {
      const identity = msps.validate(endorsement.endorser);
      if (identity.organizationalUnits[0] !== PEER_ROLE) continue;
      const signed = Buffer.concat([responsePayload, endorsement.endorser]);
      const valid =
        own?.consume(signed, endorsement.signature) === true ||
        verify(identity.publicKey, signed, endorsement.signature);
      if (valid) organisations.add(identity.mspId);
    } catch (error) {
      if (!(error instanceof MspError)) throw error;
    }
  }
  return organisations;
}

/**
 * The committing peer's endorsement validation (Fabric's VSCC with the default policy): every chaincode action
 * must carry valid signatures, over its proposal response payload, from peers of enough distinct organisations.
 */
export function validateEndorsements(
  msps: MspRegistry,
  policy: EndorsementPolicy,
  transaction: ParsedTransaction,
  own?: SignedEndorsements,
): TxValidationCode {
  if (transaction.actions.length === 0) return peer.TxValidationCode.NIL_TXACTION;
  for (const action of transaction.actions) {
    const endorsed = endorsingOrganisations(msps, action.proposalResponsePayload, action.endorsements, own);
    const satisfied = policy.organisations.filter((mspId) => endorsed.has(mspId)).length;
    if (satisfied < policy.required) return peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE;
  }
  return peer.TxValidationCode.VALID;
}
