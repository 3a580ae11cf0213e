/**
 * World state and key history in memory: a StateReader for tests and tools, with Fabric's versioning
 * (block number, transaction number) and history (newest first, deletes included).
 */
import { lowerBound } from './key-order';
import type { KeyModification, KeyWrite, StateReader, TxTimestamp, Version, VersionedValue } from './state';

interface NamespaceState {
  readonly values: Map<string, VersionedValue>;
  /** The keys of `values` in Fabric's (UTF-8 byte) order, for range scans. */
  readonly keys: string[];
  readonly history: Map<string, KeyModification[]>;
}

/** Where a committed transaction sits and what it was, for versions and history. */
export interface CommitPosition {
  readonly version: Version;
  readonly txId: string;
  readonly timestamp: TxTimestamp;
}

export class MemoryState implements StateReader {
  private readonly namespaces = new Map<string, NamespaceState>();

  async get(namespace: string, key: string): Promise<VersionedValue | undefined> {
    return this.namespaces.get(namespace)?.values.get(key);
  }

  /** Iterates a snapshot taken when iteration starts: commits during the scan are not seen. */
  async *range(
    namespace: string,
    startKey: string,
    endKey: string,
  ): AsyncGenerator<{ readonly key: string } & VersionedValue> {
    const state = this.namespaces.get(namespace);
    if (!state) return;
    const from = lowerBound(state.keys, startKey);
    const to = endKey === '' ? state.keys.length : lowerBound(state.keys, endKey);
    const snapshot = state.keys.slice(from, Math.max(from, to)).map((key) => {
      const entry = state.values.get(key) as VersionedValue;
      return { key, value: entry.value, version: entry.version };
    });
    yield* snapshot;
  }

  async *history(namespace: string, key: string): AsyncGenerator<KeyModification> {
    const entries = this.namespaces.get(namespace)?.history.get(key) ?? [];
    // Newest first, over a copy so commits during iteration are not seen.
    yield* [...entries].reverse();
  }

  /** Applies a valid transaction's writes at `position` and appends them to the keys' history. */
  apply(namespace: string, writes: readonly KeyWrite[], position: CommitPosition): void {
    const state = this.namespace(namespace);
    for (const write of writes) {
      const modifications = state.history.get(write.key) ?? [];
      modifications.push({
        txId: position.txId,
        value: write.isDelete ? new Uint8Array(0) : write.value,
        timestamp: position.timestamp,
        isDelete: write.isDelete,
      });
      state.history.set(write.key, modifications);
      const exists = state.values.has(write.key);
      if (write.isDelete) {
        if (exists) {
          state.values.delete(write.key);
          state.keys.splice(lowerBound(state.keys, write.key), 1);
        }
        continue;
      }
      if (!exists) state.keys.splice(lowerBound(state.keys, write.key), 0, write.key);
      state.values.set(write.key, { value: write.value, version: position.version });
    }
  }

  /** Every key of the namespace with its value decoded as UTF-8, in key order. */
  dump(namespace: string): Map<string, string> {
    const state = this.namespaces.get(namespace);
    const decoder = new TextDecoder();
    const result = new Map<string, string>();
    for (const key of state?.keys ?? []) {
      result.set(key, decoder.decode((state?.values.get(key) as VersionedValue).value));
    }
    return result;
  }

  private namespace(name: string): NamespaceState {
    let state = this.namespaces.get(name);
    if (!state) {
      state = { values: new Map(), keys: [], history: new Map() };
      this.namespaces.set(name, state);
    }
    return state;
  }
}
