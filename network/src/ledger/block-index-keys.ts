import type { RecordLocation } from './block-file';

/**
 * LevelDB layout of the block index (pure encodings):
 *   "n" blockNum u64 → file u32 ‖ offset u64 ‖ length u32
 *   "t" txId         → blockNum u64 ‖ txIndex u32 ‖ validation code u8
 *   "h"              → indexed height u64 (blocks [0, height) are indexed)
 */
export interface TransactionLocation {
  readonly blockNumber: number;
  readonly txIndex: number;
  readonly validationCode: number;
}

export const INDEXED_HEIGHT_KEY = Buffer.from('h');

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function blockKey(blockNumber: number): Buffer {
  const key = Buffer.allocUnsafe(9);
  key.write('n', 0);
  key.writeBigUInt64BE(BigInt(blockNumber), 1);
  return key;
}

export function txKey(txId: string): Buffer {
  return Buffer.concat([Buffer.from('t'), Buffer.from(txId)]);
}

export function encodeLocation(location: RecordLocation): Buffer {
  const out = Buffer.allocUnsafe(16);
  out.writeUInt32BE(location.file, 0);
  out.writeBigUInt64BE(BigInt(location.offset), 4);
  out.writeUInt32BE(location.length, 12);
  return out;
}

export function decodeLocation(stored: Uint8Array): RecordLocation {
  const buffer = asBuffer(stored);
  return {
    file: buffer.readUInt32BE(0),
    offset: Number(buffer.readBigUInt64BE(4)),
    length: buffer.readUInt32BE(12),
  };
}

export function encodeTransactionLocation(location: TransactionLocation): Buffer {
  const out = Buffer.allocUnsafe(13);
  out.writeBigUInt64BE(BigInt(location.blockNumber), 0);
  out.writeUInt32BE(location.txIndex, 8);
  out.writeUInt8(location.validationCode, 12);
  return out;
}

export function decodeTransactionLocation(stored: Uint8Array): TransactionLocation {
  const buffer = asBuffer(stored);
  return {
    blockNumber: Number(buffer.readBigUInt64BE(0)),
    txIndex: buffer.readUInt32BE(8),
    validationCode: buffer.readUInt8(12),
  };
}
