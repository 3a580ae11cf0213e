/**
 * The command-line client's view of the gateway: plain HTTP (global fetch) against `/api/v1`, problem+json
 * turned into `ApiError` by its stable `code`, sign-in with refresh on an expired access token, and retries
 * with backoff for the calls the caller marks as safe to repeat.
 */
import { DEFAULT_BACKOFF, realSleep, retrying } from './backoff';
import type { BackoffPolicy } from './backoff';

export const API_PREFIX = '/api/v1';
/** No HTTP answer at all (refused, reset, timed out): the request may or may not have reached the server. */
export const NETWORK_ERROR = 'NETWORK_ERROR';
/** Statuses that say "not now" rather than "no": retried for idempotent calls. */
const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** The problem's stable code, or NETWORK_ERROR. */
    readonly code: string,
    /** HTTP status; 0 when no answer came. */
    readonly status: number,
    message: string,
    /** What the server asked us to wait (Retry-After), in ms. */
    readonly retryAfterMs?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export function isTransient(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 0 || TRANSIENT_STATUSES.has(error.status));
}

/** Retry-After in seconds or as an HTTP date. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export interface Credentials {
  readonly username: string;
  readonly password: string;
  readonly totp?: string;
}

export interface CallOptions {
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  /** Sent as JSON. */
  readonly json?: unknown;
  /** Sent as is with `contentType`. */
  readonly body?: Uint8Array;
  readonly contentType?: string;
  readonly accept?: string;
  /**
   * Sent as `Idempotency-Key`: a creating call with one may be retried (`retry`), the gateway answering what the
   * first attempt created.
   */
  readonly idempotencyKey?: string;
  /** Repeat on network failure and transient statuses: only for calls that are idempotent. */
  readonly retry?: boolean;
}

export interface ApiClientOptions {
  readonly baseUrl: string;
  readonly backoff?: BackoffPolicy;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** Told of every retry (the upload command counts them). */
  readonly onRetry?: (event: {
    readonly attempt: number;
    readonly delayMs: number;
    readonly error: unknown;
  }) => void;
  readonly fetch?: typeof fetch;
}

interface Tokens {
  accessToken: string;
  refreshToken?: string;
}

export class ApiClient {
  private tokens: Tokens | undefined;
  private refreshing: Promise<void> | undefined;
  private readonly fetch: typeof fetch;
  readonly baseUrl: string;

  constructor(private readonly options: ApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetch = options.fetch ?? fetch;
  }

  /** Use an access token obtained elsewhere (portal, single sign-on); it is not refreshed. */
  useToken(accessToken: string): void {
    this.tokens = { accessToken };
  }

  async login(credentials: Credentials): Promise<void> {
    const answer = await this.json<{ accessToken: string; refreshToken: string }>('POST', '/auth/login', {
      json: {
        username: credentials.username,
        password: credentials.password,
        ...(credentials.totp === undefined ? {} : { totp: credentials.totp }),
      },
      retry: true,
    });
    this.tokens = { accessToken: answer.accessToken, refreshToken: answer.refreshToken };
  }

  async json<T>(method: string, route: string, options: CallOptions = {}): Promise<T> {
    const response = await this.call(method, route, { accept: 'application/json', ...options });
    const text = await response.text();
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /** A successful response (status < 400), its body unread. */
  async call(method: string, route: string, options: CallOptions = {}): Promise<Response> {
    const once = async (): Promise<Response> => {
      const sent = this.tokens?.accessToken;
      const response = await this.send(method, route, options);
      if (response.status !== 401 || this.tokens?.refreshToken === undefined || route.startsWith('/auth/'))
        return this.checked(response);
      const problem = await problemOf(response);
      if (problem.code !== 'TOKEN_EXPIRED') throw problem;
      // Another call may have refreshed meanwhile: then its new token is the one to use.
      if (this.tokens.accessToken === sent) await this.refresh();
      return this.checked(await this.send(method, route, options));
    };
    if (options.retry !== true) return once();
    return retrying(once, {
      policy: this.options.backoff ?? DEFAULT_BACKOFF,
      retryable: isTransient,
      requestedDelayMs: (error) => (error instanceof ApiError ? error.retryAfterMs : undefined),
      sleep: this.options.sleep ?? realSleep,
      random: this.options.random ?? Math.random,
      ...(this.options.onRetry === undefined ? {} : { onRetry: this.options.onRetry }),
    });
  }

  private async checked(response: Response): Promise<Response> {
    if (response.status < 400) return response;
    throw await problemOf(response);
  }

  private async send(method: string, route: string, options: CallOptions): Promise<Response> {
    const url = new URL(`${this.baseUrl}${API_PREFIX}${route}`);
    for (const [name, value] of Object.entries(options.query ?? {}))
      if (value !== undefined) url.searchParams.set(name, String(value));
    const headers: Record<string, string> = {};
    if (this.tokens !== undefined) headers.authorization = `Bearer ${this.tokens.accessToken}`;
    if (options.accept !== undefined) headers.accept = options.accept;
    if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
    let body: Uint8Array | string | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.body !== undefined) {
      headers['content-type'] = options.contentType ?? 'application/octet-stream';
      body = options.body;
    }
    try {
      return await this.fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
    } catch (error) {
      // fetch rejects only when no HTTP answer came (refused, reset, DNS): transient by nature.
      throw new ApiError(NETWORK_ERROR, 0, `no answer from ${url.origin}`, undefined, { cause: error });
    }
  }

  private async refresh(): Promise<void> {
    // Concurrent calls that all hit an expired token share one refresh: refresh tokens are single-use.
    this.refreshing ??= (async () => {
      try {
        const refreshToken = this.tokens?.refreshToken;
        if (refreshToken === undefined) throw new ApiError('TOKEN_EXPIRED', 401, 'the access token expired');
        const answer = await this.json<{ accessToken: string; refreshToken: string }>(
          'POST',
          '/auth/refresh',
          {
            json: { refreshToken },
            retry: true,
          },
        );
        this.tokens = { accessToken: answer.accessToken, refreshToken: answer.refreshToken };
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }
}

/** The problem+json of a failed response (or a generic one when the body is not problem+json). */
export async function problemOf(response: Response): Promise<ApiError> {
  const retryAfter = retryAfterMs(response.headers.get('retry-after'));
  let code = `HTTP_${response.status}`;
  let detail = response.statusText;
  try {
    const problem = (await response.json()) as { code?: unknown; detail?: unknown; title?: unknown };
    if (typeof problem.code === 'string') code = problem.code;
    if (typeof problem.detail === 'string') detail = problem.detail;
    else if (typeof problem.title === 'string') detail = problem.title;
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  return new ApiError(code, response.status, detail, retryAfter);
}
