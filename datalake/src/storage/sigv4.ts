/**
 * AWS Signature Version 4 as S3 verifies it, for requests signed in the Authorization header (what the minio client
 * sends) — verified by the embedded S3 server (`verifySigV4`), and signed by the lake for the GETs its worker
 * threads send without an S3 client (`signedAuthorization`): the canonical request (method, URI-encoded path, sorted query, the signed headers, the payload hash), the
 * string to sign over the credential scope, and the HMAC chain of the signing key — as the S3 API reference
 * ("Signature Calculations for the Authorization Header") defines them. Pure: the server decides what to do with
 * the verdict, and checks the body against the signed payload hash as it streams.
 *
 * Stricter than nothing, as strict as S3: every x-amz-* header present must be signed (so none can be added to a
 * captured request), host and the payload hash are always signed, and the request time must be within 15 minutes.
 * Presigned (query-string) requests and streaming (aws-chunked) payloads are refused: the minio client sends
 * neither — over plain HTTP it signs the SHA-256 of each body, over HTTPS it sends UNSIGNED-PAYLOAD.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface S3Credentials {
  readonly accessKey: string;
  readonly secretKey: string;
}

/** What a request's signature covers, as received. */
export interface SignedRequest {
  readonly method: string;
  /** The request target: path and query, percent-encoded as sent. */
  readonly url: string;
  /** Node's `rawHeaders`: name, value, name, value… */
  readonly rawHeaders: readonly string[];
}

/** What the signature says about the body: its SHA-256 (checked as it streams), or nothing. */
export type SignedPayload =
  { readonly kind: 'sha256'; readonly sha256: string } | { readonly kind: 'unsigned' };

export const S3_REFUSALS = {
  AccessDenied: 403,
  InvalidAccessKeyId: 403,
  SignatureDoesNotMatch: 403,
  RequestTimeTooSkewed: 403,
  AuthorizationHeaderMalformed: 400,
  InvalidRequest: 400,
  InvalidArgument: 400,
  InvalidURI: 400,
  XAmzContentSHA256Mismatch: 400,
  NotImplemented: 501,
} as const;
export type S3RefusalCode = keyof typeof S3_REFUSALS;

export interface S3Refusal {
  readonly code: S3RefusalCode;
  readonly message: string;
}

export type SigV4Verdict =
  | { readonly ok: true; readonly payload: SignedPayload }
  | { readonly ok: false; readonly refusal: S3Refusal };

export interface VerifyOptions {
  readonly credentials: S3Credentials;
  readonly region: string;
  readonly now: Date;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const SERVICE = 's3';
const TERMINATOR = 'aws4_request';
const MAX_SKEW_MS = 15 * 60_000;
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
export const EMPTY_SHA256 = createHash('sha256').digest('hex');

/** Verifies the request's SigV4 Authorization header against the one pair of keys the server accepts. */
export function verifySigV4(request: SignedRequest, options: VerifyOptions): SigV4Verdict {
  const headers = headerValues(request.rawHeaders);
  let target: { path: string; query: [string, string][] };
  let canonicalUri: string;
  try {
    target = splitTarget(request.url);
    canonicalUri = canonicalPath(target.path);
  } catch {
    return refuse('InvalidURI', "Couldn't parse the specified URI.");
  }
  if (target.query.some(([name]) => name === 'X-Amz-Signature' || name === 'X-Amz-Algorithm'))
    return refuse('AccessDenied', 'Query-string (presigned) authentication is not accepted by this server.');
  const authorization = headers.get('authorization');
  if (authorization === undefined) return refuse('AccessDenied', 'Access Denied');
  const parsed = parseAuthorization(authorization);
  if (!parsed.ok) return parsed;
  const { credential, signedHeaders, signature } = parsed;

  const amzDate = headers.get('x-amz-date');
  const requestTime = amzDate === undefined ? undefined : parseAmzDate(amzDate);
  if (amzDate === undefined || requestTime === undefined)
    return refuse('AccessDenied', 'AWS authentication requires a valid x-amz-date header.');
  if (Math.abs(options.now.getTime() - requestTime.getTime()) > MAX_SKEW_MS)
    return refuse(
      'RequestTimeTooSkewed',
      'The difference between the request time and the current time is too large.',
    );
  if (credential.date !== amzDate.slice(0, 8))
    return refuse(
      'AuthorizationHeaderMalformed',
      'The credential date does not match the x-amz-date header.',
    );
  if (credential.region !== options.region)
    return refuse(
      'AuthorizationHeaderMalformed',
      `The authorization header is malformed; the region is wrong; expecting '${options.region}'.`,
    );
  if (credential.service !== SERVICE || credential.terminator !== TERMINATOR)
    return refuse('AuthorizationHeaderMalformed', 'The credential scope must end in s3/aws4_request.');
  if (!equalStrings(credential.accessKey, options.credentials.accessKey))
    return refuse('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');

  const contentSha256 = headers.get('x-amz-content-sha256');
  if (contentSha256 === undefined)
    return refuse('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
  let payload: SignedPayload;
  if (/^[0-9a-f]{64}$/.test(contentSha256)) payload = { kind: 'sha256', sha256: contentSha256 };
  else if (contentSha256 === UNSIGNED_PAYLOAD) payload = { kind: 'unsigned' };
  else if (contentSha256.startsWith('STREAMING-'))
    return refuse('NotImplemented', 'Streaming (aws-chunked) payloads are not accepted by this server.');
  else
    return refuse(
      'InvalidArgument',
      'x-amz-content-sha256 must be UNSIGNED-PAYLOAD or the SHA-256 of the payload in lowercase hex.',
    );

  for (const required of ['host', 'x-amz-date', 'x-amz-content-sha256'])
    if (!signedHeaders.includes(required))
      return refuse('AccessDenied', `The ${required} header must be signed.`);
  for (const name of headers.keys())
    if (name.startsWith('x-amz-') && !signedHeaders.includes(name))
      return refuse(
        'AccessDenied',
        `There were headers present in the request which were not signed: ${name}`,
      );
  for (const name of signedHeaders)
    if (!headers.has(name))
      return refuse('AccessDenied', `A signed header is missing from the request: ${name}`);

  const canonical = canonicalRequest({
    method: request.method,
    canonicalUri,
    query: target.query,
    headers: signedHeaders.map((name) => [name, headers.get(name) ?? ''] as const),
    payloadHash: contentSha256,
  });
  const scope = `${credential.date}/${credential.region}/${SERVICE}/${TERMINATOR}`;
  const expected = hmac(
    signingKey(options.credentials.secretKey, credential.date, credential.region, SERVICE),
    stringToSign(amzDate, scope, canonical),
  ).toString('hex');
  if (!equalStrings(signature, expected))
    return refuse(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    );
  return { ok: true, payload };
}

/** A request to sign: its method, path as sent (segments URI-encoded) and query, and every header it signs. */
export interface RequestToSign {
  readonly method: string;
  readonly path: string;
  readonly query?: readonly (readonly [string, string])[];
  /** Lowercase names; must hold `host`, `x-amz-date` (e.g. 20130524T000000Z) and `x-amz-content-sha256`. */
  readonly headers: Readonly<Record<string, string>>;
}

/** The Authorization header of `request` signed with `credentials` for `region`: every header given is signed. */
export function signedAuthorization(
  request: RequestToSign,
  credentials: S3Credentials,
  region: string,
): string {
  const amzDate = request.headers['x-amz-date'] ?? '';
  const payloadHash = request.headers['x-amz-content-sha256'] ?? '';
  if (parseAmzDate(amzDate) === undefined || request.headers.host === undefined || payloadHash === '')
    throw new Error('a SigV4 request signs host, a valid x-amz-date and x-amz-content-sha256');
  const names = Object.keys(request.headers).sort(compare);
  const canonical = canonicalRequest({
    method: request.method,
    canonicalUri: canonicalPath(request.path),
    query: request.query ?? [],
    headers: names.map((name) => [name, (request.headers[name] ?? '').trim().replace(/ +/g, ' ')] as const),
    payloadHash,
  });
  const date = amzDate.slice(0, 8);
  const scope = `${date}/${region}/${SERVICE}/${TERMINATOR}`;
  const signature = hmac(
    signingKey(credentials.secretKey, date, region, SERVICE),
    stringToSign(amzDate, scope, canonical),
  ).toString('hex');
  return `${ALGORITHM} Credential=${credentials.accessKey}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
}

export interface CanonicalRequestParts {
  readonly method: string;
  /** Already URI-encoded (see `canonicalPath`). */
  readonly canonicalUri: string;
  /** Decoded query parameters. */
  readonly query: readonly (readonly [string, string])[];
  /** The signed headers, lowercase names with their values as received, in SignedHeaders order. */
  readonly headers: readonly (readonly [string, string])[];
  readonly payloadHash: string;
}

/** Method, URI, query, headers, signed header names and payload hash, one per line (S3's CanonicalRequest). */
export function canonicalRequest(parts: CanonicalRequestParts): string {
  const query = parts.query
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([a, av], [b, bv]) => compare(a, b) || compare(av, bv))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const headerLines = parts.headers.map(([name, value]) => `${name}:${value}\n`).join('');
  return [
    parts.method,
    parts.canonicalUri,
    query,
    headerLines,
    parts.headers.map(([name]) => name).join(';'),
    parts.payloadHash,
  ].join('\n');
}

export function stringToSign(amzDate: string, scope: string, canonical: string): string {
  return [ALGORITHM, amzDate, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
}

/** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). */
export function signingKey(secretKey: string, date: string, region: string, service: string): Buffer {
  const dateKey = hmac(Buffer.from(`AWS4${secretKey}`, 'utf8'), date);
  return hmac(hmac(hmac(dateKey, region), service), TERMINATOR);
}

/** The path as S3 canonicalises it: each segment decoded, then URI-encoded once (slashes kept; no normalisation). */
export function canonicalPath(rawPath: string): string {
  return rawPath
    .split('/')
    .map((segment) => uriEncode(decodeURIComponent(segment)))
    .join('/');
}

/** UriEncode of the S3 reference: every byte but A–Z a–z 0–9 - . _ ~ as %XX (uppercase hex). */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Splits the request target into its raw path and decoded query parameters (`+` is a space, as S3 reads it). */
export function splitTarget(url: string): { path: string; query: [string, string][] } {
  const at = url.indexOf('?');
  const path = at < 0 ? url : url.slice(0, at);
  const raw = at < 0 ? '' : url.slice(at + 1);
  const query: [string, string][] = [];
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    query.push([decodeQuery(name), decodeQuery(value)]);
  }
  return { path, query };
}

/** Header values by lowercase name, trimmed with inner runs of spaces collapsed; repeats joined by commas. */
function headerValues(rawHeaders: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (let at = 0; at + 1 < rawHeaders.length; at += 2) {
    const name = (rawHeaders[at] as string).toLowerCase();
    const value = (rawHeaders[at + 1] as string).trim().replace(/\s+/g, ' ');
    const previous = values.get(name);
    values.set(name, previous === undefined ? value : `${previous},${value}`);
  }
  return values;
}

interface Credential {
  readonly accessKey: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly terminator: string;
}

type ParsedAuthorization =
  | { ok: true; credential: Credential; signedHeaders: string[]; signature: string }
  | { ok: false; refusal: S3Refusal };

function parseAuthorization(header: string): ParsedAuthorization {
  const space = header.indexOf(' ');
  const algorithm = space < 0 ? header : header.slice(0, space);
  if (algorithm !== ALGORITHM)
    return refuse('AccessDenied', 'Only AWS Signature Version 4 (AWS4-HMAC-SHA256) is accepted.');
  const components = new Map<string, string>();
  for (const part of header.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) components.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = components.get('Credential')?.split('/');
  const signedHeaders = components.get('SignedHeaders');
  const signature = components.get('Signature');
  if (
    components.size !== 3 ||
    credential?.length !== 5 ||
    signedHeaders === undefined ||
    signature === undefined ||
    !/^[0-9a-f]{64}$/.test(signature)
  )
    return refuse(
      'AuthorizationHeaderMalformed',
      'The authorization header is malformed; it requires Credential, SignedHeaders and Signature.',
    );
  const [accessKey, date, region, service, terminator] = credential as [
    string,
    string,
    string,
    string,
    string,
  ];
  return {
    ok: true,
    credential: { accessKey, date, region, service, terminator },
    signedHeaders: signedHeaders.split(';'),
    signature,
  };
}

/** `YYYYMMDD'T'HHMMSS'Z'`, a real UTC instant. */
function parseAmzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return date.getUTCDate() === d && date.getUTCHours() === h ? date : undefined;
}

function decodeQuery(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

function hmac(key: Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** Constant-time for equal lengths (the lengths of keys and hex signatures are no secret). */
function equalStrings(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function refuse(code: S3RefusalCode, message: string): { ok: false; refusal: S3Refusal } {
  return { ok: false, refusal: { code, message } };
}
