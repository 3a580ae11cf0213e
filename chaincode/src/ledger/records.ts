/**
 * Record metadata, indexed by patient (all sources) and by source organisation, each optionally
 * narrowed to a category, so a centre can list only what its organisation registered.
 */
import type { Category, Page, RecordMeta } from '../model';
import { OBJECT_TYPES } from './keys';
import type { Store } from './store';

export function loadRecord(store: Store, recordId: string): Promise<RecordMeta | undefined> {
  return store.get<RecordMeta>(store.key(OBJECT_TYPES.record, [recordId]));
}

export async function saveRecord(store: Store, record: RecordMeta): Promise<void> {
  const { recordId, patientId, sourceMspId } = record;
  await store.put(store.key(OBJECT_TYPES.record, [recordId]), record);
  await store.mark(store.key(OBJECT_TYPES.recordByPatient, [patientId, recordId]));
  await store.mark(store.key(OBJECT_TYPES.recordBySource, [sourceMspId, patientId, recordId]));
  for (const category of record.categories) {
    await store.mark(store.key(OBJECT_TYPES.recordByPatientCategory, [patientId, category, recordId]));
    await store.mark(
      store.key(OBJECT_TYPES.recordBySourceCategory, [sourceMspId, patientId, category, recordId]),
    );
  }
}

export interface RecordQuery {
  readonly patientId: string;
  readonly category?: Category;
  /** Only records this organisation registered. */
  readonly sourceMspId?: string;
}

export function pageRecords(
  store: Store,
  query: RecordQuery,
  pageSize: number,
  bookmark: string,
): Promise<Page<RecordMeta>> {
  const { patientId, category, sourceMspId } = query;
  const [type, attributes] =
    sourceMspId === undefined
      ? category === undefined
        ? [OBJECT_TYPES.recordByPatient, [patientId]]
        : [OBJECT_TYPES.recordByPatientCategory, [patientId, category]]
      : category === undefined
        ? [OBJECT_TYPES.recordBySource, [sourceMspId, patientId]]
        : [OBJECT_TYPES.recordBySourceCategory, [sourceMspId, patientId, category]];
  return store.page(type, attributes, pageSize, bookmark, (entry) =>
    loadRecord(store, store.attributes(entry.key).at(-1) ?? ''),
  );
}
