/**
 * Which records a grant releases: a record is released only when **every** category it carries is granted, each
 * with every security label the record carries (a labelled record needs a permit that names the label for each of
 * its categories). A record tagged `problems` + `documents` is withheld when `documents` is denied, whatever
 * `problems` allows: releasing it would hand over what a deny withholds.
 */
import type { Category, GrantedCategory } from '@custodia/chaincode';
import type { RecordDocument } from '../zones/record-document';

export interface GrantScope {
  readonly patientId: string;
  readonly granted: readonly GrantedCategory[];
}

/** What the release test reads of a record (also what an auditor has from its on-chain registration). */
export type ReleasableRecord = Pick<RecordDocument, 'patientId' | 'state' | 'categories' | 'labels'>;

/** The record's categories when the grant releases it whole; empty when it does not release it. */
export function releasedCategories(record: ReleasableRecord, grant: GrantScope): Category[] {
  if (record.patientId !== grant.patientId || record.state !== 'published') return [];
  if (record.categories.length === 0) return [];
  const released = record.categories.every((category) => {
    const granted = grant.granted.find((entry) => entry.category === category);
    return granted !== undefined && record.labels.every((label) => granted.labels.includes(label));
  });
  return released ? [...record.categories] : [];
}

export function selectRecords(records: readonly RecordDocument[], grant: GrantScope): RecordDocument[] {
  return records.filter((record) => releasedCategories(record, grant).length > 0);
}
