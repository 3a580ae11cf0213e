/** The data-lake service's configuration: read once from the environment, validated, documented in the README. */
import path from 'node:path';
import { decoders } from '@custodia/chaincode';
import { readLedgerClientConfig } from '@custodia/ledger';
import type { LedgerClientConfig } from '@custodia/ledger';
import { DatalakeError } from '../errors';
import type { LedgerActor } from '../ledger/port';
import type { S3Credentials } from '../storage/sigv4';
import { bucketName, COUNTRY } from '../storage/locations';
import type { LocationSpec } from '../storage/locations';
import type { S3Endpoint } from '../storage/minio-store';

/** A country's storage location, its keys and its index (CUSTODIA_S3_LOCATIONS). */
export interface CountryLocation extends LocationSpec {
  /** Its keyring (organisations' key-encryption keys and patient keys); default `<keyDir>/<CC>`. */
  readonly keyDir?: string;
  /** Its index; default `<dataDir>/index/<CC>`. */
  readonly indexDir?: string;
}

export interface DatalakeConfig {
  /** HTTP listen address (default 127.0.0.1:0 picks a free port). */
  readonly host: string;
  readonly port: number;
  /** The service credential the gateway presents (`Authorization: Bearer …`); required. */
  readonly serviceToken: string;
  /** Data directory of the service (index, embedded S3 data, key files). */
  readonly dataDir: string;
  /**
   * Start the embedded S3 server (s3rver) unless an S3 endpoint is configured; it accepts only requests signed with
   * `credentials`, or with the keys it generates in its directory when none are configured.
   */
  readonly embeddedS3:
    { readonly directory: string; readonly port: number; readonly credentials?: S3Credentials } | undefined;
  /**
   * Storage locations, one per country: `endpoint` is the default S3 endpoint (the embedded server when it runs),
   * `bucketPrefix` the prefix of the buckets made there, `countries` the locations configured per country.
   */
  readonly locations: {
    readonly endpoint?: S3Endpoint;
    readonly bucketPrefix?: string;
    readonly countries: Readonly<Record<string, CountryLocation>>;
  };
  /** Organisation (MSP id) → country: where each organisation's data is stored, until the on-chain registry. */
  readonly organisations: Readonly<Record<string, string>>;
  /** Root of the per-location keyrings (`<keyDir>/<CC>`). */
  readonly keyDir: string;
  /** Create missing organisation key files (development stacks only). */
  readonly createKeys: boolean;
  /** The lake's HMAC key (64 hex digits) of source ids and patient tokens; default a key file in `dataDir`. */
  readonly hashKey: Buffer | undefined;
  /** How long an interrupted upload job keeps its sealed body for a resume. */
  readonly uploadTtlMs: number;
  /** Key owner of the lake's own key (curated and consumer zones). */
  readonly serviceKeyOwner: string;
  readonly maxJsonBytes: number;
  readonly maxBinaryBytes: number;
  /** A FHIR Bundle with more entries than this (or larger than `maxJsonBytes`) becomes an asynchronous job. */
  readonly syncBundleEntries: number;
  /** Largest Bundle an asynchronous job accepts. */
  readonly maxBundleBytes: number;
  readonly sweepIntervalMs: number;
  /** Prefix of binary links in assembled records: where clients reach the lake's routes (the gateway: `/api`). */
  readonly linkBase: string;
  /**
   * The lake's own ledger identity (role admin), an entry of the wallet: it reads record registrations and follows
   * chaincode events. Without it the lake ingests and erases but does not assemble.
   */
  readonly serviceActor: LedgerActor | undefined;
  /** The gateway's wallet (`@custodia/ledger`), where every acting user's enrolment is. */
  readonly walletDir: string;
  /** How the ledger client reaches the network (`readLedgerClientConfig`: CUSTODIA_NETWORK, …). */
  readonly ledger: LedgerClientConfig;
  readonly logLevel: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Variables: CUSTODIA_DATALAKE_HOST, CUSTODIA_DATALAKE_PORT, CUSTODIA_DATALAKE_TOKEN (required),
 * CUSTODIA_DATALAKE_DIR (.custodia/datalake), CUSTODIA_S3_DIR (.custodia/s3), CUSTODIA_S3_PORT (0),
 * CUSTODIA_S3_ENDPOINT (MinIO; disables the embedded server), CUSTODIA_S3_ACCESS_KEY / CUSTODIA_S3_SECRET_KEY (its
 * keys, or the embedded server's; generated for it when unset), CUSTODIA_S3_BUCKET_PREFIX (home buckets' prefix),
 * CUSTODIA_S3_LOCATIONS (JSON: {"DE":{"bucketPrefix":"de-"},"FR":{"endpoint":{…},"keyDir":…,"indexDir":…}}),
 * CUSTODIA_ORGANISATIONS (JSON {mspId: country}), CUSTODIA_DATALAKE_HASH_KEY (64 hex; a key file by default),
 * CUSTODIA_UPLOAD_TTL_SECONDS (86400),
 * CUSTODIA_KEY_DIR (<dir>/keys), CUSTODIA_CREATE_KEYS (true), CUSTODIA_MAX_JSON_BYTES (5 MiB),
 * CUSTODIA_MAX_BINARY_BYTES (10 GiB), CUSTODIA_SYNC_BUNDLE_ENTRIES (100), CUSTODIA_MAX_BUNDLE_BYTES (1 GiB), CUSTODIA_SWEEP_INTERVAL_MS (60000), CUSTODIA_DATALAKE_IDENTITY
 * (`<mspId>/<id>` in the wallet), CUSTODIA_WALLET_DIR (.custodia/wallet), CUSTODIA_LOG_LEVEL (info), and the
 * ledger client's variables (CUSTODIA_NETWORK, CUSTODIA_NETWORK_DIR, CUSTODIA_CONNECTION_FILE, timeouts).
 */
export function loadConfig(env: Env = process.env): DatalakeConfig {
  const token = env.CUSTODIA_DATALAKE_TOKEN;
  if (token === undefined || token.length < 16) {
    throw new DatalakeError('INVALID_INPUT', 'CUSTODIA_DATALAKE_TOKEN must be set (at least 16 characters)');
  }
  const dataDir = path.resolve(env.CUSTODIA_DATALAKE_DIR ?? '.custodia/datalake');
  const external = env.CUSTODIA_S3_ENDPOINT;
  const keys = s3Keys(env, external === undefined);
  const endpoint = external === undefined ? undefined : { url: external, ...(keys ?? requiredKeys()) };
  const bucketPrefix = env.CUSTODIA_S3_BUCKET_PREFIX ?? '';
  // Checked here, so a bad prefix stops the start with the variable's name.
  if (bucketPrefix !== '') bucketName(bucketPrefix, 'raw');
  return {
    host: env.CUSTODIA_DATALAKE_HOST ?? '127.0.0.1',
    port: integer(env, 'CUSTODIA_DATALAKE_PORT', 0),
    serviceToken: token,
    dataDir,
    embeddedS3:
      external === undefined
        ? {
            directory: path.resolve(env.CUSTODIA_S3_DIR ?? '.custodia/s3'),
            port: integer(env, 'CUSTODIA_S3_PORT', 0),
            ...(keys === undefined ? {} : { credentials: keys }),
          }
        : undefined,
    locations: {
      ...(endpoint === undefined ? {} : { endpoint }),
      ...(bucketPrefix === '' ? {} : { bucketPrefix }),
      countries: countries(env.CUSTODIA_S3_LOCATIONS),
    },
    organisations: organisations(env.CUSTODIA_ORGANISATIONS),
    keyDir: path.resolve(env.CUSTODIA_KEY_DIR ?? path.join(dataDir, 'keys')),
    createKeys: (env.CUSTODIA_CREATE_KEYS ?? 'true') === 'true',
    hashKey: hexKey(env.CUSTODIA_DATALAKE_HASH_KEY, 'CUSTODIA_DATALAKE_HASH_KEY'),
    uploadTtlMs: integer(env, 'CUSTODIA_UPLOAD_TTL_SECONDS', 86_400) * 1000,
    serviceKeyOwner: 'custodia-datalake',
    maxJsonBytes: integer(env, 'CUSTODIA_MAX_JSON_BYTES', 5 * 1024 * 1024),
    maxBinaryBytes: integer(env, 'CUSTODIA_MAX_BINARY_BYTES', 10 * 1024 * 1024 * 1024),
    syncBundleEntries: integer(env, 'CUSTODIA_SYNC_BUNDLE_ENTRIES', 100),
    maxBundleBytes: integer(env, 'CUSTODIA_MAX_BUNDLE_BYTES', 1024 * 1024 * 1024),
    sweepIntervalMs: integer(env, 'CUSTODIA_SWEEP_INTERVAL_MS', 60_000),
    linkBase: linkBase(env.CUSTODIA_DATALAKE_LINK_BASE),
    serviceActor: serviceActor(env.CUSTODIA_DATALAKE_IDENTITY),
    walletDir: path.resolve(env.CUSTODIA_WALLET_DIR ?? '.custodia/wallet'),
    ledger: readLedgerClientConfig(env),
    logLevel: logLevel(env.CUSTODIA_LOG_LEVEL),
  };
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function logLevel(value: string | undefined): string {
  if (value === undefined || value === '') return 'info';
  if (!LOG_LEVELS.includes(value))
    throw new DatalakeError('INVALID_INPUT', `CUSTODIA_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  return value;
}

/** A path prefix (`/api`) or an origin with one (`https://custodia.example/api`); default none. */
function linkBase(value: string | undefined): string {
  if (value === undefined || value === '') return '';
  if (!/^(https?:\/\/[A-Za-z0-9.:[\]-]+)?(\/[A-Za-z0-9._~-]+)*$/.test(value))
    throw new DatalakeError(
      'INVALID_INPUT',
      'CUSTODIA_DATALAKE_LINK_BASE must be a path like /api or an https URL',
    );
  return value;
}

/** `<mspId>/<id>`: the wallet entry of the lake's own (admin) enrolment. */
function serviceActor(value: string | undefined): LedgerActor | undefined {
  if (value === undefined || value === '') return undefined;
  const [mspId = '', id = '', ...rest] = value.split('/');
  const decodedMsp = decoders.mspId(mspId, 'mspId');
  const decodedId = decoders.id(id, 'id');
  if (rest.length > 0 || !decodedMsp.ok || !decodedId.ok)
    throw new DatalakeError('INVALID_INPUT', 'CUSTODIA_DATALAKE_IDENTITY must be <mspId>/<id>');
  return { mspId: decodedMsp.value, id: decodedId.value, role: 'admin' };
}

/**
 * CUSTODIA_S3_ACCESS_KEY and _SECRET_KEY, set together or not at all. The embedded server verifies signatures with
 * them, so there a secret must not be guessable (at least 16 characters); an external S3 judges its own keys.
 */
function s3Keys(env: Env, embedded: boolean): S3Credentials | undefined {
  const accessKey = env.CUSTODIA_S3_ACCESS_KEY ?? '';
  const secretKey = env.CUSTODIA_S3_SECRET_KEY ?? '';
  if (accessKey === '' && secretKey === '') return undefined;
  if (accessKey === '' || secretKey === '')
    throw new DatalakeError(
      'INVALID_INPUT',
      'CUSTODIA_S3_ACCESS_KEY and CUSTODIA_S3_SECRET_KEY are set together',
    );
  if (!/^[A-Za-z0-9._+=@-]{3,128}$/.test(accessKey))
    throw new DatalakeError(
      'INVALID_INPUT',
      'CUSTODIA_S3_ACCESS_KEY must be 3–128 letters, digits or ._+=@-',
    );
  if (embedded && secretKey.length < 16)
    throw new DatalakeError('INVALID_INPUT', 'CUSTODIA_S3_SECRET_KEY must be at least 16 characters');
  return { accessKey, secretKey };
}

function requiredKeys(): never {
  throw new DatalakeError(
    'INVALID_INPUT',
    'CUSTODIA_S3_ACCESS_KEY and CUSTODIA_S3_SECRET_KEY must be set with CUSTODIA_S3_ENDPOINT',
  );
}

function integer(env: Env, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined) return fallback;
  if (!/^\d{1,15}$/.test(value))
    throw new DatalakeError('INVALID_INPUT', `${name} must be a non-negative integer`);
  return Number(value);
}

function hexKey(value: string | undefined, name: string): Buffer | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^[0-9a-fA-F]{64}$/.test(value))
    throw new DatalakeError('INVALID_INPUT', `${name} must be 64 hex digits`);
  return Buffer.from(value, 'hex');
}

function parseObject(json: string | undefined, name: string): Record<string, unknown> {
  if (json === undefined || json === '') return {};
  try {
    const parsed = JSON.parse(json) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new DatalakeError('INVALID_INPUT', `${name} must be a JSON object`);
}

/** CUSTODIA_ORGANISATIONS: `{"HospitalDEMSP": "DE", …}`. */
function organisations(json: string | undefined): Record<string, string> {
  const parsed = parseObject(json, 'CUSTODIA_ORGANISATIONS');
  for (const [mspId, country] of Object.entries(parsed)) {
    if (!decoders.mspId(mspId, 'mspId').ok || typeof country !== 'string' || !COUNTRY.test(country))
      throw new DatalakeError(
        'INVALID_INPUT',
        'CUSTODIA_ORGANISATIONS must map MSP ids to ISO 3166-1 alpha-2 countries',
      );
  }
  return parsed as Record<string, string>;
}

/** CUSTODIA_S3_LOCATIONS: country → {endpoint?: {url, accessKey, secretKey, region?}, bucketPrefix?, keyDir?, indexDir?}. */
function countries(json: string | undefined): Record<string, CountryLocation> {
  const parsed = parseObject(json, 'CUSTODIA_S3_LOCATIONS');
  const invalid = (why: string) => new DatalakeError('INVALID_INPUT', `CUSTODIA_S3_LOCATIONS: ${why}`);
  const result: Record<string, CountryLocation> = {};
  for (const [country, value] of Object.entries(parsed)) {
    if (!COUNTRY.test(country)) throw invalid('keys are ISO 3166-1 alpha-2 countries');
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw invalid('each location is an object');
    const spec = value as Record<string, unknown>;
    const unknown = Object.keys(spec).filter(
      (key) => !['endpoint', 'bucketPrefix', 'keyDir', 'indexDir'].includes(key),
    );
    if (unknown.length > 0) throw invalid('a location has endpoint, bucketPrefix, keyDir and indexDir only');
    for (const key of ['bucketPrefix', 'keyDir', 'indexDir'])
      if (spec[key] !== undefined && typeof spec[key] !== 'string') throw invalid(`${key} is a string`);
    if (typeof spec.bucketPrefix === 'string') bucketName(spec.bucketPrefix, 'raw');
    let endpoint: S3Endpoint | undefined;
    if (spec.endpoint !== undefined) {
      const e = spec.endpoint as Partial<Record<string, unknown>>;
      if (
        typeof e !== 'object' ||
        e === null ||
        typeof e.url !== 'string' ||
        !/^https?:\/\//.test(e.url) ||
        typeof e.accessKey !== 'string' ||
        typeof e.secretKey !== 'string' ||
        (e.region !== undefined && typeof e.region !== 'string')
      )
        throw invalid('an endpoint is {url, accessKey, secretKey, region?}');
      endpoint = {
        url: e.url,
        accessKey: e.accessKey,
        secretKey: e.secretKey,
        ...(typeof e.region === 'string' ? { region: e.region } : {}),
      };
    }
    result[country] = {
      ...(endpoint === undefined ? {} : { endpoint }),
      ...(typeof spec.bucketPrefix === 'string' ? { bucketPrefix: spec.bucketPrefix } : {}),
      ...(typeof spec.keyDir === 'string' ? { keyDir: path.resolve(spec.keyDir) } : {}),
      ...(typeof spec.indexDir === 'string' ? { indexDir: path.resolve(spec.indexDir) } : {}),
    };
  }
  return result;
}
