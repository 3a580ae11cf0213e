/**
 * The sealed form of every small document the lake decides anything from (record metadata, patient entries, job
 * status, consumer metadata, manifests, pending markers, index entries): the whole document under AES-256-GCM,
 *
 *   "CSDC" | version (1) | header length (u16 BE) | header (JSON) | nonce (12) | ciphertext | tag (16)
 *
 * The header says whose key seals it (the owner organisation, and the patient when the document's key does not say
 * it) so the reader can find the key before opening; it is authenticated with the body. Every document is bound to
 * where it lives: AAD = magic | version | header | context, with `context` naming the location, zone and object
 * key, so a document copied to another key, another record or another patient fails authentication.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DatalakeError } from '../errors';
import { KEY_BYTES, TAG_BYTES } from './format';

const MAGIC = Buffer.from('CSDC', 'ascii');
const VERSION = 1;
const NONCE_BYTES = 12;
const MAX_HEADER_BYTES = 1024;
const OWNER = /^@?[A-Za-z0-9][A-Za-z0-9.@-]{0,127}$/;

export interface DocumentHeader {
  /** The key owner: an organisation (MSP id), the lake itself, or the location. */
  readonly owner: string;
  /** The patient whose key seals it, when the document's object key does not name the patient. */
  readonly patientId?: string;
}

export function sealDocument(
  key: Buffer,
  header: DocumentHeader,
  context: string,
  plaintext: Buffer,
): Buffer {
  if (key.length !== KEY_BYTES) throw new RangeError('document key must be 32 bytes');
  const headerBytes = Buffer.from(
    JSON.stringify(
      header.patientId === undefined ? { o: header.owner } : { o: header.owner, p: header.patientId },
    ),
    'utf8',
  );
  const prefix = Buffer.alloc(7);
  MAGIC.copy(prefix, 0);
  prefix.writeUInt8(VERSION, 4);
  prefix.writeUInt16BE(headerBytes.length, 5);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(aad(prefix, headerBytes, context));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([prefix, headerBytes, nonce, body, cipher.getAuthTag()]);
}

/** The header, read before opening (to find the key); not yet authenticated. */
export function documentHeader(bytes: Buffer): DocumentHeader {
  return parse(bytes).header;
}

/** The plaintext; INTEGRITY_FAILED when the bytes were changed, sealed under another key or for another place. */
export function openDocument(key: Buffer, bytes: Buffer, context: string): Buffer {
  const { prefix, headerBytes, nonce, body, tag } = parse(bytes);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAAD(aad(prefix, headerBytes, context));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new DatalakeError('INTEGRITY_FAILED', 'stored document failed authentication');
  }
}

function aad(prefix: Buffer, header: Buffer, context: string): Buffer {
  return Buffer.concat([prefix, header, Buffer.from(`\0${context}`, 'utf8')]);
}

function parse(bytes: Buffer) {
  const malformed = () => new DatalakeError('INTEGRITY_FAILED', 'not a sealed document');
  if (bytes.length < 7 || !bytes.subarray(0, 4).equals(MAGIC) || bytes.readUInt8(4) !== VERSION)
    throw malformed();
  const headerLength = bytes.readUInt16BE(5);
  const bodyAt = 7 + headerLength + NONCE_BYTES;
  if (headerLength > MAX_HEADER_BYTES || bytes.length < bodyAt + TAG_BYTES) throw malformed();
  const headerBytes = bytes.subarray(7, 7 + headerLength);
  let raw: unknown;
  try {
    raw = JSON.parse(headerBytes.toString('utf8'));
  } catch {
    throw malformed();
  }
  const { o, p } = (typeof raw === 'object' && raw !== null ? raw : {}) as { o?: unknown; p?: unknown };
  if (typeof o !== 'string' || !OWNER.test(o) || (p !== undefined && typeof p !== 'string'))
    throw malformed();
  return {
    header: p === undefined ? { owner: o } : { owner: o, patientId: p },
    prefix: bytes.subarray(0, 7),
    headerBytes,
    nonce: bytes.subarray(7 + headerLength, bodyAt),
    body: bytes.subarray(bodyAt, bytes.length - TAG_BYTES),
    tag: bytes.subarray(bytes.length - TAG_BYTES),
  };
}
