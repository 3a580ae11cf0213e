/**
 * One HTTP exchange with the data-lake service over node:http(s): bodies stream both ways with backpressure
 * (a multi-gigabyte upload or download is never held in memory), the service credential and the acting user's
 * headers go on every request, and failures become DatalakeErrors — the service's own problem code when it
 * answered, DATALAKE_UNAVAILABLE (503) when it could not be reached or broke off.
 */
import http from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Caller } from '@custodia/chaincode';
import { DatalakeError, isDatalakeErrorCode } from '../errors';
import { keepAliveAgent } from '../net/keep-alive';
import { collectedAsPassed } from '../memory/young-collection';
import { ACTOR_HEADERS } from '../service/actor';
import { readBounded } from '../stream/read-bounded';

export interface TransportOptions {
  /** e.g. `http://127.0.0.1:7070` (a path prefix is kept). */
  readonly baseUrl: string;
  readonly token: string;
  /** Inactivity limit: a request fails when no byte moves for this long (not a limit on a whole transfer). */
  readonly timeoutMs: number;
}

export interface Exchange {
  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  readonly path: string;
  readonly actor?: Caller;
  readonly body?: Buffer | Readable;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Statuses that count as success; anything else is read as a problem. */
  readonly expect: readonly number[];
}

export interface Answer {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  /** The response body, as a stream whose failure is a DatalakeError. */
  readonly body: Readable;
}

const PROBLEM_MEMBERS: ReadonlySet<string> = new Set(['type', 'title', 'status', 'code', 'detail']);
const MAX_ERROR_BODY = 64 * 1024;
const MAX_JSON_BODY = 16 * 1024 * 1024;

export class Transport {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly request: typeof http.request;

  constructor(private readonly options: TransportOptions) {
    this.base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    const secure = this.base.protocol === 'https:';
    if (!secure && this.base.protocol !== 'http:')
      throw new DatalakeError('INVALID_INPUT', 'the data-lake URL must be http(s)');
    this.agent = keepAliveAgent(secure ? 'https:' : 'http:');
    this.request = secure ? https.request : http.request;
  }

  /** Sends the request and answers once the response head arrived with an expected status. */
  async send(exchange: Exchange): Promise<Answer> {
    const response = await this.exchange(exchange);
    const status = response.statusCode ?? 0;
    if (!exchange.expect.includes(status)) {
      // A refused upload is over: release the caller's source (a file, a request) instead of leaving it paused.
      if (exchange.body !== undefined && !Buffer.isBuffer(exchange.body)) exchange.body.destroy();
      throw await problemOf(response);
    }
    // The caller sees a plain stream; a connection broken mid-body is the lake being unavailable. Each socket read
    // is a buffer that dies once passed on: young collections as the bytes pass give them back (see
    // memory/young-collection.ts) — without, a large download could set V8 marking the whole heap every ~75 ms,
    // freeing nothing (the data-lake benchmark's client: 3.2 CPU-seconds for 1 GiB instead of 0.3, in some runs).
    const body = collectedAsPassed();
    pipeline(response, body).catch((error: unknown) => {
      if (!body.destroyed) body.destroy(unavailable(error, 'the data lake broke off the transfer'));
    });
    return { status, headers: response.headers, body };
  }

  /** Sends the request and reads the whole (small) answer. */
  async bytes(exchange: Exchange): Promise<Buffer> {
    const answer = await this.send(exchange);
    return readBounded(answer.body, MAX_JSON_BODY, 'the data lake answer');
  }

  /** Sends the request and parses the JSON answer. */
  async json<T>(exchange: Exchange): Promise<T> {
    const bytes = await this.bytes(exchange);
    try {
      return JSON.parse(bytes.toString('utf8')) as T;
    } catch (error) {
      throw new DatalakeError('INTERNAL', 'the data lake answered with invalid JSON', {}, error);
    }
  }

  /** Sends the request and discards the (empty) answer. */
  async empty(exchange: Exchange): Promise<void> {
    const answer = await this.send(exchange);
    answer.body.resume();
  }

  close(): void {
    this.agent.destroy();
  }

  private exchange(exchange: Exchange): Promise<IncomingMessage> {
    const url = new URL(exchange.path.replace(/^\//, ''), this.base);
    const headers: OutgoingHttpHeaders = {
      authorization: `Bearer ${this.options.token}`,
      accept: 'application/json, application/problem+json, */*',
      ...(exchange.actor === undefined ? {} : actorHeaders(exchange.actor)),
      ...(exchange.contentType === undefined ? {} : { 'content-type': exchange.contentType }),
      ...exchange.headers,
      ...(Buffer.isBuffer(exchange.body) ? { 'content-length': exchange.body.length } : {}),
    };
    return new Promise<IncomingMessage>((resolve, reject) => {
      let settled = false;
      let sourceError: Error | undefined;
      const request = this.request(url, { method: exchange.method, headers, agent: this.agent });
      request.setTimeout(this.options.timeoutMs, () =>
        request.destroy(new DatalakeError('DATALAKE_UNAVAILABLE', 'the data lake did not answer in time')),
      );
      request.on('error', (error) => {
        if (settled) return;
        settled = true;
        // A failing upload source is the caller's failure, not the lake's.
        reject(sourceError ?? unavailable(error, 'the data lake is unavailable'));
      });
      request.on('response', (response) => {
        settled = true;
        resolve(response);
      });
      const { body } = exchange;
      if (body === undefined) request.end();
      else if (Buffer.isBuffer(body)) request.end(body);
      else {
        body.once('error', (error) => {
          sourceError = error;
          request.destroy(error);
        });
        body.pipe(request);
      }
    });
  }
}

function actorHeaders(actor: Caller): Record<string, string> {
  return {
    [ACTOR_HEADERS.mspId]: actor.mspId,
    [ACTOR_HEADERS.id]: actor.id,
    [ACTOR_HEADERS.role]: actor.role,
    ...(actor.country === undefined ? {} : { [ACTOR_HEADERS.country]: actor.country }),
  };
}

function unavailable(error: unknown, message: string): DatalakeError {
  if (error instanceof DatalakeError) return error;
  const cause = (error as NodeJS.ErrnoException | undefined)?.code;
  return new DatalakeError(
    'DATALAKE_UNAVAILABLE',
    message,
    typeof cause === 'string' ? { cause } : {},
    error,
  );
}

/** The service's problem+json as a DatalakeError with its code; anything unrecognisable by its status class. */
async function problemOf(response: IncomingMessage): Promise<DatalakeError> {
  const status = response.statusCode ?? 0;
  let problem: Record<string, unknown> | undefined;
  try {
    const parsed = JSON.parse(
      (await readBounded(response, MAX_ERROR_BODY, 'the data lake answer')).toString('utf8'),
    ) as unknown;
    if (typeof parsed === 'object' && parsed !== null) problem = parsed as Record<string, unknown>;
  } catch {
    // not a problem document (a proxy's error page, a truncated body)
  }
  const code = problem?.code;
  if (problem !== undefined && isDatalakeErrorCode(code)) {
    // The problem's extension members (limits, field names) travel on as details.
    const details = Object.fromEntries(
      Object.entries(problem).filter(([name]) => !PROBLEM_MEMBERS.has(name)),
    );
    const { detail } = problem;
    return new DatalakeError(code, typeof detail === 'string' ? detail : code, details);
  }
  if (status === 502 || status === 503 || status === 504)
    return new DatalakeError('DATALAKE_UNAVAILABLE', 'the data lake is unavailable', { status });
  return new DatalakeError('INTERNAL', 'the data lake answered unexpectedly', { status });
}
