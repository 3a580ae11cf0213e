/**
 * The one HTTP path to the gateway: JSON in and out, bearer access token, refresh rotation on expiry,
 * failures as ApiProblem. Nothing here stores patient data; only the refresh token may be persisted.
 */
import { ApiProblem, networkProblem, problemFrom, sessionEndedProblem } from './problem';
import type { RefreshTokenStore } from './tokens';
import type { TokenPair } from './types';

export const API_BASE = '/api/v1';

export type Query = Readonly<Record<string, string | number | undefined>>;

export interface RequestOptions {
  readonly body?: unknown;
  readonly query?: Query;
  /** Raw bytes (uploads) instead of JSON. */
  readonly bytes?: Blob;
  readonly accept?: string;
  /** Content type of a JSON body (default application/json), e.g. application/fhir+json. */
  readonly contentType?: string;
  readonly signal?: AbortSignal;
  /** Auth routes are called without a token and never trigger a refresh. */
  readonly anonymous?: boolean;
}

export interface ApiClientOptions {
  readonly baseUrl?: string;
  readonly fetch?: typeof fetch;
  readonly refreshStore: RefreshTokenStore;
  /** Called when the session cannot be renewed (refresh refused): the app returns to sign-in. */
  readonly onSessionEnded?: () => void;
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export class ApiClient {
  private accessToken: string | undefined;
  private refreshing: Promise<boolean> | undefined;
  private readonly baseUrl: string;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly options: ApiClientOptions) {
    this.baseUrl = options.baseUrl ?? API_BASE;
    // Resolved per call and never called as a method (`window.fetch` refuses another `this`).
    this.fetchFn = (input, init) => (options.fetch ?? globalThis.fetch)(input, init);
  }

  /** Keeps a new token pair: access token in memory, refresh token in the store. */
  startSession(tokens: TokenPair): void {
    this.accessToken = tokens.accessToken;
    this.options.refreshStore.save(tokens.refreshToken);
  }

  endSession(): void {
    this.accessToken = undefined;
    this.options.refreshStore.clear();
  }

  hasRefreshToken(): boolean {
    return this.options.refreshStore.load() !== undefined;
  }

  /** The refresh token, to end its login at sign-out. */
  refreshToken(): string | undefined {
    return this.options.refreshStore.load();
  }

  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(method, path, {
      ...options,
      accept: options.accept ?? 'application/json',
    });
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async text(method: string, path: string, options: RequestOptions = {}): Promise<string> {
    return (await this.send(method, path, options)).text();
  }

  async blob(method: string, path: string, options: RequestOptions = {}): Promise<Blob> {
    return (await this.send(method, path, options)).blob();
  }

  /** A successful answer whose body the caller reads as it arrives (NDJSON progress). */
  async stream(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    return this.send(method, path, options);
  }

  /** Renews the access token with the stored refresh token; one renewal at a time. */
  renew(): Promise<boolean> {
    this.refreshing ??= this.doRenew().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async doRenew(): Promise<boolean> {
    const refreshToken = this.options.refreshStore.load();
    if (!refreshToken) return false;
    let response: Response;
    try {
      response = await this.fetchFn(`${this.baseUrl}/auth/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ refreshToken }),
      });
    } catch {
      throw networkProblem();
    }
    if (!response.ok) {
      this.endSession();
      return false;
    }
    this.startSession((await response.json()) as TokenPair);
    return true;
  }

  private async send(method: string, path: string, options: RequestOptions): Promise<Response> {
    let response = await this.attempt(method, path, options);
    if (response.status === 401 && !options.anonymous && this.hasRefreshToken()) {
      if (await this.renew()) response = await this.attempt(method, path, options);
      else {
        this.options.onSessionEnded?.();
        throw sessionEndedProblem();
      }
    }
    if (!response.ok) throw await problemFrom(response);
    return response;
  }

  private async attempt(method: string, path: string, options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = {};
    if (options.accept) headers.accept = options.accept;
    if (!options.anonymous && this.accessToken) headers.authorization = `Bearer ${this.accessToken}`;
    let body: BodyInit | undefined;
    if (options.bytes) {
      body = options.bytes;
      headers['content-type'] = 'application/octet-stream';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = options.contentType ?? 'application/json';
    }
    try {
      return await this.fetchFn(`${this.baseUrl}${withQuery(path, options.query)}`, {
        method,
        headers,
        body,
        signal: options.signal,
      });
    } catch (error) {
      if (error instanceof ApiProblem) throw error;
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw networkProblem();
    }
  }
}
