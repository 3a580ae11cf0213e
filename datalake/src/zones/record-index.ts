/**
 * The local index of record documents (LevelDB via classic-level): a cache for "this patient's
 * published records" without listing the structured zone. It is rebuilt from the structured zone
 * by `rebuild` (the `reindex` command), so losing it loses nothing.
 */
import { ClassicLevel } from 'classic-level';
import { decodeRecordDocument, encodeRecordDocument } from './record-document';
import type { RecordDocument } from './record-document';

/** `r!<patientId>!<recordId>` → document; `!` sorts before every id character. */
const key = (patientId: string, recordId: string): string => `r!${patientId}!${recordId}`;
const patientRange = (patientId: string) => ({ gt: `r!${patientId}!`, lt: `r!${patientId}!\xff` });

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
    await this.db.put(key(doc.patientId, doc.recordId), encodeRecordDocument(doc));
  }

  async get(patientId: string, recordId: string): Promise<RecordDocument | undefined> {
    const bytes = await this.db.get(key(patientId, recordId));
    return bytes === undefined ? undefined : decodeRecordDocument(bytes);
  }

  /** The patient's published records, in record-id order. */
  async published(patientId: string): Promise<RecordDocument[]> {
    const docs: RecordDocument[] = [];
    for await (const bytes of this.db.values(patientRange(patientId))) {
      const doc = decodeRecordDocument(bytes);
      if (doc.state === 'published') docs.push(doc);
    }
    return docs;
  }

  async removePatient(patientId: string): Promise<void> {
    const keys: string[] = [];
    for await (const each of this.db.keys(patientRange(patientId))) keys.push(each);
    await this.db.batch(keys.map((each) => ({ type: 'del' as const, key: each })));
  }

  /** Replaces the whole index with the given documents; returns how many were indexed. */
  async rebuild(documents: AsyncIterable<RecordDocument>): Promise<number> {
    await this.db.clear();
    let count = 0;
    let batch = this.db.batch();
    for await (const doc of documents) {
      batch.put(key(doc.patientId, doc.recordId), encodeRecordDocument(doc));
      count += 1;
      if (batch.length >= 500) {
        await batch.write();
        batch = this.db.batch();
      }
    }
    await batch.write();
    return count;
  }
}
