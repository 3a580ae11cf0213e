import { createHash } from 'node:crypto';
import type { Version } from '@custodia/ledger';
import { compareKeys } from '@custodia/ledger';
import type { UpdateBatch } from './updates';

/** Protobuf wire encoding of the few field kinds Fabric's internal `txmgr.Updates` message uses. */
class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];

  varint(value: number): this {
    const bytes: number[] = [];
    let rest = value;
    while (rest >= 0x80) {
      bytes.push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    bytes.push(rest);
    this.chunks.push(Uint8Array.from(bytes));
    return this;
  }

  /** A length-delimited field (string, bytes, message); proto3 omits it when empty. */
  bytes(field: number, value: Uint8Array): this {
    if (value.length === 0) return this;
    this.varint((field << 3) | 2).varint(value.length);
    this.chunks.push(value);
    return this;
  }

  bool(field: number, value: boolean): this {
    return value ? this.varint(field << 3).varint(1) : this;
  }

  finish(): Uint8Array {
    return Buffer.concat(this.chunks);
  }
}

/** Fabric's `util.EncodeOrderPreservingVarUint64`: a length byte, then the big-endian bytes without leading zeros. */
function orderPreservingUint(value: number): Uint8Array {
  const bytes: number[] = [];
  for (let rest = BigInt(value); rest > 0n; rest >>= 8n) bytes.unshift(Number(rest & 0xffn));
  return Uint8Array.from([bytes.length, ...bytes]);
}

/** Fabric's `version.Height.ToBytes`. */
export function versionBytes(version: Version): Uint8Array {
  return Buffer.concat([orderPreservingUint(version.blockNum), orderPreservingUint(version.txNum)]);
}

/**
 * Fabric's `deterministicBytesForPubAndHashUpdates` for public data: a `txmgr.Updates` message of
 * KVWrite{namespace (first write of a namespace only), key, isDelete, value, version_bytes}, namespaces
 * and keys in byte order.
 */
export function updateBatchBytes(batch: UpdateBatch): Uint8Array {
  const updates = new ProtoWriter();
  for (const namespace of [...batch.keys()].sort(compareKeys)) {
    if (namespace === '') continue; // Fabric keeps channel config there and leaves it out of the hash
    const writes = batch.get(namespace) ?? new Map();
    let first = true;
    for (const key of [...writes.keys()].sort(compareKeys)) {
      const update = writes.get(key);
      if (!update) continue;
      const write = new ProtoWriter()
        .bytes(1, first ? Buffer.from(namespace) : new Uint8Array(0))
        .bytes(3, Buffer.from(key))
        .bool(4, update.value === null)
        .bytes(5, update.value ?? new Uint8Array(0))
        .bytes(6, versionBytes(update.version))
        .finish();
      updates.bytes(1, write); // never empty: a write always has a key and a version
      first = false;
    }
  }
  return updates.finish();
}

/**
 * Fabric's `kvLedger.addBlockCommitHash`: SHA-256 of varint(len(filter)) ‖ filter ‖ update batch bytes ‖
 * previous commit hash. It chains every peer's view of the state, so two ledgers that agree on it agree
 * on every committed write.
 */
export function nextCommitHash(
  previous: Uint8Array,
  validationCodes: Uint8Array,
  updateBytes: Uint8Array,
): Uint8Array {
  const hash = createHash('sha256')
    .update(new ProtoWriter().varint(validationCodes.length).finish())
    .update(validationCodes)
    .update(updateBytes)
    .update(previous);
  return new Uint8Array(hash.digest());
}
