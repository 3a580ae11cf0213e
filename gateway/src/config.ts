/** The gateway's configuration: read once from the environment, validated, documented in the README. */
import path from 'node:path';
import { GatewayError } from './errors';

export interface GatewayConfig {
  readonly host: string;
  readonly port: number;
  /** Users, token keys, chunked uploads in progress. */
  readonly dataDir: string;
  /** Built portal served at `/`; absent when not built. */
  readonly portalDir?: string;
  /** Browser origins allowed by CORS (the portal served by the gateway itself needs none). */
  readonly corsOrigins: readonly string[];
  /** Per-organisation IP allow-lists (CIDRs); an organisation absent here is not restricted. */
  readonly allowedNetworks: Readonly<Record<string, readonly string[]>>;
  /** Requests per minute and client address on the authentication routes. */
  readonly authRateLimit: number;
  /** Requests per minute and client address on every other route. */
  readonly apiRateLimit: number;
  /** Trust `X-Forwarded-For` from this many proxies (0: use the socket address). */
  readonly trustProxy: number;
  readonly maxJsonBytes: number;
  readonly uploadPartBytes: number;
  /** An upload nobody finished is removed this long after its last activity. */
  readonly uploadTtlMs: number;
  readonly datalake: { readonly url: string; readonly token: string } | undefined;
  /** /readyz: how long each component may take to answer before the instance is reported not ready. */
  readonly readinessTimeoutMs: number;
  /** Upload sessions (and their history entries) older than this are pruned. */
  readonly uploadRetentionMs: number;
  /** The SMTP server that sends notices (an emergency access to a patient's record); none: no e-mail. */
  readonly smtp: { readonly url: string; readonly from: string } | undefined;
  /** Where people reach this deployment (`https://…`, no trailing slash): links in notices, absolute FHIR URLs. */
  readonly publicBaseUrl: string | undefined;
  /** What people call each organisation (by MSP id), for the directory; an organisation without one shows its id. */
  readonly organisationNames: Readonly<Record<string, string>>;
}

type Env = Readonly<Record<string, string | undefined>>;

function integer(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0)
    throw new GatewayError('VALIDATION_FAILED', `${name} must be a non-negative integer`);
  return value;
}

function json<T>(env: Env, name: string, fallback: T, check: (value: unknown) => value is T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new GatewayError('VALIDATION_FAILED', `${name} is not JSON`);
  }
  if (!check(value)) throw new GatewayError('VALIDATION_FAILED', `${name} has the wrong shape`);
  return value;
}

const CIDR = /^[0-9a-fA-F:.]+\/\d{1,3}$|^[0-9a-fA-F:.]+$/;

function isNetworks(value: unknown): value is Record<string, string[]> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every(
    (list) => Array.isArray(list) && list.every((entry) => typeof entry === 'string' && CIDR.test(entry)),
  );
}

function isNames(value: unknown): value is Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every(
    (name) => typeof name === 'string' && name.trim() !== '' && name.length <= 200,
  );
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((entry) => typeof entry === 'string');
}

/**
 * CUSTODIA_GATEWAY_HOST (127.0.0.1), CUSTODIA_GATEWAY_PORT (8080), CUSTODIA_GATEWAY_DIR (.custodia/gateway),
 * CUSTODIA_PORTAL_DIR (portal/dist when present), CUSTODIA_CORS_ORIGINS (JSON list, []),
 * CUSTODIA_ALLOWED_NETWORKS (JSON {mspId: [cidr…]}, {}), CUSTODIA_AUTH_RATE_LIMIT (30/min),
 * CUSTODIA_API_RATE_LIMIT (1200/min), CUSTODIA_TRUST_PROXY (0), CUSTODIA_MAX_JSON_BYTES (5 MiB),
 * CUSTODIA_UPLOAD_PART_BYTES (8 MiB), CUSTODIA_UPLOAD_TTL_SECONDS (86400), CUSTODIA_DATALAKE_URL + CUSTODIA_DATALAKE_TOKEN
 * (the lake; required together), CUSTODIA_READINESS_TIMEOUT_MS (2000), CUSTODIA_UPLOAD_RETENTION_DAYS (30),
 * CUSTODIA_SMTP_URL + CUSTODIA_SMTP_FROM (notices by e-mail; required together), CUSTODIA_PUBLIC_BASE_URL (unset),
 * CUSTODIA_ORGANISATION_NAMES (JSON {mspId: name}, {}).
 */
export function loadGatewayConfig(
  env: Env = process.env,
  defaults: Partial<GatewayConfig> = {},
): GatewayConfig {
  const lakeUrl = env.CUSTODIA_DATALAKE_URL;
  const lakeToken = env.CUSTODIA_DATALAKE_TOKEN;
  if ((lakeUrl === undefined) !== (lakeToken === undefined))
    throw new GatewayError(
      'VALIDATION_FAILED',
      'CUSTODIA_DATALAKE_URL and CUSTODIA_DATALAKE_TOKEN are set together',
    );
  const smtpUrl = env.CUSTODIA_SMTP_URL;
  const smtpFrom = env.CUSTODIA_SMTP_FROM;
  if ((smtpUrl === undefined) !== (smtpFrom === undefined))
    throw new GatewayError('VALIDATION_FAILED', 'CUSTODIA_SMTP_URL and CUSTODIA_SMTP_FROM are set together');
  if (smtpUrl !== undefined && !/^smtps?:\/\/[^\s/]+/.test(smtpUrl))
    throw new GatewayError('VALIDATION_FAILED', 'CUSTODIA_SMTP_URL must be an smtp:// or smtps:// URL');
  const portalDir = env.CUSTODIA_PORTAL_DIR ?? defaults.portalDir;
  return {
    host: env.CUSTODIA_GATEWAY_HOST ?? defaults.host ?? '127.0.0.1',
    port: integer(env, 'CUSTODIA_GATEWAY_PORT', defaults.port ?? 8080),
    dataDir: path.resolve(env.CUSTODIA_GATEWAY_DIR ?? defaults.dataDir ?? '.custodia/gateway'),
    ...(portalDir === undefined ? {} : { portalDir: path.resolve(portalDir) }),
    corsOrigins: json(env, 'CUSTODIA_CORS_ORIGINS', defaults.corsOrigins ?? [], isStrings),
    allowedNetworks: json(env, 'CUSTODIA_ALLOWED_NETWORKS', defaults.allowedNetworks ?? {}, isNetworks),
    authRateLimit: integer(env, 'CUSTODIA_AUTH_RATE_LIMIT', defaults.authRateLimit ?? 30),
    apiRateLimit: integer(env, 'CUSTODIA_API_RATE_LIMIT', defaults.apiRateLimit ?? 1200),
    trustProxy: integer(env, 'CUSTODIA_TRUST_PROXY', defaults.trustProxy ?? 0),
    maxJsonBytes: integer(env, 'CUSTODIA_MAX_JSON_BYTES', defaults.maxJsonBytes ?? 5 * 1024 * 1024),
    uploadPartBytes: integer(env, 'CUSTODIA_UPLOAD_PART_BYTES', defaults.uploadPartBytes ?? 8 * 1024 * 1024),
    uploadTtlMs:
      integer(
        env,
        'CUSTODIA_UPLOAD_TTL_SECONDS',
        defaults.uploadTtlMs === undefined ? 86_400 : defaults.uploadTtlMs / 1000,
      ) * 1000,
    datalake:
      lakeUrl !== undefined && lakeToken !== undefined
        ? { url: lakeUrl, token: lakeToken }
        : defaults.datalake,
    readinessTimeoutMs: integer(env, 'CUSTODIA_READINESS_TIMEOUT_MS', defaults.readinessTimeoutMs ?? 2_000),
    uploadRetentionMs: env.CUSTODIA_UPLOAD_RETENTION_DAYS
      ? retentionDays(env) * DAY_MS
      : (defaults.uploadRetentionMs ?? 30 * DAY_MS),
    smtp: smtpUrl !== undefined && smtpFrom !== undefined ? { url: smtpUrl, from: smtpFrom } : defaults.smtp,
    publicBaseUrl: publicBaseUrl(env.CUSTODIA_PUBLIC_BASE_URL) ?? defaults.publicBaseUrl,
    organisationNames: json(env, 'CUSTODIA_ORGANISATION_NAMES', defaults.organisationNames ?? {}, isNames),
  };
}

const DAY_MS = 86_400_000;

/** CUSTODIA_UPLOAD_RETENTION_DAYS: at least a day, so an upload in progress is never pruned under its sender. */
function retentionDays(env: Env): number {
  const days = integer(env, 'CUSTODIA_UPLOAD_RETENTION_DAYS', 30);
  if (days < 1)
    throw new GatewayError('VALIDATION_FAILED', 'CUSTODIA_UPLOAD_RETENTION_DAYS must be at least 1');
  return days;
}

/** CUSTODIA_PUBLIC_BASE_URL: an absolute http(s) URL without query or fragment; kept without its trailing slash. */
function publicBaseUrl(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new GatewayError('VALIDATION_FAILED', 'CUSTODIA_PUBLIC_BASE_URL must be an absolute http(s) URL');
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '' || url.hash !== '')
    throw new GatewayError(
      'VALIDATION_FAILED',
      'CUSTODIA_PUBLIC_BASE_URL must be an http(s) URL without query or fragment',
    );
  return url.href.replace(/\/+$/, '');
}
