/** The access log: one entry per request, indexed by patient, by requester and by time. */
import type { AccessLogEntry, AccessLogQuery, Page } from '../model';
import { descendingInstant, OBJECT_TYPES, timeIndexKey, timeIndexRange } from './keys';
import type { Entry, Store } from './store';

export function loadLogEntry(store: Store, entryId: string): Promise<AccessLogEntry | undefined> {
  return store.get<AccessLogEntry>(store.key(OBJECT_TYPES.accessLog, [entryId]));
}

export async function saveLogEntry(store: Store, entry: AccessLogEntry): Promise<void> {
  const { entryId, timestamp, patientId, requester } = entry;
  await store.put(store.key(OBJECT_TYPES.accessLog, [entryId]), entry);
  await store.mark(store.key(OBJECT_TYPES.accessLogByPatient, [patientId, timestamp, entryId]));
  await store.mark(
    store.key(OBJECT_TYPES.accessLogByRequester, [requester.mspId, requester.id, timestamp, entryId]),
  );
  await store.mark(timeIndexKey(timestamp, entryId));
  const newest = descendingInstant(timestamp);
  await store.mark(store.key(OBJECT_TYPES.accessLogByPatientNewest, [patientId, newest, entryId]));
  await store.mark(
    store.key(OBJECT_TYPES.accessLogByRequesterNewest, [requester.mspId, requester.id, newest, entryId]),
  );
}

/** Oldest first; a patient's or a requester's log newest first when the query asks. */
export function pageLog(
  store: Store,
  query: AccessLogQuery,
  pageSize: number,
  bookmark: string,
): Promise<Page<AccessLogEntry>> {
  const byEntryId = (entryId: string | undefined) => loadLogEntry(store, entryId ?? '');
  const lastAttribute = (entry: Entry) => byEntryId(store.attributes(entry.key).at(-1));
  switch (query.by) {
    case 'patient':
      return store.page(
        query.order === 'newest-first'
          ? OBJECT_TYPES.accessLogByPatientNewest
          : OBJECT_TYPES.accessLogByPatient,
        [query.patientId],
        pageSize,
        bookmark,
        lastAttribute,
      );
    case 'requester':
      return store.page(
        query.order === 'newest-first'
          ? OBJECT_TYPES.accessLogByRequesterNewest
          : OBJECT_TYPES.accessLogByRequester,
        [query.mspId, query.requesterId],
        pageSize,
        bookmark,
        lastAttribute,
      );
    case 'time': {
      const { start, end } = timeIndexRange(query.from, query.to);
      return store.rangePage(start, end, pageSize, bookmark, (entry) =>
        byEntryId(entry.key.split('@').at(-1)),
      );
    }
  }
}
