/**
 * Whom the chaincode admits, re-checked on what it logged: a request or delivery names a party of a member
 * organisation, with that organisation's registry country, not disabled, about a patient registered and not erased
 * — all as world state held them before the transaction.
 */
import { memberOf } from '@custodia/chaincode';
import type { Caller, OrganisationRegistry, PatientRegistration } from '@custodia/chaincode';
import { describeCaller } from './creator';
import type { LoggedBy } from './decision-check';
import { DISCREPANCY_KINDS } from './discrepancy';
import type { Discrepancy } from './discrepancy';

/** What world state said about the parties before the transaction. */
export interface AdmissionFacts {
  readonly registry: OrganisationRegistry;
  /** Whether the logged party was disabled by its organisation. */
  readonly disabled: boolean;
  readonly patient: PatientRegistration | undefined;
}

export function checkAdmission(
  what: string,
  party: Caller,
  patientId: string,
  facts: AdmissionFacts,
  tx: LoggedBy,
): Discrepancy[] {
  const member = memberOf(facts.registry, party.mspId);
  const reasons = [
    ...(member === undefined ? [`${party.mspId} is not in the organisation registry`] : []),
    ...(member !== undefined && member.country !== party.country
      ? [`logged with country ${party.country ?? 'none'}, the registry gives ${member.country}`]
      : []),
    ...(facts.disabled ? [`${describeCaller(party)} was disabled`] : []),
    ...(facts.patient === undefined ? [`patient ${patientId} was not registered`] : []),
    ...(facts.patient?.erased !== undefined ? [`patient ${patientId} was erased`] : []),
  ];
  return reasons.length === 0
    ? []
    : [
        {
          kind: DISCREPANCY_KINDS.CALLER_NOT_ADMITTED,
          block: tx.block,
          txId: tx.txId,
          detail: `${what}: ${reasons.join('; ')}`,
        },
      ];
}
