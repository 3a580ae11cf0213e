/** ObjectStore over the minio client — the only S3 client of the data lake (embedded s3rver or MinIO). */
import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { Client } from 'minio';
import type { Readable } from 'node:stream';
import { DatalakeError } from '../errors';
import { readBounded } from '../stream/read-bounded';
import { codeOf, idempotent } from './idempotent-read';
import { uploadStream } from './multipart-upload';
import type { ListOptions, ObjectInfo, ObjectStore, PutOptions, SignedGet } from './object-store';
import { EMPTY_SHA256, signedAuthorization, uriEncode } from './sigv4';

export interface S3Endpoint {
  /** e.g. `http://127.0.0.1:9000` */
  readonly url: string;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly region?: string;
  /** Multipart part size; a streamed upload holds PARTS_HELD of them (multipart-upload.ts). */
  readonly partSize?: number;
}

/** 8 MiB: one part is sent while the next is filled, so a streamed upload holds 16 MiB (S3 minimum: 5 MiB). */
export const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
const NOT_FOUND_CODES = new Set(['NoSuchKey', 'NotFound', 'NoSuchBucket']);
const DELETE_BATCH = 1000;
const MAX_PAGE = 1000;
/**
 * Every bucket ignores public ACLs and refuses public policies. Ceph's radosgw (16.2) honours x-amz-* headers the
 * signature does not cover, so a captured signed PUT replayed with `x-amz-acl: public-read` made a record readable
 * by anyone; with public ACLs ignored it stays private. (BlockPublicAcls stays off: radosgw 16.2 then refuses every
 * PutObject.) Servers without ACLs (MinIO, the embedded server) answer NotImplemented, which is fine.
 */
const PUBLIC_ACCESS_BLOCK =
  '<PublicAccessBlockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
  '<BlockPublicAcls>false</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls>' +
  '<BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets>' +
  '</PublicAccessBlockConfiguration>';

export class MinioObjectStore implements ObjectStore {
  private readonly client: Client;
  private readonly buckets = new Set<string>();
  private readonly partSize: number;
  private readonly url: URL;
  private readonly region: string;

  constructor(private readonly keys: S3Endpoint) {
    this.partSize = keys.partSize ?? DEFAULT_PART_SIZE;
    const url = new URL(keys.url);
    this.url = url;
    // A fixed region spares a GetBucketLocation round trip before each request.
    this.region = keys.region ?? 'us-east-1';
    const useSSL = url.protocol === 'https:';
    this.client = new Client({
      endPoint: url.hostname,
      port: url.port === '' ? (useSSL ? 443 : 80) : Number(url.port),
      useSSL,
      accessKey: keys.accessKey,
      secretKey: keys.secretKey,
      region: this.region,
      partSize: this.partSize,
      pathStyle: true,
    });
  }

  /** What a log line or a debugger shows of the store: where it is, never its keys (nor its client's). */
  toJSON(): { readonly url: string; readonly region: string } {
    return { url: this.url.href, region: this.region };
  }

  [inspect.custom](): string {
    return `MinioObjectStore ${inspect(this.toJSON())}`;
  }

  async ensureBucket(bucket: string): Promise<void> {
    if (this.buckets.has(bucket)) return;
    await storage(async () => {
      if (!(await this.client.bucketExists(bucket))) {
        try {
          await this.client.makeBucket(bucket);
        } catch (error) {
          // Another process may have created it meanwhile.
          if (!['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes(codeOf(error) ?? '')) throw error;
        }
      }
      try {
        const md5 = createHash('md5').update(PUBLIC_ACCESS_BLOCK).digest('base64');
        const answer = await this.client.makeRequestAsync(
          { method: 'PUT', bucketName: bucket, query: 'publicAccessBlock', headers: { 'Content-MD5': md5 } },
          PUBLIC_ACCESS_BLOCK,
          [200],
        );
        answer.resume();
      } catch (error) {
        if (codeOf(error) !== 'NotImplemented') throw error;
      }
    });
    this.buckets.add(bucket);
  }

  async put(bucket: string, key: string, body: Readable | Buffer, options: PutOptions = {}): Promise<void> {
    const { contentType, size } = options;
    if (Buffer.isBuffer(body)) {
      const meta = contentType === undefined ? {} : { 'Content-Type': contentType };
      await storage(() => this.client.putObject(bucket, key, body, body.length, meta));
      return;
    }
    // A stream, sized or not: at most two parts of it in memory, and one PUT if it fits in one.
    await storage(() =>
      uploadStream(
        this.client,
        {
          bucket,
          key,
          partSize: this.partSize,
          ...(contentType === undefined ? {} : { contentType }),
          ...(size === undefined ? {} : { size }),
        },
        body,
      ),
    );
  }

  async get(bucket: string, key: string): Promise<Readable> {
    const stream = await storage(() => idempotent(() => this.client.getObject(bucket, key)));
    if (stream === undefined) throw new DatalakeError('NOT_FOUND', 'object not found');
    return stream;
  }

  /**
   * A GET of the object signed here (SigV4, `sigv4.ts`, as minio signs its own requests), sent by whoever holds it: a worker
   * thread that opens a binary reads with no S3 client or keys of its own (signed-get.ts).
   */
  signedGet(bucket: string, key: string): Promise<SignedGet> {
    const now = new Date();
    const path = `/${bucket}/${key.split('/').map(uriEncode).join('/')}`;
    const headers: Record<string, string> = {
      host: this.url.host,
      'x-amz-date': now.toISOString().replace(/[-:]|\.\d{3}/g, ''),
      'x-amz-content-sha256': EMPTY_SHA256,
    };
    headers.authorization = signedAuthorization({ method: 'GET', path, headers }, this.keys, this.region);
    return Promise.resolve({ url: `${this.url.origin}${path}`, headers });
  }

  async getBuffer(bucket: string, key: string, maxBytes: number): Promise<Buffer | undefined> {
    const stream = await storage(() => idempotent(() => this.client.getObject(bucket, key)));
    if (stream === undefined) return undefined;
    return readBounded(stream, maxBytes, 'stored document');
  }

  async stat(bucket: string, key: string): Promise<ObjectInfo | undefined> {
    const stat = await storage(() => idempotent(() => this.client.statObject(bucket, key)));
    return stat === undefined ? undefined : { key, size: stat.size, lastModified: stat.lastModified };
  }

  async *list(bucket: string, prefix: string, options: ListOptions = {}): AsyncIterable<ObjectInfo> {
    let pageSize = Math.min(MAX_PAGE, Math.max(1, options.firstPage ?? MAX_PAGE));
    let token = '';
    for (;;) {
      const page = await storage(() =>
        idempotent(() => this.client.listObjectsV2Query(bucket, prefix, token, '', pageSize, '')),
      );
      // A missing bucket lists nothing.
      if (page === undefined) return;
      for (const item of page.objects) {
        const entry = item as { name?: string; size?: number; lastModified?: Date };
        if (entry.name === undefined) continue;
        yield { key: entry.name, size: entry.size ?? 0, lastModified: entry.lastModified ?? new Date(0) };
      }
      if (!page.isTruncated || page.nextContinuationToken === '') return;
      token = page.nextContinuationToken;
      pageSize = Math.min(MAX_PAGE, pageSize * 2);
    }
  }

  async remove(bucket: string, keys: readonly string[]): Promise<void> {
    for (let at = 0; at < keys.length; at += DELETE_BATCH) {
      const batch = keys.slice(at, at + DELETE_BATCH);
      await storage(() => this.client.removeObjects(bucket, batch));
    }
  }

  async removePrefix(bucket: string, prefix: string): Promise<number> {
    const keys: string[] = [];
    for await (const item of this.list(bucket, prefix)) keys.push(item.key);
    await this.remove(bucket, keys);
    return keys.length;
  }
}

/**
 * Runs a storage call: "not found" becomes undefined, an S3 refusal or an unreachable endpoint
 * becomes STORAGE_UNAVAILABLE (the caller retries; nothing half-written is ever published).
 */
async function storage<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (NOT_FOUND_CODES.has(codeOf(error) ?? '')) return undefined;
    if (error instanceof DatalakeError) throw error;
    throw unavailable(error);
  }
}

function unavailable(error: unknown): DatalakeError {
  return new DatalakeError(
    'STORAGE_UNAVAILABLE',
    'object storage request failed',
    {
      storageCode: codeOf(error) ?? 'unknown',
    },
    error,
  );
}
