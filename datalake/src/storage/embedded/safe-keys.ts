/**
 * Keys the embedded server stores. s3rver maps a key's `/`-separated segments to directories with `path.join`: a `.`
 * or `..` segment reaches outside the key's bucket, and an empty one (`a//b`, a trailing `/`) names the file of
 * another key (`a/b`). S3 itself allows such keys; the lake never makes them, so the embedded server refuses them.
 */
export function unsafeKey(key: string): boolean {
  return key.split('/').some((segment) => segment === '' || segment === '.' || segment === '..');
}

/**
 * Whether a request's target — its path, or a copy's `x-amz-copy-source` (`/bucket/key`, URL-encoded) — names a
 * bucket or key the server refuses. Decoded whole first: an encoded `/` (`a%2F.%2Fb`) is a separator to s3rver's files.
 */
export function unsafeTarget(encoded: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(encoded.split('?')[0] as string);
  } catch {
    return true;
  }
  const [bucket = '', ...key] = decoded.replace(/^\//, '').split('/');
  if (bucket === '.' || bucket === '..') return true;
  // `/bucket` and `/bucket/` address the bucket itself.
  return key.length > 0 && !(key.length === 1 && key[0] === '') && unsafeKey(key.join('/'));
}
