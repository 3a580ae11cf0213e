/**
 * The whole platform (embedded network, data lake, gateway) in a child process of a benchmark, so that the load
 * and the platform do not share an event loop: the benchmark's own file forked with `--serve`, a temp data dir,
 * ephemeral ports, the demo seeded. The child answers 'stats' with its memory and descriptors and stops on 'stop'
 * (or when the parent goes away).
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { subscribe } from 'node:diagnostics_channel';
import { readdirSync, readFileSync, stat } from 'node:fs';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { constants, createHistogram, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import type { NodeGCPerformanceDetail } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import pino from 'pino';
import type { DemoLogin } from '@custodia/gateway';
import { ApiError } from '../../gateway/src/cli/api-client';

// fabric-contract-api logs every contract annotation at info when loaded: set before the platform is loaded
// (lazily, below), in the parent and so in the child.
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'warning';

const DATA_DIR_VARIABLE = 'CUSTODIA_BENCH_DIR';
/** Set to '1' when the parent asked for `ChildStats.stalls` (startPlatformChild's `trace`). */
const TRACE_VARIABLE = 'CUSTODIA_BENCH_TRACE';

export interface Ready {
  readonly url: string;
  readonly demo: readonly DemoLogin[];
}

export interface ChildStats {
  readonly rss: number;
  readonly heapUsed: number;
  /**
   * The heap in use just after the latest full (mark-compact) GC: what is live, without the garbage `heapUsed`
   * still counts between collections (±10 MB at this load, one full GC every few seconds).
   */
  readonly heapAfterMajorGc: number;
  /** Buffers and other memory V8 does not manage (part of RSS, not of the heap). */
  readonly external: number;
  readonly arrayBuffers: number;
  /**
   * RSS split as the kernel counts it: anonymous memory (heap, buffers, native allocations — a leak shows here)
   * and file pages mapped by the process (LevelDB maps its table files: they grow with the state, and the kernel
   * can drop them under pressure).
   */
  readonly rssAnon: number;
  readonly rssFile: number;
  readonly descriptors: number;
  /**
   * The platform's event-loop delay since the previous stats (ms, 10 ms sampling): a stall here delays every
   * request in flight, whatever its route, so a tail latency shared by all routes shows up here first.
   */
  readonly loopDelayP99: number;
  readonly loopDelayMax: number;
  /**
   * How long a trivial file-system call (a `stat` of the data dir, every 100 ms) took since the previous stats (ms):
   * it runs on libuv's thread pool, which the embedded S3 server's files and LevelDB's reads and writes share, so a
   * request waiting on queued I/O — with an idle event loop — shows up here. It includes the loop delay of its
   * callback.
   */
  readonly ioProbeP99: number;
  readonly ioProbeMax: number;
  /** The longest garbage-collection pause since the previous stats, and all of them added up (ms). */
  readonly gcPauseMax: number;
  readonly gcPauseTotal: number;
  /** The longest fsync or fdatasync of a file (the ledger makes each block durable so) since the previous stats (ms). */
  readonly fsyncMax: number;
  /**
   * Since the previous stats, each I/O probe, GC pause and fsync over `STALL_MS` and each HTTP exchange over
   * `SLOW_HTTP_MS`: when (epoch ms) and how long. Only when the child was started with `trace` (the HTTP timing
   * costs every request something, and a benchmark that never reads stats would keep every entry): else empty.
   */
  readonly stalls: readonly Stall[];
}

export interface Stall {
  readonly kind: 'io' | 'gc' | 'fsync' | 'http';
  /** For 'http': which server or client, the method and the path's shape (ids elided). */
  readonly label?: string;
  readonly at: number;
  readonly ms: number;
}

/** An I/O probe, GC pause or fsync this long is listed in `ChildStats.stalls`. */
const STALL_MS = 20;
/** An HTTP exchange inside the platform (served by it, or sent by it to its lake or S3) this long is listed. */
const SLOW_HTTP_MS = 60;

/** A request's path with anything that is not a plain word (ids, keys) elided. */
function pathShape(url: string | undefined): string {
  const path = (url ?? '').split('?')[0] ?? '';
  return path
    .split('/')
    .map((segment) => (segment === '' || /^[a-z][a-z-]*$/.test(segment) ? segment : ':id'))
    .join('/');
}

/** How often the I/O probe stats the data dir. */
const IO_PROBE_INTERVAL_MS = 100;

/** A `kB` field of /proc/self/status, in bytes. */
function statusBytes(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match === null ? NaN : Number(match[1]) * 1024;
}

/** The child's side: the platform, with `env` added to the environment, until the parent says stop. */
export async function servePlatform(env: Readonly<Record<string, string>>): Promise<void> {
  const dataDir = process.env[DATA_DIR_VARIABLE];
  if (dataDir === undefined) throw new Error(`${DATA_DIR_VARIABLE} is not set`);
  const { startPlatform } = await import('@custodia/gateway');
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const ioProbe = createHistogram();
  const trace = process.env[TRACE_VARIABLE] === '1';
  let stalls: Stall[] = [];
  const stalled = (stall: Stall): void => {
    if (trace) stalls.push(stall);
  };
  setInterval(() => {
    const at = Date.now();
    const start = process.hrtime.bigint();
    stat(dataDir, () => {
      const elapsed = process.hrtime.bigint() - start;
      ioProbe.record(elapsed);
      const ms = Number(elapsed) / 1e6;
      if (ms >= STALL_MS) stalled({ kind: 'io', at, ms });
    });
  }, IO_PROBE_INTERVAL_MS).unref();
  // Every HTTP exchange of the platform timed, served (gateway, lake, S3 server) or sent (to the lake, to S3), from
  // node's own diagnostics channels.
  const started = new WeakMap<object, { readonly at: number; readonly start: number }>();
  const begin = ({ request }: { request: object }): void => {
    started.set(request, { at: Date.now(), start: performance.now() });
  };
  const finish = (label: string, request: object): void => {
    const start = started.get(request);
    if (start === undefined) return;
    const ms = performance.now() - start.start;
    if (ms >= SLOW_HTTP_MS) stalled({ kind: 'http', at: start.at, ms, label });
  };
  if (trace) {
    subscribe('http.server.request.start', (message) => begin(message as { request: object }));
    subscribe('http.server.response.finish', (message) => {
      const { request } = message as { request: IncomingMessage };
      finish(
        `served :${request.socket.localPort ?? '?'} ${request.method ?? ''} ${pathShape(request.url)}`,
        request,
      );
    });
    subscribe('http.client.request.start', (message) => begin(message as { request: object }));
    subscribe('http.client.response.finish', (message) => {
      const { request } = message as { request: ClientRequest };
      finish(
        `sent to ${request.host}:${request.socket?.remotePort ?? '?'} ${request.method} ${pathShape(request.path)}`,
        request,
      );
    });
  }
  // Every fsync of the platform timed: FileHandle's own methods wrapped (the class is not exported: reached through
  // a handle), before the platform opens any file.
  let fsyncMax = 0;
  const probeHandle = await open(dataDir, 'r');
  const handles = Object.getPrototypeOf(probeHandle) as Pick<FileHandle, 'sync' | 'datasync'>;
  await probeHandle.close();
  for (const method of ['sync', 'datasync'] as const) {
    const original = handles[method];
    handles[method] = async function timed(this: FileHandle): Promise<void> {
      const at = Date.now();
      const start = performance.now();
      try {
        await original.call(this);
      } finally {
        const ms = performance.now() - start;
        fsyncMax = Math.max(fsyncMax, ms);
        if (ms >= STALL_MS) stalled({ kind: 'fsync', at, ms });
      }
    };
  }
  let heapAfterMajorGc = NaN;
  let gcPauseMax = 0;
  let gcPauseTotal = 0;
  // Read when the observer is told, a moment after the collection: a little new garbage may be counted.
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcPauseMax = Math.max(gcPauseMax, entry.duration);
      gcPauseTotal += entry.duration;
      if (entry.duration >= STALL_MS)
        stalled({ kind: 'gc', at: performance.timeOrigin + entry.startTime, ms: entry.duration });
    }
    const major = list.getEntries().some(
      // A gc entry carries its kind in `detail` (@types/node types it on marks and measures only).
      (entry) =>
        (entry as { readonly detail?: NodeGCPerformanceDetail }).detail?.kind ===
        constants.NODE_PERFORMANCE_GC_MAJOR,
    );
    if (major) heapAfterMajorGc = getHeapStatistics().used_heap_size;
  }).observe({ entryTypes: ['gc'] });
  const platform = await startPlatform({
    dataDir,
    ephemeralPorts: true,
    seed: true,
    logger: pino({ level: 'warn' }),
    env: {
      ...process.env,
      // The load comes from one address: per-IP limits would measure the limiter, not the platform.
      CUSTODIA_API_RATE_LIMIT: '100000000',
      CUSTODIA_AUTH_RATE_LIMIT: '100000',
      ...env,
    },
  });
  const stop = (): void => {
    platform.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('message', (message) => {
    if (message === 'stop') stop();
    if (message === 'stats') {
      const memory = process.memoryUsage();
      const status = readFileSync('/proc/self/status', 'utf8');
      process.send?.({
        rss: memory.rss,
        heapUsed: memory.heapUsed,
        heapAfterMajorGc,
        external: memory.external,
        arrayBuffers: memory.arrayBuffers,
        rssAnon: statusBytes(status, 'RssAnon'),
        rssFile: statusBytes(status, 'RssFile'),
        descriptors: readdirSync('/proc/self/fd').length,
        // The histogram counts in nanoseconds.
        loopDelayP99: loopDelay.percentile(99) / 1e6,
        loopDelayMax: loopDelay.max / 1e6,
        ioProbeP99: ioProbe.percentile(99) / 1e6,
        ioProbeMax: ioProbe.max / 1e6,
        gcPauseMax,
        gcPauseTotal,
        fsyncMax,
        stalls,
      } satisfies ChildStats);
      stalls = [];
      loopDelay.reset();
      ioProbe.reset();
      gcPauseMax = 0;
      gcPauseTotal = 0;
      fsyncMax = 0;
    }
  });
  process.on('disconnect', stop);
  process.send?.({ url: platform.url, demo: platform.demo } satisfies Ready);
}

export interface PlatformChild {
  readonly child: ChildProcess;
  readonly ready: Ready;
  stats(): Promise<ChildStats>;
  stop(): Promise<void>;
}

/**
 * The parent's side: forks `file` (the benchmark itself) with `--serve` and waits until the platform is up. With
 * `trace`, its stats list the platform's stalls and slow HTTP exchanges (`ChildStats.stalls`).
 */
export function startPlatformChild(
  file: string,
  dataDir: string,
  options: { readonly trace?: boolean } = {},
): Promise<PlatformChild> {
  const child = fork(file, ['--serve'], {
    execArgv: process.execArgv,
    env: {
      ...process.env,
      [DATA_DIR_VARIABLE]: dataDir,
      ...(options.trace === true ? { [TRACE_VARIABLE]: '1' } : {}),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const stats = (): Promise<ChildStats> =>
    new Promise((resolve) => {
      child.once('message', (message) => resolve(message as ChildStats));
      child.send('stats');
    });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.send('stop');
    await exited;
  };
  return new Promise((resolve, reject) => {
    child.once('message', (ready) => resolve({ child, ready: ready as Ready, stats, stop }));
    child.once('exit', (code) => reject(new Error(`the platform exited (${code}) before it was ready`)));
  });
}

/** Runs the child when the benchmark was forked with `--serve`, else the benchmark; a failure exits 1. */
export function runBenchmark(name: string, serve: () => Promise<void>, bench: () => Promise<void>): void {
  const serving = process.argv.includes('--serve');
  (serving ? serve() : bench()).catch((error: unknown) => {
    const described = error instanceof ApiError ? `${error.code} ${error.message}` : String(error);
    process.stderr.write(`${name} ${serving ? 'platform ' : ''}failed: ${described}\n`);
    process.exit(1);
  });
}

export function demoLogin(ready: Ready, username: string): DemoLogin {
  const login = ready.demo.find((entry) => entry.username === username);
  if (login === undefined) throw new Error(`no demo user ${username}`);
  return login;
}
