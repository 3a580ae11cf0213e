/**
 * The whole platform (embedded network, data lake, gateway) in a child process of a benchmark, so that the load
 * and the platform do not share an event loop: the benchmark's own file forked with `--serve`, a temp data dir,
 * ephemeral ports, the demo seeded. The child answers 'stats' with its memory and descriptors and stops on 'stop'
 * (or when the parent goes away).
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import type { NodeGCPerformanceDetail } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import pino from 'pino';
import type { DemoLogin } from '@custodia/gateway';
import { ApiError } from '../../gateway/src/cli/api-client';

// fabric-contract-api logs every contract annotation at info when loaded: set before the platform is loaded
// (lazily, below), in the parent and so in the child.
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'warning';

const DATA_DIR_VARIABLE = 'CUSTODIA_BENCH_DIR';

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
}

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
  let heapAfterMajorGc = NaN;
  // Read when the observer is told, a moment after the collection: a little new garbage may be counted.
  new PerformanceObserver((list) => {
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
      } satisfies ChildStats);
      loopDelay.reset();
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

/** The parent's side: forks `file` (the benchmark itself) with `--serve` and waits until the platform is up. */
export function startPlatformChild(file: string, dataDir: string): Promise<PlatformChild> {
  const child = fork(file, ['--serve'], {
    execArgv: process.execArgv,
    env: { ...process.env, [DATA_DIR_VARIABLE]: dataDir },
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
