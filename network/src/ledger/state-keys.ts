import type { KeyModification, Version, VersionedValue } from '@custodia/ledger';

/**
 * LevelDB layout of the world state (pure encodings, no I/O). Keys sort in the byte order Fabric's
 * range queries use: a key's UTF-8 bytes after a per-namespace prefix.
 *
 *   0x01 ns 0x00 key                                  → blockNum u64 ‖ txNum u32 ‖ value
 *   0x02 ns 0x00 len(key) u32 ‖ key ‖ blockNum ‖ txNum → isDelete u8 ‖ seconds f64 ‖ nanos u32 ‖ len(txId) u16 ‖ txId ‖ value
 *   0x00 "savepoint"                                  → height u64 (blocks [0, height) are applied)
 *
 * Namespaces (chaincode names) never contain 0x00. History keys carry the key's length so that the
 * history of "a" never runs into that of "a\0b" (composite keys are full of 0x00).
 */
const STATE = 0x01;
const HISTORY = 0x02;
const VERSION_BYTES = 12;

export const SAVEPOINT_KEY = Buffer.from('\u0000savepoint');

function namespacePrefix(tag: number, namespace: string): Buffer {
  return Buffer.concat([Buffer.of(tag), Buffer.from(namespace), Buffer.of(0)]);
}

export function stateKey(namespace: string, key: string): Buffer {
  return Buffer.concat([namespacePrefix(STATE, namespace), Buffer.from(key)]);
}

/** [gte, lt) bounds of a namespace's keys in [startKey, endKey); an empty endKey is unbounded. */
export function stateRange(namespace: string, startKey: string, endKey: string): { gte: Buffer; lt: Buffer } {
  const prefix = namespacePrefix(STATE, namespace);
  const namespaceEnd = Buffer.concat([Buffer.of(STATE), Buffer.from(namespace), Buffer.of(1)]);
  return {
    gte: Buffer.concat([prefix, Buffer.from(startKey)]),
    lt: endKey === '' ? namespaceEnd : Buffer.concat([prefix, Buffer.from(endKey)]),
  };
}

/** The key part of a state key of `namespace`. */
export function keyOfStateKey(namespace: string, stored: Uint8Array): string {
  return Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength)
    .subarray(Buffer.byteLength(namespace) + 2)
    .toString();
}

function writeVersion(target: Buffer, offset: number, version: Version): void {
  target.writeBigUInt64BE(BigInt(version.blockNum), offset);
  target.writeUInt32BE(version.txNum, offset + 8);
}

function readVersion(source: Buffer, offset: number): Version {
  return { blockNum: Number(source.readBigUInt64BE(offset)), txNum: source.readUInt32BE(offset + 8) };
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function encodeVersionedValue(value: Uint8Array, version: Version): Buffer {
  const out = Buffer.allocUnsafe(VERSION_BYTES + value.length);
  writeVersion(out, 0, version);
  out.set(value, VERSION_BYTES);
  return out;
}

export function decodeVersionedValue(stored: Uint8Array): VersionedValue {
  const buffer = asBuffer(stored);
  // A copy, so a caller holding the value never pins LevelDB's read buffer.
  return { version: readVersion(buffer, 0), value: new Uint8Array(buffer.subarray(VERSION_BYTES)) };
}

function historyPrefix(namespace: string, key: string): Buffer {
  const keyBytes = Buffer.from(key);
  const length = Buffer.allocUnsafe(4);
  length.writeUInt32BE(keyBytes.length);
  return Buffer.concat([namespacePrefix(HISTORY, namespace), length, keyBytes]);
}

export function historyKey(namespace: string, key: string, version: Version): Buffer {
  const versionBytes = Buffer.allocUnsafe(VERSION_BYTES);
  writeVersion(versionBytes, 0, version);
  return Buffer.concat([historyPrefix(namespace, key), versionBytes]);
}

/** [gte, lt) bounds of every history entry of one key. */
export function historyRange(namespace: string, key: string): { gte: Buffer; lt: Buffer } {
  const prefix = historyPrefix(namespace, key);
  return { gte: prefix, lt: Buffer.concat([prefix, Buffer.alloc(VERSION_BYTES, 0xff)]) };
}

export function encodeModification(modification: KeyModification): Buffer {
  const txId = Buffer.from(modification.txId);
  const head = Buffer.allocUnsafe(1 + 8 + 4 + 2);
  head.writeUInt8(modification.isDelete ? 1 : 0, 0);
  head.writeDoubleBE(modification.timestamp.seconds, 1);
  head.writeUInt32BE(modification.timestamp.nanos, 9);
  head.writeUInt16BE(txId.length, 13);
  return Buffer.concat([head, txId, modification.value]);
}

export function decodeModification(stored: Uint8Array): KeyModification {
  const buffer = asBuffer(stored);
  const txIdLength = buffer.readUInt16BE(13);
  return {
    isDelete: buffer.readUInt8(0) === 1,
    timestamp: { seconds: buffer.readDoubleBE(1), nanos: buffer.readUInt32BE(9) },
    txId: buffer.subarray(15, 15 + txIdLength).toString(),
    value: new Uint8Array(buffer.subarray(15 + txIdLength)),
  };
}

export function encodeHeight(height: number): Buffer {
  const out = Buffer.allocUnsafe(8);
  out.writeBigUInt64BE(BigInt(height));
  return out;
}

export function decodeHeight(stored: Uint8Array): number {
  return Number(asBuffer(stored).readBigUInt64BE(0));
}
