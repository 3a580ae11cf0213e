/**
 * The local index of record documents, one LevelDB (classic-level) per storage location: a cache for "this patient's
 * current records" without listing the structured zone, plus the two lookups ingestion deduplicates with — by
 * content (per patient and organisation) and by source document (its latest version). It is rebuilt from the
 * structured zone by `rebuild`, so losing it loses nothing.
 *
 * Nothing in it is in clear: keys name the patient by keyed token (never the id) and hold keyed hashes and record
 * ids; every document is sealed under the patient's key, bound to its index key. Erasure deletes a patient's
 * entries and compacts their key range, so no copy lingers in the log or older table files.
 */
import { ClassicLevel } from 'classic-level';
import type { KeyedHash } from '../crypto/keyed-hash';
import type { SealedDocuments } from './documents';
import { decodeRecordDocument, withoutContent } from './record-document';
import type { RecordDocument } from './record-document';

type Operation = { type: 'put'; key: string; value: Buffer } | { type: 'del'; key: string };

/** Index entry kinds: record documents, current record by content, latest version of a source document. */
const KINDS = ['r', 'c', 's'] as const;
/** `p!<token>` → the patient id the token stands for, sealed under the location key (the residency check reads it). */
const patientKey = (token: string): string => `p!${token}`;

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

  /** The patient's current records (published, not replaced by a newer version), in record-id order. */
  async published(patientId: string): Promise<RecordDocument[]> {
    const docs: RecordDocument[] = [];
    for await (const [key, bytes] of this.db.iterator(this.range('r', patientId))) {
      const doc = await this.decode(key, bytes, patientId);
      if (doc.state === 'published' && doc.supersededBy === undefined) docs.push(doc);
    }
    return docs;
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
    const patients = new Map<string, string>();
    for await (const [key, bytes] of this.db.iterator({ gt: 'p!', lt: 'p!\xff' })) {
      const opened = await this.documents.open(this.country, this.where(key), bytes).catch(() => undefined);
      const patientId = (opened?.value as { patientId?: unknown } | undefined)?.patientId;
      if (typeof patientId === 'string') patients.set(key.slice(2), patientId);
    }
    for await (const [key, bytes] of this.db.iterator({ gt: 'r!', lt: 'r!\xff' })) {
      try {
        const patientId = patients.get(key.split('!')[1] as string);
        const opened = await this.documents.open(this.country, this.where(key), bytes, patientId);
        const doc = decodeRecordDocument(opened.value);
        // The entry is bound to its key; its document must be the one that key names.
        if (key !== this.recordKey(doc.patientId, doc.recordId)) throw new Error('misplaced index entry');
        byCountry[doc.country] = (byCountry[doc.country] ?? 0) + 1;
      } catch {
        unreadable += 1;
      }
    }
    return { byCountry, unreadable };
  }

  /** Deletes every entry of the patient and compacts their key ranges (no copy left in the log or tables). */
  async removePatient(patientId: string): Promise<number> {
    const keys: string[] = [];
    for (const kind of KINDS)
      for await (const each of this.db.keys(this.range(kind, patientId))) keys.push(each);
    await this.db.batch(keys.map((each) => ({ type: 'del' as const, key: each })));
    for (const kind of KINDS) {
      const { gt, lt } = this.range(kind, patientId);
      await this.db.compactRange(gt, lt);
    }
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
      if (batch.length >= 500) {
        await this.db.batch(batch);
        batch = [];
      }
    }
    await this.db.batch(batch);
    return count;
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

  private range(kind: (typeof KINDS)[number], patientId: string) {
    return { gt: `${kind}!${this.token(patientId)}!`, lt: `${kind}!${this.token(patientId)}!\xff` };
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

  /** The patient's current records in every location, in record-id order. */
  async published(patientId: string): Promise<RecordDocument[]> {
    const all = (
      await Promise.all([...this.byCountry.values()].map((index) => index.published(patientId)))
    ).flat();
    return all.sort((a, b) => (a.recordId < b.recordId ? -1 : a.recordId > b.recordId ? 1 : 0));
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
