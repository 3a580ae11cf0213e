/** An approved contribution becomes a record of the patient, from the contributing organisation. */
import type { Instant } from './time';
import type { Contribution, RecordMeta } from './types';

/** Record ids of approved contributions; centres cannot register ids with this prefix. */
export const CONTRIBUTION_RECORD_PREFIX = 'contribution-';

export function contributionRecordId(contributionId: string): string {
  return `${CONTRIBUTION_RECORD_PREFIX}${contributionId}`;
}

/**
 * The record registered when the patient approves: the contributor's organisation is its source, that
 * organisation's registry country its country, and the submission time its effective date.
 */
export function contributionRecord(
  contribution: Contribution,
  country: string,
  at: Instant,
  txId: string,
): RecordMeta {
  return {
    recordId: contributionRecordId(contribution.contributionId),
    patientId: contribution.patientId,
    categories: contribution.categories,
    labels: contribution.labels,
    contentHash: contribution.contentHash,
    effectiveDate: contribution.submittedAt,
    sourceMspId: contribution.submitter.mspId,
    country,
    registeredBy: contribution.submitter.id,
    registeredAt: at,
    txId,
  };
}
