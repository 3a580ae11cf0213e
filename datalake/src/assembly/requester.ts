/**
 * Who may receive a grant's data, re-checked at every release. The chaincode decided the grant on the requester's
 * certificate at request time and recorded that party in `grant.requester`, country included: the rules' and the
 * emergency policy's country limits were checked against that country. The lake may not read the rules
 * themselves (patients and auditors only), so it re-checks what it can: the certificate the requester signs
 * with now must be the same party in the same country, and the gateway's claim must agree with that certificate.
 */
import type { Caller, GrantView } from '@custodia/chaincode';
import { DatalakeError } from '../errors';

/** The same organisation, id and role (the country is checked on its own). */
export const sameParty = (a: Caller, b: Caller): boolean =>
  a.mspId === b.mspId && a.id === b.id && a.role === b.role;

/** Throws FORBIDDEN, NOT_REQUESTER or COUNTRY_NOT_ALLOWED unless `signer` (from the certificate) may receive `grant`'s data. */
export function checkRequester(grant: Pick<GrantView, 'requester'>, signer: Caller, claimed: Caller): void {
  if (!sameParty(signer, claimed))
    throw new DatalakeError('FORBIDDEN', 'the actor is not its certificate’s holder');
  if (signer.country !== claimed.country)
    throw new DatalakeError('COUNTRY_NOT_ALLOWED', 'the actor’s country is not its certificate’s country');
  if (!sameParty(grant.requester, signer))
    throw new DatalakeError('NOT_REQUESTER', 'this grant was given to another requester');
  if (grant.requester.country !== signer.country)
    throw new DatalakeError(
      'COUNTRY_NOT_ALLOWED',
      'the grant was decided for a requester certificate of another country',
    );
}
