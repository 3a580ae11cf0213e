/**
 * DER codec for ECDSA signatures (SEQUENCE { INTEGER r, INTEGER s }), strict like Go's encoding/asn1:
 * minimal lengths, no trailing bytes, positive integers. Returns undefined on malformed input.
 */
export interface EcdsaSignatureValues {
  readonly r: bigint;
  readonly s: bigint;
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;

function readLength(bytes: Uint8Array, offset: number): { length: number; next: number } | undefined {
  const first = bytes[offset];
  if (first === undefined) return undefined;
  if (first < 0x80) return { length: first, next: offset + 1 };
  const count = first & 0x7f;
  // ECDSA signatures are short; one or two length bytes is all a valid encoding can need.
  if (count === 0 || count > 2 || offset + 1 + count > bytes.length) return undefined;
  let length = 0;
  for (let i = 0; i < count; i++) length = (length << 8) | (bytes[offset + 1 + i] ?? 0);
  if (length < 0x80 || (count === 2 && length < 0x100)) return undefined; // non-minimal
  return { length, next: offset + 1 + count };
}

function readInteger(bytes: Uint8Array, offset: number): { value: bigint; next: number } | undefined {
  if (bytes[offset] !== INTEGER) return undefined;
  const header = readLength(bytes, offset + 1);
  if (!header || header.length === 0 || header.next + header.length > bytes.length) return undefined;
  const content = bytes.subarray(header.next, header.next + header.length);
  if ((content[0] ?? 0) & 0x80) return undefined; // negative
  if (content.length > 1 && content[0] === 0 && !((content[1] ?? 0) & 0x80)) return undefined; // non-minimal
  const value = BigInt('0x' + (Buffer.from(content).toString('hex') || '0'));
  return { value, next: header.next + header.length };
}

export function decodeDerSignature(bytes: Uint8Array): EcdsaSignatureValues | undefined {
  if (bytes[0] !== SEQUENCE) return undefined;
  const header = readLength(bytes, 1);
  if (!header || header.next + header.length !== bytes.length) return undefined;
  const r = readInteger(bytes, header.next);
  if (!r) return undefined;
  const s = readInteger(bytes, r.next);
  if (!s || s.next !== bytes.length) return undefined;
  return { r: r.value, s: s.value };
}

function encodeLength(length: number): number[] {
  if (length < 0x80) return [length];
  if (length < 0x100) return [0x81, length];
  return [0x82, length >> 8, length & 0xff];
}

function encodeInteger(value: bigint): number[] {
  let hex = value.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  const content = [...Buffer.from(hex, 'hex')];
  if ((content[0] ?? 0) & 0x80) content.unshift(0);
  return [INTEGER, ...encodeLength(content.length), ...content];
}

export function encodeDerSignature({ r, s }: EcdsaSignatureValues): Uint8Array {
  const body = [...encodeInteger(r), ...encodeInteger(s)];
  return Uint8Array.from([SEQUENCE, ...encodeLength(body.length), ...body]);
}
