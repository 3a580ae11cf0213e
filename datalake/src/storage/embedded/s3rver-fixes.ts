/**
 * Corrections to s3rver's filesystem store, applied to the instance the embedded server runs (s3rver 3.7 is no longer
 * maintained). Each one fixes a behaviour the data lake hit under load; the object layout on disk is unchanged.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, unlink, writeFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { pipeline as streamPipeline, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type S3rver from 's3rver';
import S3Object from 's3rver/lib/models/object';
import { mapBounded } from '../../concurrency/map-bounded';
import { Turns } from '../../concurrency/turns';
import { collectedAsPassed, DEFAULT_SCAVENGE_BYTES } from '../../memory/young-collection';
import { removeEmptiedDirectories } from './emptied-directories';
import { unsafeKey } from './safe-keys';
import { storedKeys } from './stored-keys';

type Store = S3rver['store'];
type Written = Awaited<ReturnType<Store['putObject']>>;

export function applyS3rverFixes(store: Store): void {
  keysWithinTheirBucket(store);
  const turns = new Turns<string>();
  const kept = new KeptMetadata(store);
  deleteWithoutReadingDirectories(store, turns, kept);
  answerAfterTheWrite(store, turns);
  oneVersionPerRead(store, turns, kept);
  listUnderThePrefixOnly(store, turns);
  bucketConfigurationsInMemory(store);
  bucketsInMemory(store);
  metadataInMemory(store, turns, kept);
}

/**
 * The turn of one object's files: its reads, replacements and removal take turns (see oneVersionPerRead). Named by
 * the object's file, so two keys that s3rver would store in one file (were one let through) share a turn and what is
 * kept of it.
 */
const objectTurn = (store: Store, bucket: string, key: string): string =>
  store.getResourcePath(bucket, key, 'object');

/**
 * s3rver logs every request through koa-logger into a winston logger even when `silent` (the console transport drops
 * the line only after it has been coloured and formatted): measured under the gateway benchmark's load, about 5 % of
 * the embedded platform's event loop went to lines nobody sees. The server logs refusals itself (s3-server.ts), with
 * no path or key; s3rver's request log (every path and key) is removed from its chain. Throws if s3rver's chain no
 * longer starts with it: a changed s3rver is looked at, not silently half-patched.
 */
export function withoutRequestLog(s3: S3rver): void {
  const [first] = s3.middleware;
  if (first?.name !== 'logger')
    throw new Error("s3rver's middleware chain does not start with its request logger");
  s3.middleware = s3.middleware.slice(1);
}

/**
 * s3rver reads a bucket's CORS and website configurations from their files on every request (two reads, each
 * failing with ENOENT as the lake sets neither, on the thread pool every other file access waits in). The server is
 * the only writer of its directory, so each bucket's configurations are kept in memory once read, and forgotten when
 * one is written or deleted, or the bucket is.
 */
function bucketConfigurationsInMemory(store: Store): void {
  const read = store.getSubresource.bind(store);
  const put = store.putSubresource.bind(store);
  const remove = store.deleteSubresource.bind(store);
  const deleteBucket = store.deleteBucket.bind(store);
  const known = new Map<string, Promise<unknown>>();
  const name = (bucket: string, type: string): string => `${bucket}/${type}`;
  const forgetBucket = (bucket: string): void => {
    for (const key of known.keys()) if (key.startsWith(`${bucket}/`)) known.delete(key);
  };
  store.getSubresource = (bucket, key, type) => {
    if (key !== undefined) return read(bucket, key, type);
    let config = known.get(name(bucket, type));
    if (config === undefined) {
      config = read(bucket, key, type);
      known.set(name(bucket, type), config);
      // A failed read is not kept: the next request reads again.
      config.catch(() => known.delete(name(bucket, type)));
    }
    return config;
  };
  store.putSubresource = (bucket, key, resource) =>
    key === undefined
      ? forgettingAround(
          () => known.delete(name(bucket, resource.type)),
          () => put(bucket, key, resource),
        )
      : put(bucket, key, resource);
  store.deleteSubresource = (bucket, key, type) =>
    key === undefined
      ? forgettingAround(
          () => known.delete(name(bucket, type)),
          () => remove(bucket, key, type),
        )
      : remove(bucket, key, type);
  store.deleteBucket = (bucket) =>
    forgettingAround(
      () => forgetBucket(bucket),
      () => deleteBucket(bucket),
    );
}

/**
 * The front refuses requests whose path or copy source names an unsafe key (s3-server.ts); a key inside a request's
 * body (a multi-object delete's list) reaches the store unchecked, so the store refuses to name a file for one
 * (the request fails) rather than reach outside the key's bucket or another key's file.
 */
function keysWithinTheirBucket(store: Store): void {
  const resourcePath = store.getResourcePath.bind(store);
  store.getResourcePath = (bucket, key, resource) => {
    if (unsafeKey(bucket) || (key !== undefined && key !== '' && unsafeKey(key)))
      throw new Error('the embedded S3 server does not store keys with empty, . or .. segments');
    return resourcePath(bucket, key, resource);
  };
}

/** Runs `change` with what it changes forgotten before it starts and again once it settled (whatever a read kept meanwhile). */
async function forgettingAround<T>(forget: () => void, change: () => Promise<T>): Promise<T> {
  forget();
  try {
    return await change();
  } finally {
    forget();
  }
}

/** Metadata files a listing reads at once (libuv's pool has 4 threads, shared with every other file access). */
const METADATA_READS = 8;

/**
 * s3rver lists by walking the bucket from its root with a synchronous stat of every entry on the way, so each
 * listing — however narrow its prefix — blocked the event loop for O(objects beside it): with thousands of live
 * grants every prefix delete, assembly and sweep stalled every request (see stored-keys). The listing keeps its
 * contract (keys in order after `startAfter` under `prefix`, at most `maxKeys`, common prefixes under `delimiter`).
 */
function listUnderThePrefixOnly(store: Store, turns: Turns<string>): void {
  store.listObjects = async (bucket, options) => {
    const maxKeys = options.maxKeys ?? Number.POSITIVE_INFINITY;
    const keys: string[] = [];
    const commonPrefixes: string[] = [];
    let isTruncated = false;
    const walk = {
      prefix: options.prefix ?? '',
      startAfter: options.startAfter ?? '',
      delimiter: options.delimiter ?? '',
    };
    for await (const entry of storedKeys(store.getBucketPath(bucket), walk)) {
      if ('commonPrefix' in entry) {
        commonPrefixes.push(entry.commonPrefix);
        continue;
      }
      if (keys.length >= maxKeys) {
        isTruncated = true;
        break;
      }
      keys.push(entry.key);
    }
    // A bounded number at a time: all of a 1,000-key page at once queued thousands of reads on the thread pool that
    // every other request's file access waits in.
    const objects = await mapBounded(keys, METADATA_READS, async (key) => {
      try {
        const metadata = await turns.take(objectTurn(store, bucket, key), () =>
          store.getMetadata(bucket, key),
        );
        return new S3Object(bucket, key, null, metadata);
      } catch (error) {
        // Deleted between the walk and its metadata read: not listed, as s3rver does.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    });
    return {
      objects: objects.filter((object): object is S3Object => object !== undefined),
      commonPrefixes,
      isTruncated,
    };
  };
}

/**
 * s3rver deletes the objects of a multi-object delete concurrently, and each deletion then removes the directories
 * it emptied — without tolerating that a concurrent deletion removed them first (ENOENT from readdir/rmdir) or that
 * a concurrent upload refilled them (ENOTEMPTY): deleting every object under a prefix failed with 500 although every
 * object was gone. Its check of each directory also read it synchronously, the first non-empty one included
 * (`grants/`, `expiry/`: one entry per live grant). Here the object's files are unlinked as s3rver does, and the
 * emptied directories go without being read (see emptied-directories).
 */
function deleteWithoutReadingDirectories(store: Store, turns: Turns<string>, kept: KeptMetadata): void {
  store.deleteObject = async (bucket, key) => {
    await turns.take(objectTurn(store, bucket, key), () => {
      kept.forget(bucket, key);
      return Promise.all(
        (['object', 'object.md5', 'metadata.json'] as const).map((resource) =>
          unlink(store.getResourcePath(bucket, key, resource)).catch((error: unknown) => {
            if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
          }),
        ),
      );
    });
    await removeEmptiedDirectories(store.getBucketPath(bucket), key);
  };
}

/**
 * s3rver answers a PUT (object or multipart part) once the body has been hashed, not once it has been written: a
 * read right after the answer — or the completion of a multipart upload reading its parts — could see a truncated
 * file. (The lake's authenticated encryption caught it: assemblies excluded records as unreadable.) It also writes
 * straight over the object's file, so a failed or refused upload (a body that does not match its signed SHA-256,
 * a client gone midway) left a torn object where the previous one was. Here the body goes to a temporary file, which
 * replaces the object (after its metadata) only once the whole body has arrived, and the answer waits for that.
 * The temporary file is created before the body is read, in a directory made for it again if a concurrent deletion's
 * cleanup removed it meanwhile (a put and a delete in one directory — an upload's marker written while another's is
 * removed — failed with 500 when the cleanup won the race); once the file is there, the directory is not empty.
 */
function answerAfterTheWrite(store: Store, turns: Turns<string>): void {
  store.putObject = async (object) => {
    const objectPath = store.getResourcePath(object.bucket, object.key, 'object');
    // The body is written outside the object's turn (readers go on reading the current version meanwhile); its
    // files are replaced in it.
    return writeThenRename(object.content, objectPath, (written, replace) =>
      turns.take(objectTurn(store, object.bucket, object.key), async () => {
        // (putMetadata forgets the metadata kept for the object: no read comes between it and the rename.)
        await store.putMetadata(object.bucket, object.key, object.metadata, written.md5);
        await replace();
      }),
    );
  };
  store.putPart = async (bucket, uploadId, partNumber, content) => {
    const partPath = path.join(
      store.getResourcePath(bucket, undefined, 'uploads'),
      uploadId,
      String(partNumber),
    );
    return writeThenRename(content, partPath, async (written, replace) => {
      await writeFile(`${partPath}.md5`, written.md5);
      await replace();
    });
  };
}

/** A temporary name beside `file`; it ends unlike s3rver's resource suffixes, so listings never show it. */
const temporaryName = (file: string): string => `${file}.${randomBytes(6).toString('hex')}.upload`;

/** `file` replaced by `content` at once: written beside it, then renamed over it. */
async function replaceFile(file: string, content: string): Promise<void> {
  const temporary = temporaryName(file);
  try {
    await writeFile(temporary, content, { mode: 0o600 });
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Writes `content` to a temporary file beside `file`; `install` then puts it in place (`replace`: the rename) with
 * whatever must change with it.
 */
async function writeThenRename(
  content: Readable | Buffer,
  file: string,
  install: (written: Written, replace: () => Promise<void>) => Promise<void>,
): Promise<Written> {
  const temporary = temporaryName(file);
  const handle = await createInDirectory(temporary);
  const md5 = createHash('md5');
  let size = 0;
  try {
    await pipeline(
      Buffer.isBuffer(content) ? Readable.from([content]) : content,
      new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          md5.update(chunk);
          size += chunk.length;
          callback(null, chunk);
        },
      }),
      handle.createWriteStream(),
    );
    const written = { size, md5: md5.digest('hex') };
    await install(written, () => rename(temporary, file));
    return written;
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Creates `file` (0600), making its directory — again, if a concurrent cleanup removes it in between. */
async function createInDirectory(file: string): Promise<FileHandle> {
  for (let attempt = 1; ; attempt += 1) {
    await mkdir(path.dirname(file), { recursive: true });
    try {
      return await open(file, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 10) throw error;
    }
  }
}

/**
 * An object's bytes as the server sends them; a body of a MiB or more is scavenged as it passes
 * (memory/young-collection.ts). Each file read is a buffer that dies once written to the socket; without, this
 * process's collector marked its whole heap again and again through a large download, freeing nothing (the data-lake
 * benchmark's raw 1 GiB read: 0.7–2.0 CPU-seconds of this process, and the rate swung 636–1,435 MB/s from run to
 * run). The file is closed when the stream ends, fails or is destroyed (a reader gone early); one s3rver never sends
 * (its 304 answers) stays open until collected, as before.
 */
function readCollected(file: Readable, range: { start: number; end: number }): Readable {
  // A smaller body never reaches a scavenge: it is sent as it is, without a stage of its own.
  if (range.end - range.start + 1 < DEFAULT_SCAVENGE_BYTES) return file;
  const passed = collectedAsPassed();
  streamPipeline(file, passed, () => undefined);
  return passed;
}

/**
 * One version per read. s3rver keeps an object in three files (its content, MD5 and metadata) and replaced them one
 * after the other by writing over them, while a read stat-ed the content, read the two others and only then opened
 * the content by name. A read beside an overwrite of the same key could answer 500 (a metadata file read half
 * written), the ETag of one version with the body of another, or a body of another length than its Content-Length
 * (the connection reset, or left hanging): 4 readers beside 150 overwrites of one key met each of them
 * (s3rver-fixes.test.ts, with this fix removed). Here a
 * key's reads, replacements and removal take turns — the server is the only writer of its directory — and a read
 * opens the content within its turn: it streams the version whose metadata it answered, whatever replaces it after.
 * The MD5 and metadata files are replaced by a rename, so no crash leaves one half written. (A crash between the
 * renames of one replacement can still pair the new metadata with the old content; the lake's authenticated
 * encryption refuses such a body.)
 */
function oneVersionPerRead(store: Store, turns: Turns<string>, kept: KeptMetadata): void {
  store.putMetadata = async (bucket, key, metadata, md5) => {
    kept.forget(bucket, key);
    const allowed = Object.fromEntries(
      Object.entries(metadata).filter(
        ([name]) => S3Object.ALLOWED_METADATA.includes(name) || name.startsWith('x-amz-meta-'),
      ),
    );
    if (md5) await replaceFile(store.getResourcePath(bucket, key, 'object.md5'), md5);
    await replaceFile(store.getResourcePath(bucket, key, 'metadata.json'), JSON.stringify(allowed, null, 2));
  };
  store.getObject = (bucket, key, options) =>
    turns.take(objectTurn(store, bucket, key), async () => {
      let metadata: Record<string, string>;
      let handle: FileHandle;
      try {
        metadata = await store.getMetadata(bucket, key);
        handle = await open(store.getResourcePath(bucket, key, 'object'), 'r');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
      // s3rver's range rule (an unreadable start is 0, an open end the last byte, a start past it not satisfiable),
      // except that an end of 0 is the first byte, not the last.
      const lastByte = Math.max(0, Number(metadata['content-length']) - 1);
      const given = (bound: number | undefined): bound is number =>
        bound !== undefined && !Number.isNaN(bound);
      const range = {
        start: given(options?.start) ? options.start : 0,
        end: Math.min(given(options?.end) ? options.end : Number.POSITIVE_INFINITY, lastByte),
      };
      const ranged = options !== undefined && (options.start !== undefined || options.end !== undefined);
      const satisfiable = range.start >= 0 && range.end >= range.start;
      if (!satisfiable) await handle.close();
      const object = new S3Object(
        bucket,
        key,
        satisfiable
          ? readCollected(handle.createReadStream({ start: range.start, end: range.end }), range)
          : null,
        metadata,
      );
      if (ranged) object.range = range;
      return object;
    });
}

/**
 * s3rver looks for the bucket on disk (a stat on the thread pool) before every request, and the embedded server
 * again before its own listings: in the data-lake benchmark's opens, 12–15 % of the S3 process's busy time. The
 * server is the only writer of its directory, so a bucket found is remembered until it is deleted (or made again);
 * one not found, or a failed look, is looked for again next time.
 */
function bucketsInMemory(store: Store): void {
  const look = store.getBucket.bind(store);
  const make = store.putBucket.bind(store);
  const deleteBucket = store.deleteBucket.bind(store);
  const found = new Map<string, Promise<{ name: string } | null>>();
  store.getBucket = (bucket) => {
    let known = found.get(bucket);
    if (known === undefined) {
      const looking = look(bucket);
      known = looking;
      found.set(bucket, looking);
      const forget = (): void => {
        if (found.get(bucket) === looking) found.delete(bucket);
      };
      looking.then((answer) => answer === null && forget(), forget);
    }
    return known;
  };
  store.putBucket = (bucket) =>
    forgettingAround(
      () => found.delete(bucket),
      () => make(bucket),
    );
  store.deleteBucket = (bucket) =>
    forgettingAround(
      () => found.delete(bucket),
      () => deleteBucket(bucket),
    );
}

/** Objects whose metadata is kept in memory, the most recently read last. */
const KEPT_METADATA = 4096;

/** Object metadata as last read within the object's turn; forgotten within the turn of any change of the object. */
class KeptMetadata {
  private readonly kept = new Map<string, Readonly<Record<string, string>>>();

  constructor(private readonly store: Store) {}

  get(bucket: string, key: string): Record<string, string> | undefined {
    const name = objectTurn(this.store, bucket, key);
    const metadata = this.kept.get(name);
    if (metadata === undefined) return undefined;
    this.kept.delete(name);
    this.kept.set(name, metadata);
    return { ...metadata };
  }

  keep(bucket: string, key: string, metadata: Record<string, string>): void {
    this.kept.set(objectTurn(this.store, bucket, key), { ...metadata });
    if (this.kept.size > KEPT_METADATA) this.kept.delete(this.kept.keys().next().value as string);
  }

  forget(bucket: string, key: string): void {
    this.kept.delete(objectTurn(this.store, bucket, key));
  }

  /** Forgets every object of `bucket` (the bucket is deleted with whatever it held). */
  forgetBucket(bucket: string): void {
    const within = `${this.store.getBucketPath(bucket)}${path.sep}`;
    for (const name of this.kept.keys()) if (name.startsWith(within)) this.kept.delete(name);
  }
}

/**
 * s3rver reads an object's metadata from three files (a stat of its content, its MD5 file, its metadata file) on
 * every read. The server is the only writer of its directory; every change of an object — put, deletion, a copy onto
 * it, a multipart upload's completion (a put) — happens within the object's turn and forgets what was kept, the
 * deletion of a bucket forgets all of its objects, and metadata is read only within the object's turn (a read, a
 * listing, the destination of a copy): so what is kept is what the files say. Kept for the latest KEPT_METADATA
 * objects read. (A copy reads its source's files outside the source's turn, as s3rver always did; the lake copies
 * nothing.)
 */
function metadataInMemory(store: Store, turns: Turns<string>, kept: KeptMetadata): void {
  const read = store.getMetadata.bind(store);
  const copy = store.copyObject.bind(store);
  store.getMetadata = async (bucket, key) => {
    const known = kept.get(bucket, key);
    if (known !== undefined) return known;
    const metadata = await read(bucket, key);
    kept.keep(bucket, key, metadata);
    return metadata;
  };
  const deleteBucket = store.deleteBucket.bind(store);
  store.copyObject = (srcBucket, srcKey, destBucket, destKey, replacementMetadata) =>
    turns.take(objectTurn(store, destBucket, destKey), () =>
      forgettingAround(
        () => kept.forget(destBucket, destKey),
        () => copy(srcBucket, srcKey, destBucket, destKey, replacementMetadata),
      ),
    );
  store.deleteBucket = (bucket) =>
    forgettingAround(
      () => kept.forgetBucket(bucket),
      () => deleteBucket(bucket),
    );
}
