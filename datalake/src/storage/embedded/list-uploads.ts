/**
 * s3rver does not implement ListMultipartUploads (`GET /<bucket>?uploads`) but the minio client asks
 * it before every multipart upload, to resume an earlier one. s3rver keeps no resumable uploads, so
 * the truthful answer is an empty list; this recognises the request and writes that answer.
 */
import { escapeXml, S3_NS } from './s3-xml';

export interface ListUploadsRequest {
  readonly bucket: string;
  readonly prefix: string;
}

/** The bucket and prefix when `method url` is a path-style ListMultipartUploads request. */
export function parseListUploads(
  method: string | undefined,
  url: string | undefined,
): ListUploadsRequest | undefined {
  if (method !== 'GET' || url === undefined) return undefined;
  const parsed = new URL(url, 'http://s3.local');
  const bucket = /^\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/?$/.exec(parsed.pathname)?.[1];
  if (bucket === undefined || !parsed.searchParams.has('uploads')) return undefined;
  return { bucket, prefix: parsed.searchParams.get('prefix') ?? '' };
}

export function emptyListUploadsXml(request: ListUploadsRequest): string {
  return (
    `<ListMultipartUploadsResult xmlns="${S3_NS}">` +
    `<Bucket>${escapeXml(request.bucket)}</Bucket>` +
    '<KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker>' +
    '<NextKeyMarker></NextKeyMarker><NextUploadIdMarker></NextUploadIdMarker>' +
    `<Prefix>${escapeXml(request.prefix)}</Prefix>` +
    '<MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>' +
    '</ListMultipartUploadsResult>'
  );
}
