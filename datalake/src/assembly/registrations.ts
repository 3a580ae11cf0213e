/**
 * The ledger's registrations of the records an assembly may release, read in pages (`records:listRecordMeta`, up to
 * the chaincode's page size) by patient, or by patient and category, instead of one ledger read per record. Each
 * page is handed on as it arrives, so the records it names are checked while the next page is read.
 */
import { LIMITS } from '@custodia/chaincode';
import type { Category, GrantView, RecordMeta } from '@custodia/chaincode';
import type { LedgerActor, LedgerPort } from '../ledger/port';
import type { RecordDocument } from '../zones/record-document';
import type { RecordCounts } from '../zones/record-index';
import type { ExclusionReason } from './manifest';
import { releasedCategories } from './select';

/** Which listings to read: the patient's whole list, or one list per category (read side by side). */
export type Listing =
  { readonly by: 'patient' } | { readonly by: 'category'; readonly categories: Category[] };

const pages = (records: number): number => Math.ceil(records / LIMITS.maxPageSize);

/**
 * The cheaper way to find every candidate's registration. Each candidate is listed under one category it is
 * released by; per category the lists are read side by side, each page after the one before. The patient's
 * whole list is read instead when it takes no more pages one after another (few records: one call, not one per
 * category). `counts` are the index's, standing in for what the ledger lists, from its keys alone: per category
 * the current records, in all every record document (superseded and pending ones too) — an upper bound, which the
 * ledger's whole list (superseded versions stay registered) is closer to anyway; a guess too high only reads the
 * category lists when the whole one would have done, never misses a record.
 */
export function chooseListing(
  candidates: readonly RecordDocument[],
  counts: RecordCounts,
  grant: Pick<GrantView, 'patientId' | 'granted'>,
): Listing {
  const categories = [
    ...new Set(candidates.map((document) => releasedCategories(document, grant)[0] as Category)),
  ];
  const deepest = Math.max(0, ...categories.map((category) => pages(counts.byCategory.get(category) ?? 0)));
  return pages(counts.total) <= deepest || categories.length === 0
    ? { by: 'patient' }
    : { by: 'category', categories };
}

/** Reads the listing page by page (side by side per category), calling `onPage` with each page as it arrives. */
export async function readRegistrations(
  ledger: LedgerPort,
  actor: LedgerActor,
  patientId: string,
  listing: Listing,
  onPage: (registrations: readonly RecordMeta[]) => void,
): Promise<void> {
  const lane = async (category?: Category): Promise<void> => {
    let bookmark = '';
    do {
      const page = await ledger.listRecordMeta(
        actor,
        patientId,
        { pageSize: LIMITS.maxPageSize, bookmark },
        category,
      );
      onPage(page.items);
      bookmark = page.bookmark;
    } while (bookmark !== '');
  };
  if (listing.by === 'patient') await lane();
  else await Promise.all(listing.categories.map((category) => lane(category)));
}

/**
 * The registrations of a known set of records, each awaited on its own while the pages that name them arrive: a
 * record's check waits for its own registration, not for the whole listing. The first registration named for a
 * record counts (a record listed under two categories is checked once); names outside the set are ignored.
 */
export class Registrations {
  private readonly pending = new Map<
    string,
    {
      readonly promise: Promise<RecordMeta | undefined>;
      readonly settle: (registration: RecordMeta | undefined) => void;
      readonly fail: (reason: unknown) => void;
    }
  >();

  constructor(recordIds: Iterable<string>) {
    for (const recordId of recordIds) {
      if (this.pending.has(recordId)) continue;
      let settle: (registration: RecordMeta | undefined) => void = () => undefined;
      let fail: (reason: unknown) => void = () => undefined;
      const promise = new Promise<RecordMeta | undefined>((resolve, reject) => {
        settle = resolve;
        fail = reject;
      });
      // A failed listing may settle a record nobody awaits yet: not an unhandled rejection.
      promise.catch(() => undefined);
      this.pending.set(recordId, { promise, settle, fail });
    }
  }

  /** The record's registration once a page names it; undefined when the listing ended without it. */
  of(recordId: string): Promise<RecordMeta | undefined> {
    return this.pending.get(recordId)?.promise ?? Promise.resolve(undefined);
  }

  /** A page arrived: the records it names have their registration. */
  named(page: readonly RecordMeta[]): void {
    for (const registration of page) {
      const entry = this.pending.get(registration.recordId);
      // Settled once: a later listing of the same record changes nothing.
      entry?.settle(registration);
    }
  }

  /** The listing ended: records it did not name are not registered. */
  end(): void {
    for (const entry of this.pending.values()) entry.settle(undefined);
  }

  /** The listing failed: records not named yet wait no more, and fail with `reason`. */
  abort(reason: unknown): void {
    for (const entry of this.pending.values()) entry.fail(reason);
  }
}

/**
 * Why a record may not be released on its registration (undefined: it may): none, another patient's, another
 * hash than the lake's document holds, already replaced by a newer version, or other categories or labels than
 * the lake's document says (the ledger's are the ones rules were decided on).
 */
export function registrationRefusal(
  document: RecordDocument,
  registration: RecordMeta | undefined,
): ExclusionReason | undefined {
  if (registration === undefined || registration.patientId !== document.patientId) return 'not-registered';
  if (registration.contentHash !== document.contentHash) return 'hash-mismatch';
  if (registration.supersededBy !== undefined) return 'superseded';
  if (
    !sameSet(registration.categories, document.categories) ||
    !sameSet(registration.labels, document.labels)
  )
    return 'metadata-mismatch';
  return undefined;
}

/** The same members, in any order. */
export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}
