/**
 * The CLI's HTTP client against a small scripted HTTP server: token refresh shared by concurrent calls,
 * Retry-After honoured, retries only where asked, and a clear NETWORK_ERROR when nothing answers.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiClient, ApiError, NETWORK_ERROR } from '../src/cli/api-client';

interface Scripted {
  readonly url: string;
  readonly hits: string[];
  close(): Promise<void>;
}

async function scriptedServer(
  handle: (
    request: http.IncomingMessage,
    body: string,
  ) => { status: number; body?: object; headers?: Record<string, string> },
): Promise<Scripted> {
  const hits: string[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      hits.push(`${request.method} ${request.url} ${request.headers.authorization ?? ''}`.trim());
      const answer = handle(request, body);
      response.writeHead(answer.status, {
        'content-type': answer.status >= 400 ? 'application/problem+json' : 'application/json',
        ...answer.headers,
      });
      response.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const problem = (status: number, code: string) => ({
  status,
  body: { type: 'about:blank', title: code, status, code, detail: code },
});
const fast = { backoff: { attempts: 4, baseMs: 5, maxMs: 20, factor: 2 } };

describe('the CLI HTTP client', () => {
  let server: Scripted | undefined;
  afterEach(async () => server?.close());

  it('refreshes an expired access token once for all calls in flight, then repeats them', async () => {
    let refreshes = 0;
    server = await scriptedServer((request, body) => {
      if (request.url === '/api/v1/auth/login')
        return { status: 200, body: { accessToken: 'old', refreshToken: 'r1' } };
      if (request.url === '/api/v1/auth/refresh') {
        refreshes += 1;
        return JSON.parse(body).refreshToken === 'r1'
          ? { status: 200, body: { accessToken: 'new', refreshToken: 'r2' } }
          : problem(401, 'TOKEN_INVALID');
      }
      return request.headers.authorization === 'Bearer new'
        ? { status: 200, body: { items: [] } }
        : problem(401, 'TOKEN_EXPIRED');
    });
    const client = new ApiClient({ baseUrl: server.url, ...fast });
    await client.login({ username: 'centre', password: 'pw' });
    const answers = await Promise.all(
      [1, 2, 3].map(() => client.json<{ items: unknown[] }>('GET', '/uploads')),
    );
    expect(answers).toEqual([{ items: [] }, { items: [] }, { items: [] }]);
    expect(refreshes).toBe(1);
  });

  it('retries a 503 after the delay the server asks for, but only calls marked safe to repeat', async () => {
    let calls = 0;
    server = await scriptedServer(() => {
      calls += 1;
      return calls === 1
        ? { ...problem(503, 'LEDGER_UNAVAILABLE'), headers: { 'retry-after': '0' } }
        : { status: 201, body: { ok: true } };
    });
    const waits: number[] = [];
    const client = new ApiClient({
      baseUrl: server.url,
      ...fast,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    client.useToken('token');
    expect(await client.json('POST', '/x', { json: {}, retry: true })).toEqual({ ok: true });
    expect(waits).toHaveLength(1);

    calls = 0;
    const once = client.json('POST', '/x', { json: {} });
    await expect(once).rejects.toMatchObject({ code: 'LEDGER_UNAVAILABLE', status: 503 });
    expect(calls).toBe(1);
  });

  it('does not retry a refusal', async () => {
    server = await scriptedServer(() => problem(400, 'VALIDATION_FAILED'));
    const client = new ApiClient({ baseUrl: server.url, ...fast });
    await expect(client.json('POST', '/x', { json: {}, retry: true })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(server.hits).toHaveLength(1);
  });

  it('reports NETWORK_ERROR once every attempt found nobody listening', async () => {
    const closed = await scriptedServer(() => ({ status: 200 }));
    await closed.close();
    let retries = 0;
    const client = new ApiClient({ baseUrl: closed.url, ...fast, onRetry: () => (retries += 1) });
    const failure = client.json('GET', '/uploads', { retry: true });
    await expect(failure).rejects.toBeInstanceOf(ApiError);
    await expect(failure).rejects.toMatchObject({ code: NETWORK_ERROR, status: 0 });
    expect(retries).toBe(3);
  });
});
