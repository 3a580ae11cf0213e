/**
 * Writes and reads sealed objects: bytes stream through SHA-256 and the sealing stream into a zone bucket, and the
 * object's data key — wrapped by the patient's key of that location, bound to the object's place (location,
 * patient, zone, key, object id) — goes to the keys bucket. Nothing in a zone is readable without the patient's key;
 * destroying it (erasure) shreds every copy, and a key document or object moved elsewhere does not open.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DigestStream } from '../crypto/digest-stream';
import { createSealer } from '../crypto/envelope';
import { DEFAULT_CHUNK_SIZE, EARLIER_CHUNK_SIZE, isWholeSealedSize, sealedSize } from '../crypto/format';
import { unwrapDataKey } from '../crypto/keyring';
import type { Keyrings } from '../crypto/keyring';
import { openSealed } from '../crypto/open-stream';
import { DatalakeError } from '../errors';
import { OFF_THREAD_MIN_BYTES } from '../open-workers/pool';
import type { OpenWorkers } from '../open-workers/pool';
import { readableOutgoing } from '../stream/outgoing';
import type { Outgoing } from '../stream/outgoing';
import { readBounded } from '../stream/read-bounded';
import type { StorageLocation, Zone } from '../storage/locations';

export interface SealedTarget {
  readonly location: StorageLocation;
  readonly zone: Zone;
  readonly objectKey: string;
  /** Where the wrapped data key is stored in the location's keys bucket. */
  readonly keyKey: string;
  /** The patient the object is about: their key wraps its data key. */
  readonly patientId: string;
  /** Whose patient key it is: the uploading organisation, or the lake for its own zones. */
  readonly owner: string;
  readonly objectId: string;
}

export interface SealedWrite {
  readonly size: number;
  readonly sha256: string;
}

interface KeyDocument {
  readonly objectId: string;
  readonly owner: string;
  readonly wrapped: string;
}

const MAX_KEY_DOCUMENT = 4096;

export function newObjectId(): string {
  return randomUUID();
}

/** What an object's data key and its sealed bytes are bound to. */
function objectContext(target: Omit<SealedTarget, 'owner'>): string {
  const { location, patientId, zone, objectKey, objectId } = target;
  return `custodia-object/2\0${location.country}\0${patientId}\0${zone}\0${objectKey}\0${objectId}`;
}

/** Where a sealed object's bytes are, and the data key that opens them (wiped by whoever took it). */
interface SealedSource {
  readonly bucket: string;
  readonly dataKey: Buffer;
  readonly context: string;
}

export class SealedObjects {
  /**
   * @param workers where large objects (binaries, `stream`) are opened, off the main thread; without, in this thread.
   */
  constructor(
    private readonly keyrings: Keyrings,
    private readonly chunkSize?: number,
    private readonly workers?: OpenWorkers,
  ) {}

  /** Streams `body` into the target; rejects (and leaves no readable object) on any failure or past maxBytes. */
  async write(target: SealedTarget, body: Readable | Buffer, maxBytes?: number): Promise<SealedWrite> {
    const { location } = target;
    const patientKey = await this.keyrings.of(location.country).patient(target.patientId, target.owner, true);
    const sealer = createSealer(patientKey, objectContext(target), this.chunkSize);
    const keyDocument: KeyDocument = {
      objectId: target.objectId,
      owner: target.owner,
      wrapped: sealer.wrapped,
    };
    // The key and the object go up together: neither opens without the other, so whichever lands first is
    // unreadable alone (a failure leaves at most one of them, which erasure and the sweeps remove by prefix).
    const keyStored = location.store.put(
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
    keyStored.catch((error: unknown) => sealer.stream.destroy(error as Error));
    await Promise.all([keyStored, sealing, upload]);
    return { size: digest.bytes, sha256: digest.sha256 };
  }

  /** The plaintext of a sealed object as a stream that fails with INTEGRITY_FAILED on any tampering. */
  async read(target: Omit<SealedTarget, 'owner'>): Promise<Readable> {
    const { location } = target;
    const source = await this.source(target);
    try {
      const sealed = await location.store.get(source.bucket, target.objectKey);
      return openSealed(sealed, source.dataKey, { context: source.context });
    } finally {
      source.dataKey.fill(0);
    }
  }

  /**
   * A binary streamed out. From OFF_THREAD_MIN_BYTES of plaintext on, it is opened on a worker thread when the lake
   * has them: what reading and decrypting allocate stays off the main thread's heap. Fails as `read` does.
   */
  async stream(target: Omit<SealedTarget, 'owner'>, plainBytes: number): Promise<Outgoing> {
    if (this.workers === undefined || plainBytes < OFF_THREAD_MIN_BYTES)
      return readableOutgoing(await this.read(target));
    const { location } = target;
    const source = await this.source(target);
    try {
      return await this.workers.open({
        read: await location.store.signedGet(source.bucket, target.objectKey),
        dataKey: source.dataKey,
        context: source.context,
        plainBytes,
      });
    } finally {
      source.dataKey.fill(0);
    }
  }

  /** The object's data key, checked to be its own and unwrapped by the patient's key of its location. */
  private async source(target: Omit<SealedTarget, 'owner'>): Promise<SealedSource> {
    const { location } = target;
    const keyBytes = await location.store.getBuffer(location.bucket('keys'), target.keyKey, MAX_KEY_DOCUMENT);
    if (keyBytes === undefined) throw new DatalakeError('NOT_FOUND', 'data key not found');
    const keyDocument = parseKeyDocument(keyBytes);
    if (keyDocument.objectId !== target.objectId) {
      throw new DatalakeError('INTEGRITY_FAILED', 'data key belongs to another object');
    }
    const patientKey = await this.keyrings
      .of(location.country)
      .patient(target.patientId, keyDocument.owner, false);
    const context = objectContext(target);
    return {
      bucket: location.bucket(target.zone),
      dataKey: unwrapDataKey(patientKey, keyDocument.wrapped, context),
      context,
    };
  }

  /** The stored size of an object of `plainBytes` bytes sealed here (a check that it is there whole). */
  sealedSize(plainBytes: number): number {
    return sealedSize(plainBytes, this.chunkSize ?? DEFAULT_CHUNK_SIZE);
  }

  /**
   * Whether an object stored at `storedBytes` is the whole sealed form of `plainBytes` bytes (not gone, not cut
   * short), at the chunk size sealed with now or before.
   */
  storedWhole(plainBytes: number, storedBytes: number): boolean {
    return isWholeSealedSize(plainBytes, storedBytes, [
      this.chunkSize ?? DEFAULT_CHUNK_SIZE,
      EARLIER_CHUNK_SIZE,
    ]);
  }

  /** Reads a small sealed object whole (FHIR resources), refusing more than maxBytes. */
  async readBuffer(target: Omit<SealedTarget, 'owner'>, maxBytes: number): Promise<Buffer> {
    return readBounded(await this.read(target), maxBytes, 'sealed object');
  }

  /** Removes an object and its data key (key first: from then on the object is unreadable). */
  async remove(target: Pick<SealedTarget, 'location' | 'zone' | 'objectKey' | 'keyKey'>): Promise<void> {
    const { location } = target;
    await location.store.remove(location.bucket('keys'), [target.keyKey]);
    await location.store.remove(location.bucket(target.zone), [target.objectKey]);
  }
}

function parseKeyDocument(bytes: Buffer): KeyDocument {
  try {
    const doc = JSON.parse(bytes.toString('utf8')) as Partial<KeyDocument>;
    if (typeof doc.objectId === 'string' && typeof doc.owner === 'string' && typeof doc.wrapped === 'string')
      return doc as KeyDocument;
  } catch {
    // fall through
  }
  throw new DatalakeError('INTEGRITY_FAILED', 'data key document is malformed');
}
