/**
 * Thin typed access to world state over fabric-shim's stub: JSON values, composite keys,
 * full scans for writing transactions and bookmarked pages for read-only ones (Fabric refuses
 * paginated queries in a transaction that writes).
 */
import type { ChaincodeStub } from 'fabric-shim';
import { ChaincodeError } from '../model';
import type { Page } from '../model';
import { decodeBookmark, encodeBookmark } from './bookmark';
import type { ObjectType } from './keys';

/** Index entries carry no data; Fabric treats an empty value as a delete, so one byte. */
const MARKER = Uint8Array.of(0);

export interface Entry {
  readonly key: string;
  readonly value: Uint8Array;
}

export class Store {
  constructor(private readonly stub: ChaincodeStub) {}

  key(type: ObjectType, attributes: readonly string[]): string {
    return this.stub.createCompositeKey(type, [...attributes]);
  }

  attributes(key: string): string[] {
    return this.stub.splitCompositeKey(key).attributes;
  }

  async get<T>(key: string): Promise<T | undefined> {
    const bytes = await this.stub.getState(key);
    if (!bytes || bytes.length === 0) return undefined;
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
  }

  async exists(key: string): Promise<boolean> {
    const bytes = await this.stub.getState(key);
    return bytes !== undefined && bytes.length > 0;
  }

  async put(key: string, value: unknown): Promise<void> {
    await this.stub.putState(key, Buffer.from(JSON.stringify(value)));
  }

  async mark(key: string): Promise<void> {
    await this.stub.putState(key, MARKER);
  }

  async delete(key: string): Promise<void> {
    await this.stub.deleteState(key);
  }

  /** Every entry under a partial composite key, in key order. For transactions that write. */
  async scan(type: ObjectType, attributes: readonly string[]): Promise<Entry[]> {
    const entries: Entry[] = [];
    for await (const kv of this.stub.getStateByPartialCompositeKey(type, [...attributes])) {
      entries.push({ key: kv.key, value: kv.value });
    }
    return entries;
  }

  /** Every entry of simple keys in [start, end), in key order. For transactions that write. */
  async range(start: string, end: string): Promise<Entry[]> {
    const entries: Entry[] = [];
    for await (const kv of this.stub.getStateByRange(start, end)) {
      entries.push({ key: kv.key, value: kv.value });
    }
    return entries;
  }

  /** One page under a partial composite key. Read-only transactions only. */
  async page<T>(
    type: ObjectType,
    attributes: readonly string[],
    pageSize: number,
    bookmark: string,
    resolve: (entry: Entry) => Promise<T | undefined>,
  ): Promise<Page<T>> {
    const prefix = this.key(type, attributes);
    const start = decodeBookmark(bookmark, (key) => key.startsWith(prefix));
    const response = await this.stub.getStateByPartialCompositeKeyWithPagination(
      type,
      [...attributes],
      pageSize,
      start,
    );
    return this.collect(response, resolve);
  }

  /** One page of simple keys in [start, end). Read-only transactions only. */
  async rangePage<T>(
    start: string,
    end: string,
    pageSize: number,
    bookmark: string,
    resolve: (entry: Entry) => Promise<T | undefined>,
  ): Promise<Page<T>> {
    const from = decodeBookmark(bookmark, (key) => key >= start && key < end);
    const response = await this.stub.getStateByRangeWithPagination(start, end, pageSize, from);
    return this.collect(response, resolve);
  }

  private async collect<T>(
    response: Awaited<ReturnType<ChaincodeStub['getStateByRangeWithPagination']>>,
    resolve: (entry: Entry) => Promise<T | undefined>,
  ): Promise<Page<T>> {
    const { iterator, metadata } = response;
    const entries: Entry[] = [];
    try {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        entries.push({ key: next.value.key, value: next.value.value });
      }
    } finally {
      await iterator.close();
    }
    const items: T[] = [];
    for (const entry of entries) {
      const item = await resolve(entry);
      if (item === undefined) throw new ChaincodeError('INTERNAL', 'index entry without its record');
      items.push(item);
    }
    // An empty page has all-default metadata, which serialises to no bytes: the shim then gives none.
    return { items, bookmark: encodeBookmark(metadata?.bookmark ?? '') };
  }

  json<T>(entry: Entry): T {
    return JSON.parse(Buffer.from(entry.value).toString('utf8')) as T;
  }
}
