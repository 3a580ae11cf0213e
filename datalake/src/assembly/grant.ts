/**
 * The one grant read of a release (opening the temporary record, assembling it, a binary download): the grant as
 * the requester's own enrolment reads it on the ledger (so the chaincode, not a gateway header, decides who is
 * asking), refused with a code a person can act on, and then passed down — no later step reads it again.
 */
import type { GrantView } from '@custodia/chaincode';
import { DatalakeError, isDatalakeError } from '../errors';
import type { LedgerActor, LedgerPort } from '../ledger/port';
import type { PatientDirectory } from '../zones/structured';
import { checkRequester, sameParty } from './requester';

export interface GrantReading {
  readonly ledger: LedgerPort;
  /** The lake's own identity (which may read any grant): tells "not yours" from "refused" when the ledger refuses. */
  readonly serviceActor: LedgerActor;
  /** Erased patients: their grants release nothing, whatever the ledger still says of them. */
  readonly patients: PatientDirectory;
}

/**
 * The grant if `actor` may receive its data now. GRANT_NOT_FOUND: no such grant (never requested, or refused
 * outright). NOT_REQUESTER: another party's grant. GRANT_NOT_ACTIVE: expired, revoked, narrowed (the rules in force
 * now release less than it was given) or otherwise not active. COUNTRY_NOT_ALLOWED / FORBIDDEN: the certificate
 * behind the actor is not the one the grant was decided for. PATIENT_ERASED: the patient was erased.
 */
export async function releasableGrant(
  deps: GrantReading,
  grantId: string,
  actor: LedgerActor,
): Promise<GrantView> {
  let grant: GrantView | undefined;
  try {
    grant = await deps.ledger.getGrant(actor, grantId);
  } catch (error) {
    // The chaincode tells a missing grant from a refused reading; a refusal is "not yours" unless the grant
    // does name this actor (then the ledger refused the identity itself, e.g. a disabled one).
    if (isDatalakeError(error, 'FORBIDDEN') && error.details?.ledgerCode === 'FORBIDDEN') {
      const seen = await deps.ledger.getGrant(deps.serviceActor, grantId);
      if (seen !== undefined && !sameParty(seen.requester, actor))
        throw new DatalakeError('NOT_REQUESTER', 'this grant was given to another requester');
    }
    throw error;
  }
  if (grant === undefined) throw new DatalakeError('GRANT_NOT_FOUND', 'no such grant');
  // The patient and auditors may read a grant on the ledger; only its requester receives the data.
  if (!sameParty(grant.requester, actor))
    throw new DatalakeError('NOT_REQUESTER', 'this grant was given to another requester');
  if (grant.status !== 'active')
    throw new DatalakeError('GRANT_NOT_ACTIVE', `the grant is ${grant.status}`, { status: grant.status });
  checkRequester(grant, await deps.ledger.signerOf(actor), actor);
  if (await deps.patients.isErased(grant.patientId))
    throw new DatalakeError('PATIENT_ERASED', 'this patient’s data was erased');
  return grant;
}
