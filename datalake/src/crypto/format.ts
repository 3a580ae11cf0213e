/**
 * The sealed-object format: a 16-byte header, then chunks of AES-256-GCM ciphertext, each followed by
 * its 16-byte tag. Like the STREAM construction, each chunk's nonce is the header's random prefix,
 * the chunk index and a final-chunk flag, and every chunk authenticates the header and the object's
 * context as AAD. So a flipped byte, a reordered or dropped chunk, a truncation at a chunk boundary
 * or an object swapped for another all fail authentication.
 *
 *   header = "CSTD" | version (1) | chunkSize (u32 BE) | noncePrefix (7)
 *   nonce  = noncePrefix (7) | chunkIndex (u32 BE) | final (1: 0x00 or 0x01)
 */
import { DatalakeError } from '../errors';

export const MAGIC = Buffer.from('CSTD', 'ascii');
export const FORMAT_VERSION = 1;
export const HEADER_BYTES = 16;
export const TAG_BYTES = 16;
export const KEY_BYTES = 32;
export const NONCE_PREFIX_BYTES = 7;
/**
 * Plaintext bytes per chunk of what the lake seals: 1 MiB. Every chunk costs a cipher set-up (OpenSSL's, some tens
 * of µs) and a tag check, so 64 KiB chunks spent more on set-ups than on AES itself in a large download.
 */
export const DEFAULT_CHUNK_SIZE = 1024 * 1024;
/** The chunk size the lake sealed with before; such objects still open (the header names an object's chunk size). */
export const EARLIER_CHUNK_SIZE = 64 * 1024;
/** Bounds accepted when reading a header, so a forged header cannot make us allocate much. */
export const MIN_CHUNK_SIZE = 1024;
export const MAX_CHUNK_SIZE = 4 * 1024 * 1024;
/** The chunk index is a u32 in the nonce. */
export const MAX_CHUNKS = 0xffffffff;

export interface SealHeader {
  readonly chunkSize: number;
  readonly noncePrefix: Buffer;
}

export function encodeHeader(header: SealHeader): Buffer {
  const out = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(out, 0);
  out.writeUInt8(FORMAT_VERSION, 4);
  out.writeUInt32BE(header.chunkSize, 5);
  header.noncePrefix.copy(out, 9, 0, NONCE_PREFIX_BYTES);
  return out;
}

export function decodeHeader(bytes: Buffer): SealHeader {
  if (bytes.length < HEADER_BYTES || !bytes.subarray(0, 4).equals(MAGIC)) {
    throw new DatalakeError('INTEGRITY_FAILED', 'not a sealed object');
  }
  if (bytes.readUInt8(4) !== FORMAT_VERSION) {
    throw new DatalakeError('INTEGRITY_FAILED', 'unsupported sealed-object version');
  }
  const chunkSize = bytes.readUInt32BE(5);
  assertChunkSize(chunkSize);
  return { chunkSize, noncePrefix: Buffer.from(bytes.subarray(9, HEADER_BYTES)) };
}

export function assertChunkSize(chunkSize: number): void {
  if (!Number.isInteger(chunkSize) || chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) {
    throw new DatalakeError('INTEGRITY_FAILED', 'sealed-object chunk size out of bounds');
  }
}

export function chunkNonce(noncePrefix: Buffer, index: number, final: boolean): Buffer {
  if (index > MAX_CHUNKS) throw new DatalakeError('PAYLOAD_TOO_LARGE', 'object has too many chunks');
  const nonce = Buffer.alloc(12);
  noncePrefix.copy(nonce, 0, 0, NONCE_PREFIX_BYTES);
  nonce.writeUInt32BE(index, NONCE_PREFIX_BYTES);
  nonce.writeUInt8(final ? 1 : 0, 11);
  return nonce;
}

/** AAD of every chunk: the header (binds version, chunk size and nonce prefix) and the object's context. */
export function chunkAad(header: Buffer, context: Buffer): Buffer {
  return Buffer.concat([header, context]);
}

/** Size of the sealed form of `plainBytes` bytes (useful for Content-Length). */
export function sealedSize(plainBytes: number, chunkSize: number = DEFAULT_CHUNK_SIZE): number {
  const chunks = Math.max(1, Math.ceil(plainBytes / chunkSize));
  return HEADER_BYTES + plainBytes + chunks * TAG_BYTES;
}

/**
 * Whether `storedBytes` is the whole sealed form of `plainBytes` bytes at one of `chunkSizes` (neither gone nor cut
 * short): a check of presence and length made without reading the object, whose chunks authenticate it when read.
 */
export function isWholeSealedSize(
  plainBytes: number,
  storedBytes: number,
  chunkSizes: readonly number[],
): boolean {
  return chunkSizes.some((chunkSize) => storedBytes === sealedSize(plainBytes, chunkSize));
}
