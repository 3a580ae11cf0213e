/**
 * Writes and reads sealed objects: bytes stream through SHA-256 and the sealing stream into a zone
 * bucket, and the object's wrapped data key goes to the keys bucket. Nothing in a zone is readable
 * without the organisation's key; deleting the key document shreds the object.
 */
import { randomUUID } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DigestStream } from '../crypto/digest-stream';
import { createOpener, createSealer } from '../crypto/envelope';
import { DEFAULT_CHUNK_SIZE, sealedSize } from '../crypto/format';
import type { KeyProvider, WrappedKey } from '../crypto/key-provider';
import { DatalakeError } from '../errors';
import { readBounded } from '../stream/read-bounded';
import type { StorageLocation, Zone } from '../storage/locations';

export interface SealedTarget {
  readonly location: StorageLocation;
  readonly zone: Zone;
  readonly objectKey: string;
  /** Where the wrapped data key is stored in the location's keys bucket. */
  readonly keyKey: string;
  /** The organisation whose key wraps the data key. */
  readonly owner: string;
  readonly objectId: string;
}

export interface SealedWrite {
  readonly size: number;
  readonly sha256: string;
}

interface KeyDocument {
  readonly objectId: string;
  readonly key: WrappedKey;
}

const MAX_KEY_DOCUMENT = 4096;

export function newObjectId(): string {
  return randomUUID();
}

export class SealedObjects {
  constructor(
    private readonly keys: KeyProvider,
    private readonly chunkSize?: number,
  ) {}

  /** Streams `body` into the target; rejects (and leaves no readable object) on any failure or past maxBytes. */
  async write(target: SealedTarget, body: Readable | Buffer, maxBytes?: number): Promise<SealedWrite> {
    const sealer = await createSealer(this.keys, target.owner, target.objectId, this.chunkSize);
    const keyDocument: KeyDocument = { objectId: target.objectId, key: sealer.key };
    const { location } = target;
    await location.store.put(
      location.bucket('keys'),
      target.keyKey,
      Buffer.from(JSON.stringify(keyDocument)),
      {
        contentType: 'application/json',
      },
    );
    const digest = new DigestStream(maxBytes);
    const source = Buffer.isBuffer(body) ? Readable.from([body]) : body;
    const sealing = pipeline(source, digest, sealer.stream);
    const upload = location.store.put(location.bucket(target.zone), target.objectKey, sealer.stream, {
      contentType: 'application/octet-stream',
      // A body of known length goes up in one request instead of a multipart upload's four.
      ...(Buffer.isBuffer(body) ? { size: this.sealedSize(body.length) } : {}),
    });
    // If storage fails, stop reading the source too (e.g. the client's request).
    upload.catch((error: unknown) => sealer.stream.destroy(error as Error));
    await Promise.all([sealing, upload]);
    return { size: digest.bytes, sha256: digest.sha256 };
  }

  /** The plaintext of a sealed object as a stream that fails with INTEGRITY_FAILED on any tampering. */
  async read(target: Omit<SealedTarget, 'owner'>): Promise<Readable> {
    const { location } = target;
    const keyBytes = await location.store.getBuffer(location.bucket('keys'), target.keyKey, MAX_KEY_DOCUMENT);
    if (keyBytes === undefined) throw new DatalakeError('NOT_FOUND', 'data key not found');
    const keyDocument = parseKeyDocument(keyBytes);
    if (keyDocument.objectId !== target.objectId) {
      throw new DatalakeError('INTEGRITY_FAILED', 'data key belongs to another object');
    }
    const opener = await createOpener(this.keys, keyDocument.key, target.objectId);
    const sealed = await location.store.get(location.bucket(target.zone), target.objectKey);
    const out = new PassThrough();
    pipeline(sealed, opener, out).catch((error: unknown) => out.destroy(error as Error));
    return out;
  }

  /** The stored size of an object of `plainBytes` bytes sealed here (a check that it is there whole). */
  sealedSize(plainBytes: number): number {
    return sealedSize(plainBytes, this.chunkSize ?? DEFAULT_CHUNK_SIZE);
  }

  /** Reads a small sealed object whole (FHIR resources), refusing more than maxBytes. */
  async readBuffer(target: Omit<SealedTarget, 'owner'>, maxBytes: number): Promise<Buffer> {
    return readBounded(await this.read(target), maxBytes, 'sealed object');
  }
}

function parseKeyDocument(bytes: Buffer): KeyDocument {
  try {
    const doc = JSON.parse(bytes.toString('utf8')) as Partial<KeyDocument>;
    if (typeof doc.objectId === 'string' && typeof doc.key?.wrapped === 'string') return doc as KeyDocument;
  } catch {
    // fall through
  }
  throw new DatalakeError('INTEGRITY_FAILED', 'data key document is malformed');
}
