/**
 * ListObjectsV2 (`GET /<bucket>?list-type=2`), answered by the embedded server itself from s3rver's store. s3rver
 * 3.7 builds the continuation token of a truncated listing with DES, which Node 20's OpenSSL refuses: every listing
 * of more than 1,000 keys answered 500 (the expiry sweep, erasure, prefix deletes and the index rebuild all list).
 * Here the token is the last key or common prefix returned, base64url-encoded; pages follow S3's rules (at most
 * 1,000 entries, keys and common prefixes in one sorted sequence, URL-encoded names when `encoding-type=url`).
 */
import type S3rver from 's3rver';
import { element, S3_NS } from './s3-xml';
import { splitTarget, uriEncode } from '../sigv4';

type Store = S3rver['store'];

export const MAX_LIST_KEYS = 1000;

export interface ListObjectsRequest {
  readonly bucket: string;
  readonly prefix: string;
  readonly delimiter: string;
  readonly maxKeys: number;
  /** Where this page starts: after this key, or after every key under it when it is a common prefix. */
  readonly after: ListPosition;
  readonly continuationToken?: string;
  readonly startAfter?: string;
  readonly encodeUrl: boolean;
}

export type ListObjectsParse =
  | { readonly ok: true; readonly request: ListObjectsRequest }
  | { readonly ok: false; readonly message: string };

/** The request when `method url` is a path-style ListObjectsV2; undefined for any other request. */
export function parseListObjects(
  method: string | undefined,
  url: string | undefined,
): ListObjectsParse | undefined {
  if (method !== 'GET' || url === undefined) return undefined;
  const { path, query } = splitTarget(url);
  const bucket = /^\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/?$/.exec(path)?.[1];
  const params = new Map(query);
  if (bucket === undefined || params.get('list-type') !== '2') return undefined;
  const rawMax = params.get('max-keys');
  if (rawMax !== undefined && !/^\d{1,10}$/.test(rawMax))
    return { ok: false, message: 'Provided max-keys not an integer or within integer range' };
  const continuationToken = params.get('continuation-token');
  const startAfter = params.get('start-after');
  let after: ListPosition = { value: startAfter ?? '', commonPrefix: false };
  if (continuationToken !== undefined) {
    const decoded = decodeToken(continuationToken);
    if (decoded === undefined) return { ok: false, message: 'The continuation token provided is incorrect' };
    after = decoded;
  }
  const encoding = params.get('encoding-type');
  if (encoding !== undefined && encoding !== 'url')
    return { ok: false, message: 'Invalid Encoding Method specified in Request' };
  return {
    ok: true,
    request: {
      bucket,
      prefix: params.get('prefix') ?? '',
      delimiter: params.get('delimiter') ?? '',
      maxKeys: Math.min(MAX_LIST_KEYS, rawMax === undefined ? MAX_LIST_KEYS : Number(rawMax)),
      after,
      ...(continuationToken === undefined ? {} : { continuationToken }),
      ...(startAfter === undefined ? {} : { startAfter }),
      encodeUrl: encoding === 'url',
    },
  };
}

/** The last entry returned: a key, or a common prefix (whose keys were folded into it). */
export interface ListPosition {
  readonly value: string;
  readonly commonPrefix: boolean;
}

export interface ListedEntry {
  readonly key: string;
  readonly size: number;
  readonly lastModified: Date;
  readonly etag: string;
}

export interface ListPage {
  readonly contents: readonly ListedEntry[];
  readonly commonPrefixes: readonly string[];
  /** The last entry returned, when more follow. */
  readonly next?: ListPosition;
}

/** One page: keys in order after `after`, those under a common prefix folded into it. */
export async function listPage(store: Store, request: ListObjectsRequest): Promise<ListPage> {
  const contents: ListedEntry[] = [];
  const commonPrefixes: string[] = [];
  let count = 0;
  let last: ListPosition | undefined;
  // A page that ended on a common prefix continues after every key under it.
  let skipping = request.after.commonPrefix ? request.after.value : undefined;
  let startAfter = request.after.value;
  // Without folding, a page needs one key past its end (to know that more follow): read no more. The store reads
  // each key it returns (its directories, its metadata): asked for 1,000 keys, a page of one key of the expiry index
  // read 1,000 markers — the sweep's pages of 1, 2, 4… each took 300–560 ms at 7,000 live grants and flooded the
  // thread pool every request's file reads share (issue #17's soak). Folding may consume many keys an entry.
  const batchKeys =
    request.delimiter === '' && !request.after.commonPrefix
      ? Math.min(MAX_LIST_KEYS, request.maxKeys + 1)
      : MAX_LIST_KEYS;
  for (;;) {
    const batch = await store.listObjects(request.bucket, {
      prefix: request.prefix,
      startAfter,
      maxKeys: batchKeys,
    });
    for (const object of batch.objects) {
      startAfter = object.key;
      if (skipping !== undefined && object.key.startsWith(skipping)) continue;
      skipping = undefined;
      const commonPrefix = commonPrefixOf(object.key, request.prefix, request.delimiter);
      if (commonPrefix !== undefined && last?.commonPrefix === true && commonPrefix === last.value) continue;
      if (count === request.maxKeys)
        return { contents, commonPrefixes, ...(last === undefined ? {} : { next: last }) };
      count += 1;
      if (commonPrefix === undefined) {
        contents.push({
          key: object.key,
          size: object.size,
          lastModified: object.lastModifiedDate,
          etag: object.metadata.etag ?? '""',
        });
        last = { value: object.key, commonPrefix: false };
      } else {
        commonPrefixes.push(commonPrefix);
        last = { value: commonPrefix, commonPrefix: true };
      }
    }
    if (!batch.isTruncated) return { contents, commonPrefixes };
  }
}

export function listObjectsXml(request: ListObjectsRequest, page: ListPage): string {
  const name = (value: string): string => (request.encodeUrl ? uriEncode(value) : value);
  return (
    `<ListBucketResult xmlns="${S3_NS}">` +
    element('Name', request.bucket) +
    element('Prefix', name(request.prefix)) +
    (request.delimiter === '' ? '' : element('Delimiter', name(request.delimiter))) +
    (request.encodeUrl ? element('EncodingType', 'url') : '') +
    element('MaxKeys', request.maxKeys) +
    element('KeyCount', page.contents.length + page.commonPrefixes.length) +
    element('IsTruncated', page.next !== undefined) +
    (request.continuationToken === undefined ? '' : element('ContinuationToken', request.continuationToken)) +
    (page.next === undefined ? '' : element('NextContinuationToken', encodeToken(page.next))) +
    (request.startAfter === undefined ? '' : element('StartAfter', name(request.startAfter))) +
    page.contents
      .map(
        (entry) =>
          '<Contents>' +
          element('Key', name(entry.key)) +
          element('LastModified', entry.lastModified.toISOString()) +
          element('ETag', entry.etag) +
          element('Size', entry.size) +
          element('StorageClass', 'STANDARD') +
          '</Contents>',
      )
      .join('') +
    page.commonPrefixes
      .map((prefix) => `<CommonPrefixes>${element('Prefix', name(prefix))}</CommonPrefixes>`)
      .join('') +
    '</ListBucketResult>'
  );
}

/**
 * `ct-k…` after a key, `ct-p…` after a common prefix; the entry itself base64url-encoded. Tokens start with letters,
 * so no XML reader takes one for a number.
 */
export function encodeToken(last: ListPosition): string {
  return `ct-${last.commonPrefix ? 'p' : 'k'}${Buffer.from(last.value, 'utf8').toString('base64url')}`;
}

function decodeToken(token: string): ListPosition | undefined {
  const match = /^ct-([kp])([A-Za-z0-9_-]+)$/.exec(token);
  if (match === null) return undefined;
  return {
    value: Buffer.from(match[2] as string, 'base64url').toString('utf8'),
    commonPrefix: match[1] === 'p',
  };
}

function commonPrefixOf(key: string, prefix: string, delimiter: string): string | undefined {
  if (delimiter === '') return undefined;
  const at = key.indexOf(delimiter, prefix.length);
  return at < 0 ? undefined : key.slice(0, at + delimiter.length);
}
