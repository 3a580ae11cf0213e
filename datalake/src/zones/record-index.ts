/**
 * The local index of record documents (LevelDB via classic-level): a cache for "this patient's current
 * records" without listing the structured zone, plus the two lookups ingestion deduplicates with — by content
 * (per patient and organisation) and by source document (its latest version). It is rebuilt from the
 * structured zone by `rebuild` (the `reindex` command), so losing it loses nothing.
 */
import { ClassicLevel } from 'classic-level';
import { decodeRecordDocument, encodeRecordDocument } from './record-document';
import type { RecordDocument } from './record-document';

/** `r!<patientId>!<recordId>` → document; `!` sorts before every id character. */
const key = (patientId: string, recordId: string): string => `r!${patientId}!${recordId}`;
/** `c!<patientId>!<organisation>!<contentKey>` → record id of the current record with that content. */
const contentEntry = (doc: Pick<RecordDocument, 'patientId' | 'organisation'>, contentKey: string): string =>
  `c!${doc.patientId}!${doc.organisation}!${contentKey}`;
/** `s!<patientId>!<sourceKey>` → record id of the source document's latest version. */
const sourceEntry = (patientId: string, sourceKey: string): string => `s!${patientId}!${sourceKey}`;
const range = (prefix: string, patientId: string) => ({
  gt: `${prefix}!${patientId}!`,
  lt: `${prefix}!${patientId}!\xff`,
});

type Operation = { type: 'put'; key: string; value: Buffer } | { type: 'del'; key: string };

export class RecordIndex {
  private readonly db: ClassicLevel<string, Buffer>;

  constructor(directory: string) {
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
    const bytes = await this.db.get(key(patientId, recordId));
    return bytes === undefined ? undefined : decodeRecordDocument(bytes);
  }

  /** The patient's current records (published, not replaced by a newer version), in record-id order. */
  async published(patientId: string): Promise<RecordDocument[]> {
    const docs: RecordDocument[] = [];
    for await (const bytes of this.db.values(range('r', patientId))) {
      const doc = decodeRecordDocument(bytes);
      if (doc.state === 'published' && doc.supersededBy === undefined) docs.push(doc);
    }
    return docs;
  }

  /** The current record of this patient and organisation with this content, if any. */
  async byContent(patientId: string, organisation: string, contentKey: string): Promise<string | undefined> {
    return (await this.db.get(contentEntry({ patientId, organisation }, contentKey)))?.toString('utf8');
  }

  /** The latest version of a source document, if any. */
  async latestOfSource(patientId: string, sourceKey: string): Promise<string | undefined> {
    return (await this.db.get(sourceEntry(patientId, sourceKey)))?.toString('utf8');
  }

  async removePatient(patientId: string): Promise<void> {
    const keys: string[] = [];
    for (const prefix of ['r', 'c', 's'])
      for await (const each of this.db.keys(range(prefix, patientId))) keys.push(each);
    await this.db.batch(keys.map((each) => ({ type: 'del' as const, key: each })));
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

  private async operations(doc: RecordDocument): Promise<Operation[]> {
    const operations: Operation[] = [
      { type: 'put', key: key(doc.patientId, doc.recordId), value: encodeRecordDocument(doc) },
    ];
    if (doc.state !== 'published') return operations;
    const id = Buffer.from(doc.recordId, 'utf8');
    if (doc.supersededBy === undefined) {
      if (doc.contentKey !== undefined)
        operations.push({ type: 'put', key: contentEntry(doc, doc.contentKey), value: id });
      if (doc.sourceKey !== undefined)
        operations.push({ type: 'put', key: sourceEntry(doc.patientId, doc.sourceKey), value: id });
    } else if (doc.contentKey !== undefined) {
      // A retired version no longer answers for its content: the same content sent again is a new version.
      const entry = contentEntry(doc, doc.contentKey);
      if ((await this.db.get(entry))?.toString('utf8') === doc.recordId)
        operations.push({ type: 'del', key: entry });
    }
    return operations;
  }
}
