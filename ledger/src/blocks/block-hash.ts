import { createHash } from 'node:crypto';

/** The three header fields Fabric hashes; metadata is deliberately outside the chain, as in Fabric. */
export interface HeaderFields {
  readonly number: number | bigint;
  readonly previousHash: Uint8Array;
  readonly dataHash: Uint8Array;
}

function derLength(length: number): number[] {
  if (length < 0x80) return [length];
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return [0x80 | bytes.length, ...bytes];
}

function derElement(tag: number, content: Uint8Array): Uint8Array {
  const head = [tag, ...derLength(content.length)];
  const out = new Uint8Array(head.length + content.length);
  out.set(head, 0);
  out.set(content, head.length);
  return out;
}

/** Minimal two's-complement big-endian bytes of a non-negative integer, as DER requires. */
function derUnsignedInteger(value: bigint): Uint8Array {
  if (value < 0n || value > 0xffff_ffff_ffff_ffffn) throw new RangeError('block number must be a uint64');
  const bytes: number[] = [];
  for (let rest = value; rest > 0n; rest >>= 8n) bytes.unshift(Number(rest & 0xffn));
  if (bytes.length === 0 || (bytes[0] ?? 0) >= 0x80) bytes.unshift(0);
  return Uint8Array.from(bytes);
}

/**
 * Fabric's `protoutil.BlockHeaderBytes`: the ASN.1 DER encoding of
 * SEQUENCE { INTEGER number, OCTET STRING previous_hash, OCTET STRING data_hash }.
 */
export function blockHeaderBytes(header: HeaderFields): Uint8Array {
  const parts = [
    derElement(0x02, derUnsignedInteger(BigInt(header.number))),
    derElement(0x04, header.previousHash),
    derElement(0x04, header.dataHash),
  ];
  return derElement(0x30, Buffer.concat(parts));
}

/** Fabric's `protoutil.BlockHeaderHash`: SHA-256 of the header's DER bytes. */
export function blockHeaderHash(header: HeaderFields): Uint8Array {
  return new Uint8Array(createHash('sha256').update(blockHeaderBytes(header)).digest());
}

/** Fabric's `protoutil.BlockDataHash`: SHA-256 over the block's envelopes, concatenated. */
export function blockDataHash(envelopes: readonly Uint8Array[]): Uint8Array {
  const hash = createHash('sha256');
  for (const envelope of envelopes) hash.update(envelope);
  return new Uint8Array(hash.digest());
}
