/**
 * Corrections to s3rver's filesystem store, applied to the instance the embedded server runs (s3rver 3.7 is no longer
 * maintained). Each one fixes a behaviour the data lake hit under load; the object layout on disk is unchanged.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, unlink, writeFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type S3rver from 's3rver';
import S3Object from 's3rver/lib/models/object';
import { mapBounded } from '../../concurrency/map-bounded';
import { removeEmptiedDirectories } from './emptied-directories';
import { storedKeys } from './stored-keys';

type Store = S3rver['store'];
type Written = Awaited<ReturnType<Store['putObject']>>;

export function applyS3rverFixes(store: Store): void {
  deleteWithoutReadingDirectories(store);
  answerAfterTheWrite(store);
  listUnderThePrefixOnly(store);
  bucketConfigurationsInMemory(store);
}

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
  store.putSubresource = async (bucket, key, resource) => {
    if (key === undefined) known.delete(name(bucket, resource.type));
    try {
      await put(bucket, key, resource);
    } finally {
      if (key === undefined) known.delete(name(bucket, resource.type));
    }
  };
  store.deleteSubresource = async (bucket, key, type) => {
    if (key === undefined) known.delete(name(bucket, type));
    try {
      await remove(bucket, key, type);
    } finally {
      if (key === undefined) known.delete(name(bucket, type));
    }
  };
  store.deleteBucket = async (bucket) => {
    forgetBucket(bucket);
    try {
      await deleteBucket(bucket);
    } finally {
      forgetBucket(bucket);
    }
  };
}

/** Metadata files a listing reads at once (libuv's pool has 4 threads, shared with every other file access). */
const METADATA_READS = 8;

/**
 * s3rver lists by walking the bucket from its root with a synchronous stat of every entry on the way, so each
 * listing — however narrow its prefix — blocked the event loop for O(objects beside it): with thousands of live
 * grants every prefix delete, assembly and sweep stalled every request (see stored-keys). The listing keeps its
 * contract (keys in order after `startAfter` under `prefix`, at most `maxKeys`, common prefixes under `delimiter`).
 */
function listUnderThePrefixOnly(store: Store): void {
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
        return new S3Object(bucket, key, null, await store.getMetadata(bucket, key));
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
function deleteWithoutReadingDirectories(store: Store): void {
  store.deleteObject = async (bucket, key) => {
    await Promise.all(
      (['object', 'object.md5', 'metadata.json'] as const).map((resource) =>
        unlink(store.getResourcePath(bucket, key, resource)).catch((error: unknown) => {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        }),
      ),
    );
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
function answerAfterTheWrite(store: Store): void {
  store.putObject = async (object) => {
    const objectPath = store.getResourcePath(object.bucket, object.key, 'object');
    return writeThenRename(object.content, objectPath, (written) =>
      store.putMetadata(object.bucket, object.key, object.metadata, written.md5),
    );
  };
  store.putPart = async (bucket, uploadId, partNumber, content) => {
    const partPath = path.join(
      store.getResourcePath(bucket, undefined, 'uploads'),
      uploadId,
      String(partNumber),
    );
    return writeThenRename(content, partPath, (written) => writeFile(`${partPath}.md5`, written.md5));
  };
}

/** Temporary names end unlike s3rver's resource suffixes, so listings never show them. */
async function writeThenRename(
  content: Readable | Buffer,
  file: string,
  beforeRename: (written: Written) => Promise<void>,
): Promise<Written> {
  const temporary = `${file}.${randomBytes(6).toString('hex')}.upload`;
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
    await beforeRename(written);
    await rename(temporary, file);
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
