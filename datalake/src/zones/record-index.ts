/**
 * The local index of record documents, one LevelDB (classic-level) per storage location: a cache for "this patient's
 * current records" without listing the structured zone, plus the two lookups ingestion deduplicates with — by
 * content (per patient and organisation) and by source document (its latest version). It is rebuilt from the
 * structured zone by `rebuild`, so losing it loses nothing.
 *
 * The current records are also listed by category (keys only), so an assembly opens the documents of the categories
 * its grant names and not every document of the patient: a patient's records of other categories cost it nothing.
 *
 * Nothing in it is in clear: keys name the patient and categories by keyed token (never the id or the category) and
 * hold keyed hashes and record ids; every document is sealed under the patient's key, bound to its index key. Erasure
 * deletes a patient's entries and compacts their key ranges, so no copy lingers in the log or older table files.
 */
import type { Category } from '@custodia/chaincode';
import { ClassicLevel } from 'classic-level';
import type { KeyedHash } from '../crypto/keyed-hash';
import type { SealedDocuments } from './documents';
import { decodeRecordDocument, withoutContent } from './record-document';
import type { RecordDocument } from './record-document';

type Operation = { type: 'put'; key: string; value: Buffer } | { type: 'del'; key: string };

/**
 * Index entry kinds of a patient: record documents, current record by content, latest version of a source document,
 * current records by category.
 */
const KINDS = ['r', 'c', 's', 'g'] as const;
/** `p!<token>` → the patient id the token stands for, sealed under the location key (the residency check reads it). */
const patientKey = (token: string): string => `p!${token}`;
/**
 * The index's format: written once its category entries are there. An index written before them has none and no
 * format key; `open` adds them (once) from its record documents.
 */
const FORMAT_KEY = 'v!format';
const FORMAT = Buffer.from('category-entries', 'utf8');
const EMPTY = Buffer.alloc(0);
/** Entries written per batch when many are (rebuild, upgrade). */
const BATCH_ENTRIES = 500;

/** How many records of a patient the index holds, without opening any (what a listing's cost is guessed from). */
export interface RecordCounts {
  /** Every record document of the patient — pending and superseded ones too: an upper bound of the current ones. */
  readonly total: number;
  /** Current records of each category asked for (a record of two categories counts in both). */
  readonly byCategory: ReadonlyMap<Category, number>;
}

export class RecordIndex {
  private readonly db: ClassicLevel<string, Buffer>;

  constructor(
    directory: string,
    private readonly country: string,
    private readonly documents: SealedDocuments,
    private readonly tokens: KeyedHash,
  ) {
    this.db = new ClassicLevel<string, Buffer>(directory, { valueEncoding: 'buffer' });
  }

  async open(): Promise<void> {
    await this.db.open();
    if (!FORMAT.equals((await this.db.get(FORMAT_KEY)) ?? EMPTY)) await this.addCategoryEntries();
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  async upsert(doc: RecordDocument): Promise<void> {
    await this.db.batch(await this.operations(doc));
  }

  async get(patientId: string, recordId: string): Promise<RecordDocument | undefined> {
    const key = this.recordKey(patientId, recordId);
    const bytes = await this.db.get(key);
    return bytes === undefined ? undefined : this.decode(key, bytes, patientId);
  }

  /**
   * The patient's current records (published, not replaced by a newer version), in record-id order; with
   * `categories`, only those carrying one of them (each once) — and only their documents are opened.
   */
  async published(patientId: string, categories?: readonly Category[]): Promise<RecordDocument[]> {
    const docs: RecordDocument[] = [];
    const entries =
      categories === undefined
        ? this.db.iterator(this.range('r', patientId))
        : this.recordEntries(patientId, await this.recordIdsOf(patientId, categories));
    for await (const [key, bytes] of entries) {
      const doc = await this.decode(key, bytes, patientId);
      if (isCurrent(doc)) docs.push(doc);
    }
    return docs;
  }

  /** How many records the patient has here, in all and per category, from keys alone (nothing is opened). */
  async counts(patientId: string, categories: readonly Category[]): Promise<RecordCounts> {
    const byCategory = new Map<Category, number>();
    for (const category of new Set(categories))
      byCategory.set(category, await this.count(this.categoryRange(patientId, category)));
    return { total: await this.count(this.range('r', patientId)), byCategory };
  }

  /** The current record of this patient and organisation with this (keyed) content key, if any. */
  async byContent(patientId: string, organisation: string, contentKey: string): Promise<string | undefined> {
    return (await this.db.get(this.contentKey(patientId, organisation, contentKey)))?.toString('utf8');
  }

  /** The latest version of a source document, if any. */
  async latestOfSource(patientId: string, sourceKey: string): Promise<string | undefined> {
    return (await this.db.get(this.sourceKey(patientId, sourceKey)))?.toString('utf8');
  }

  /** How many record documents the index holds, by the country they are of, and how many do not open (residency). */
  async countries(): Promise<{ byCountry: Record<string, number>; unreadable: number }> {
    const byCountry: Record<string, number> = {};
    let unreadable = 0;
    for await (const doc of this.everyDocument()) {
      if (doc === undefined) unreadable += 1;
      else byCountry[doc.country] = (byCountry[doc.country] ?? 0) + 1;
    }
    return { byCountry, unreadable };
  }

  /**
   * Deletes every entry of the patient — their token's entry too (it holds their id, sealed under a location key
   * erasure does not destroy) — and compacts their key ranges (no copy left in the log or tables).
   */
  async removePatient(patientId: string): Promise<number> {
    const located = patientKey(this.token(patientId));
    const keys: string[] = [];
    for (const kind of KINDS)
      for await (const each of this.db.keys(this.range(kind, patientId))) keys.push(each);
    if ((await this.db.get(located)) !== undefined) keys.push(located);
    await this.db.batch(keys.map((each) => ({ type: 'del' as const, key: each })));
    for (const kind of KINDS) {
      const { gt, lt } = this.range(kind, patientId);
      await this.db.compactRange(gt, lt);
    }
    await this.db.compactRange(located, `${located}\0`);
    return keys.length;
  }

  /** Replaces the whole index with the given documents; returns how many were indexed. */
  async rebuild(documents: AsyncIterable<RecordDocument>): Promise<number> {
    await this.db.clear();
    let count = 0;
    let batch: Operation[] = [];
    for await (const doc of documents) {
      batch.push(...(await this.operations(doc)));
      count += 1;
      if (batch.length >= BATCH_ENTRIES) {
        await this.db.batch(batch);
        batch = [];
      }
    }
    await this.db.batch([...batch, { type: 'put', key: FORMAT_KEY, value: FORMAT }]);
    return count;
  }

  /**
   * Upgrade of an index written before the category entries: each record document is opened once and its entries
   * added; the format key goes last, so an upgrade cut short is done again at the next open (the puts repeat
   * harmlessly). A document that does not open gets none (it could not be released anyway).
   */
  private async addCategoryEntries(): Promise<void> {
    let batch: Operation[] = [];
    for await (const doc of this.everyDocument()) {
      if (doc !== undefined) batch.push(...this.categoryOperations(doc));
      if (batch.length >= BATCH_ENTRIES) {
        await this.db.batch(batch);
        batch = [];
      }
    }
    await this.db.batch([...batch, { type: 'put', key: FORMAT_KEY, value: FORMAT }]);
  }

  /**
   * Every record document of the index, opened and checked against its key; undefined for one that does not open
   * (its patient is found from the token entries, sealed under the location key).
   */
  private async *everyDocument(): AsyncGenerator<RecordDocument | undefined> {
    const patients = new Map<string, string>();
    for await (const [key, bytes] of this.db.iterator({ gt: 'p!', lt: 'p!\xff' })) {
      const opened = await this.documents.open(this.country, this.where(key), bytes).catch(() => undefined);
      const patientId = (opened?.value as { patientId?: unknown } | undefined)?.patientId;
      if (typeof patientId === 'string') patients.set(key.slice(2), patientId);
    }
    for await (const [key, bytes] of this.db.iterator({ gt: 'r!', lt: 'r!\xff' })) {
      let doc: RecordDocument | undefined;
      try {
        const patientId = patients.get(key.split('!')[1] as string);
        const opened = await this.documents.open(this.country, this.where(key), bytes, patientId);
        doc = decodeRecordDocument(opened.value);
        // The entry is bound to its key; its document must be the one that key names.
        if (key !== this.recordKey(doc.patientId, doc.recordId)) doc = undefined;
      } catch {
        doc = undefined;
      }
      yield doc;
    }
  }

  /** The ids of the patient's records listed under any of `categories`, each once, in record-id order. */
  private async recordIdsOf(patientId: string, categories: readonly Category[]): Promise<string[]> {
    const ids = new Set<string>();
    for (const category of new Set(categories)) {
      const range = this.categoryRange(patientId, category);
      for await (const key of this.db.keys(range)) ids.add(key.slice(range.gt.length));
    }
    return [...ids].sort();
  }

  /** The record entries of these ids (one read for all); an id without one is skipped. */
  private async *recordEntries(
    patientId: string,
    recordIds: readonly string[],
  ): AsyncGenerator<[string, Buffer]> {
    const keys = recordIds.map((recordId) => this.recordKey(patientId, recordId));
    const values = keys.length === 0 ? [] : await this.db.getMany(keys);
    for (const [position, key] of keys.entries()) {
      const bytes = values[position];
      if (bytes !== undefined) yield [key, bytes];
    }
  }

  private async count(range: { gt: string; lt: string }): Promise<number> {
    return (await this.db.keys(range).all()).length;
  }

  private token(patientId: string): string {
    return this.tokens.patientToken(patientId);
  }

  /** `r!<token>!<recordId>` → sealed document; `!` sorts before every id character. */
  private recordKey(patientId: string, recordId: string): string {
    return `r!${this.token(patientId)}!${recordId}`;
  }

  /** `c!<token>!<organisation>!<contentKey>` → record id of the current record with that content. */
  private contentKey(patientId: string, organisation: string, contentKey: string): string {
    return `c!${this.token(patientId)}!${organisation}!${contentKey}`;
  }

  /** `s!<token>!<sourceKey>` → record id of the source document's latest version. */
  private sourceKey(patientId: string, sourceKey: string): string {
    return `s!${this.token(patientId)}!${sourceKey}`;
  }

  /** `g!<token>!<category token>!<recordId>` → nothing: the record is current and carries the category. */
  private categoryKey(patientId: string, category: Category, recordId: string): string {
    return `${this.categoryRange(patientId, category).gt}${recordId}`;
  }

  private range(kind: (typeof KINDS)[number], patientId: string) {
    return { gt: `${kind}!${this.token(patientId)}!`, lt: `${kind}!${this.token(patientId)}!\xff` };
  }

  private categoryRange(patientId: string, category: Category) {
    const prefix = `g!${this.token(patientId)}!${this.tokens.categoryToken(patientId, category)}!`;
    return { gt: prefix, lt: `${prefix}\xff` };
  }

  private where(key: string): string {
    return `${this.country}\0index\0${key}`;
  }

  private async decode(key: string, bytes: Buffer, patientId: string): Promise<RecordDocument> {
    const opened = await this.documents.open(this.country, this.where(key), bytes, patientId);
    return decodeRecordDocument(opened.value);
  }

  private async operations(doc: RecordDocument): Promise<Operation[]> {
    const key = this.recordKey(doc.patientId, doc.recordId);
    const sealed = await this.documents.seal(
      this.country,
      this.where(key),
      { scope: 'patient', patientId: doc.patientId, owner: doc.organisation },
      withoutContent(doc),
    );
    const located = patientKey(this.token(doc.patientId));
    const operations: Operation[] = [
      { type: 'put', key, value: sealed },
      {
        type: 'put',
        key: located,
        value: await this.documents.seal(
          this.country,
          this.where(located),
          { scope: 'location' },
          {
            patientId: doc.patientId,
          },
        ),
      },
    ];
    operations.push(...this.categoryOperations(doc));
    if (doc.state !== 'published') return operations;
    const id = Buffer.from(doc.recordId, 'utf8');
    if (doc.supersededBy === undefined) {
      if (doc.contentKey !== undefined)
        operations.push({
          type: 'put',
          key: this.contentKey(doc.patientId, doc.organisation, doc.contentKey),
          value: id,
        });
      if (doc.sourceKey !== undefined)
        operations.push({ type: 'put', key: this.sourceKey(doc.patientId, doc.sourceKey), value: id });
    } else if (doc.contentKey !== undefined) {
      // A retired version no longer answers for its content: the same content sent again is a new version.
      const entry = this.contentKey(doc.patientId, doc.organisation, doc.contentKey);
      if ((await this.db.get(entry))?.toString('utf8') === doc.recordId)
        operations.push({ type: 'del', key: entry });
    }
    return operations;
  }

  /**
   * A current record is listed under each of its categories; any other version is not (a superseded one leaves
   * them). A record's categories are those registered with it on-chain and never change between its versions, so
   * its own categories are all it can have been listed under.
   */
  private categoryOperations(doc: RecordDocument): Operation[] {
    return doc.categories.map((category) => {
      const key = this.categoryKey(doc.patientId, category, doc.recordId);
      return isCurrent(doc) ? { type: 'put', key, value: EMPTY } : { type: 'del', key };
    });
  }
}

/** Released at all: published and not replaced by a newer version. */
function isCurrent(doc: RecordDocument): boolean {
  return doc.state === 'published' && doc.supersededBy === undefined;
}

/** The index of every location: a patient's records may be held in several countries. */
export class RecordIndexes {
  constructor(private readonly byCountry: ReadonlyMap<string, RecordIndex>) {}

  of(country: string): RecordIndex {
    const index = this.byCountry.get(country);
    if (index === undefined) throw new Error(`no index for location ${country}`);
    return index;
  }

  async open(): Promise<void> {
    for (const index of this.byCountry.values()) await index.open();
  }

  async close(): Promise<void> {
    for (const index of this.byCountry.values()) await index.close();
  }

  async upsert(doc: RecordDocument): Promise<void> {
    await this.of(doc.country).upsert(doc);
  }

  /** The patient's current records in every location (with `categories`, of those only), in record-id order. */
  async published(patientId: string, categories?: readonly Category[]): Promise<RecordDocument[]> {
    const all = (
      await Promise.all([...this.byCountry.values()].map((index) => index.published(patientId, categories)))
    ).flat();
    return all.sort((a, b) => (a.recordId < b.recordId ? -1 : a.recordId > b.recordId ? 1 : 0));
  }

  /** The patient's record counts summed over every location (keys only). */
  async counts(patientId: string, categories: readonly Category[]): Promise<RecordCounts> {
    const each = await Promise.all(
      [...this.byCountry.values()].map((index) => index.counts(patientId, categories)),
    );
    const byCategory = new Map<Category, number>();
    for (const { byCategory: counted } of each)
      for (const [category, count] of counted)
        byCategory.set(category, (byCategory.get(category) ?? 0) + count);
    return { total: each.reduce((sum, { total }) => sum + total, 0), byCategory };
  }

  /** The indexed document of a record, wherever it is held. */
  async get(patientId: string, recordId: string): Promise<RecordDocument | undefined> {
    for (const index of this.byCountry.values()) {
      const doc = await index.get(patientId, recordId);
      if (doc !== undefined) return doc;
    }
    return undefined;
  }

  async removePatient(patientId: string): Promise<number> {
    let removed = 0;
    for (const index of this.byCountry.values()) removed += await index.removePatient(patientId);
    return removed;
  }
}
