/**
 * A stand-in for the gateway at the network boundary: `fetch` answers from a route table, and every
 * call is recorded so tests assert on what the portal sent. Everything above `fetch` is the real code.
 */
export interface Call {
  readonly method: string;
  /** Path under /api/v1, without the query string. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON, or the Blob sent for raw bytes. */
  readonly body: unknown;
}

export interface Reply {
  readonly status?: number;
  readonly body?: unknown;
  readonly contentType?: string;
  /**
   * A streamed answer (NDJSON progress): the first chunk at once, the others once `hold` resolves, so a test
   * can look at the page while the answer is still arriving.
   */
  readonly chunks?: readonly string[];
  readonly hold?: Promise<void>;
}

export type Route = Reply | ((call: Call) => Reply | Promise<Reply>);
export type Routes = Record<string, Route>;

const PREFIX = '/api/v1';

class FakeResponse {
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  readonly body: ReadableStream<Uint8Array> | null;
  constructor(
    readonly status: number,
    private readonly payload: string,
    contentType: string,
    chunks?: readonly string[],
    hold?: Promise<void>,
  ) {
    this.ok = status >= 200 && status < 300;
    this.headers = { get: (name) => (name.toLowerCase() === 'content-type' ? contentType : null) };
    this.body = chunks ? streamOf(chunks, hold) : null;
  }
  async json(): Promise<unknown> {
    return JSON.parse(this.payload);
  }
  async text(): Promise<string> {
    return this.payload;
  }
  async blob(): Promise<Blob> {
    return new Blob([this.payload]);
  }
}

function streamOf(
  chunks: readonly string[],
  hold: Promise<void> = Promise.resolve(),
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const [first, ...rest] = chunks;
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      if (first !== undefined) controller.enqueue(encoder.encode(first));
      await hold;
      for (const chunk of rest) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

export function problem(
  status: number,
  code: string,
  detail: string,
  extra: Record<string, unknown> = {},
): Reply {
  return {
    status,
    contentType: 'application/problem+json',
    body: { type: `urn:custodia:problem:${code}`, title: 'Refused', status, code, detail, ...extra },
  };
}

export interface FakeNetwork {
  readonly fetch: typeof fetch;
  readonly calls: Call[];
  /** Calls to `METHOD /path`. */
  callsTo(route: string): Call[];
  /** Replaces or adds routes (e.g. the next answer of a route). */
  set(routes: Routes): void;
}

export function fakeNetwork(initial: Routes): FakeNetwork {
  const routes: Routes = { ...initial };
  const calls: Call[] = [];
  const fetchStub = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input), 'http://portal.test');
    const path = url.pathname.startsWith(PREFIX) ? url.pathname.slice(PREFIX.length) : url.pathname;
    const method = (init.method ?? 'GET').toUpperCase();
    const headers = { ...(init.headers as Record<string, string> | undefined) };
    const raw = init.body;
    const body = typeof raw === 'string' ? (JSON.parse(raw) as unknown) : raw;
    const call: Call = { method, path, query: url.searchParams, headers, body };
    calls.push(call);
    const route = routes[`${method} ${path}`];
    const reply: Reply =
      route === undefined
        ? problem(404, 'NOT_FOUND', `no stub for ${method} ${path}`)
        : typeof route === 'function'
          ? await route(call)
          : route;
    const status = reply.status ?? 200;
    const payload =
      reply.body === undefined
        ? ''
        : typeof reply.body === 'string'
          ? reply.body
          : JSON.stringify(reply.body);
    const contentType =
      reply.contentType ?? (typeof reply.body === 'string' ? 'text/plain' : 'application/json');
    return new FakeResponse(status, payload, contentType, reply.chunks, reply.hold) as unknown as Response;
  };
  return {
    fetch: fetchStub as typeof fetch,
    calls,
    callsTo: (route) => calls.filter((c) => `${c.method} ${c.path}` === route),
    set: (more) => Object.assign(routes, more),
  };
}
