/**
 * Which records a grant releases: a record is released when one of its categories is granted
 * with every security label the record carries (a labelled record needs a permit that names the
 * label). This is the same release test the ledger's decision applied to the categories.
 */
import type { Category, GrantedCategory } from '@custodia/chaincode';
import type { RecordDocument } from '../zones/record-document';

export interface GrantScope {
  readonly patientId: string;
  readonly granted: readonly GrantedCategory[];
}

/** What the release test reads of a record (also what an auditor has from its on-chain registration). */
export type ReleasableRecord = Pick<RecordDocument, 'patientId' | 'state' | 'categories' | 'labels'>;

/** The categories under which the grant releases this record (empty: not released). */
export function releasedCategories(record: ReleasableRecord, grant: GrantScope): Category[] {
  if (record.patientId !== grant.patientId || record.state !== 'published') return [];
  return record.categories.filter((category) => {
    const granted = grant.granted.find((entry) => entry.category === category);
    return granted !== undefined && record.labels.every((label) => granted.labels.includes(label));
  });
}

export function selectRecords(records: readonly RecordDocument[], grant: GrantScope): RecordDocument[] {
  return records.filter((record) => releasedCategories(record, grant).length > 0);
}
