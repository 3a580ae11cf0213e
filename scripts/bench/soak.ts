/**
 * Soak benchmark: a long day under load, compressed. The whole platform (embedded network, data lake, gateway) runs
 * in a child process started from this file with `--serve`; this process drives a mixed, open-loop load over HTTP
 * at about `--rate` requests/s — patients (rules, previews, their access log), clinicians (access requests, the
 * released record, grants), a centre (FHIR uploads, its upload history), an auditor (access log, block explorer),
 * a load balancer (/readyz) — for `--minutes`. Before it, the consumer zone is filled with more than `--grants`
 * live temporary records (each a committed grant, assembled), and from the start of that filling a patient keeps
 * short-lived rules whose grants expire — so the sweeper is already deleting records at its steady pace when the
 * measured load begins, and keeps deleting while it runs.
 *
 * Every minute it prints the platform process's RSS, V8 heap (and what was live after the latest full GC), open
 * descriptors, the disk its data uses, its event-loop delay, the delay of a file-system call on libuv's pool (which
 * its S3 files and LevelDB share), its longest and total GC pauses, its longest fsync, 5xx so far, expired records
 * still on disk past one sweep interval, and p50/p99 per route — and, to show the figures are the platform's, the load driver's own longest
 * event-loop delay that minute and how long reading the disk figures took (beside the load: see `diskBytes`). At
 * the end: the slopes of RSS, heap, descriptors and disk after warm-up (per minute; least squares and Theil–Sen),
 * each route's last-3-minute p99 against its first 3 minutes, the auditors' replay of the whole chain, and the
 * expiry check (every expired record deleted within one sweep interval). Figures only: nothing is asserted (targets: 0 × 5xx, flat RSS and descriptors, p99 within
 * 1.5×, no record kept past its sweep).
 *
 * With `--trace-slow`, it also lists in time order each request slower than 1.5× its route's first-window p99,
 * beside what the platform did around it (from a second before to a second after): slow file-system probes, GC
 * pauses and fsyncs, and its HTTP exchanges over 60 ms — served by the gateway or the lake, or sent to the lake or
 * S3 — to tell what a window's tail was made of.
 *
 *   npm run bench:soak -- [--minutes 15] [--rate 16] [--grants 5200] [--warmup 3] [--trace-slow]
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ReplayReport } from '../../gateway/src/audit/report';
import { ApiClient, ApiError } from '../../gateway/src/cli/api-client';
import { NDJSON, progressResult } from '../../gateway/src/cli/progress-stream';
import { pooled, rank } from './figures';
import { demoLogin, runBenchmark, servePlatform, startPlatformChild } from './platform-child';
import type { Stall } from './platform-child';

const SWEEP_INTERVAL_MS = 60_000;
const ORG = 'HospitalDEMSP';
const PASSWORD = 'soak-user-password';
const LONG_CATEGORIES = ['allergies', 'medications', 'problems'];
/** The seeded live records: one category each, so seeding thousands stays quick. */
const SEED_CATEGORIES = ['allergies'];
/** Released only by short-lived rules: their grants expire during the soak. */
const SHORT_CATEGORY = 'immunizations';
const SHORT_RULE_MINUTES = 3;
/** The issue compares each route's p99 over the first and the last this many minutes. */
const WINDOW_MINUTES = 3;

interface Options {
  readonly minutes: number;
  readonly rate: number;
  readonly grants: number;
  readonly warmup: number;
  /** List, in time order, the requests over 1.5× their route's first-window p99 and the platform's stalls. */
  readonly traceSlow: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const value = (name: string, fallback: number): number => {
    const index = argv.indexOf(`--${name}`);
    const parsed = index >= 0 ? Number(argv[index + 1]) : fallback;
    if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`--${name} takes a non-negative number`);
    return parsed;
  };
  return {
    minutes: value('minutes', 15),
    rate: value('rate', 16),
    grants: value('grants', 5_200),
    warmup: value('warmup', 3),
    traceSlow: argv.includes('--trace-slow'),
  };
}

/** `null` for a file or directory that is gone (the sweeper removes records while the soak looks). */
function absent(error: unknown): null {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
  throw error;
}

/**
 * Bytes the data directory takes, by `du` in a process of its own. What the soak reads of the platform's files while
 * the load runs must not cost the load driver's event loop nor many CPU-seconds: a walk of the tens of thousands of
 * files a soak leaves held the driver ~1.4 s a minute when synchronous (every request in flight was timed that much
 * slower, and the schedule's catch-up burst after it made each route's p99), and ran 5–7 s a minute beside the load
 * when asynchronous, busy in the driver's process — growing with the files, so the last minutes were measured on a
 * busier machine than the first. `du` reads them in a fraction of a second; expired records are looked for one by one (`recordOnDisk`).
 */
async function diskBytes(dir: string): Promise<number> {
  // Files removed while du walks make it warn and exit 1; its total is still printed.
  const output = await promisify(execFile)('du', ['--summarize', '--bytes', dir]).then(
    ({ stdout }) => stdout,
    (error: { readonly stdout?: string }) => error.stdout ?? '',
  );
  return Number(/^(\d+)/.exec(output)?.[1] ?? NaN);
}

/** The buckets' `grants/` directories in the embedded S3 server's files (`<s3Dir>/<bucket>/grants/`). */
async function grantDirectories(s3Dir: string): Promise<string[]> {
  const buckets = (await readdir(s3Dir, { withFileTypes: true }).catch(absent)) ?? [];
  const found = await Promise.all(
    buckets
      .filter((bucket) => bucket.isDirectory())
      .map(async (bucket) => {
        const grants = path.join(s3Dir, bucket.name, 'grants');
        return (await stat(grants).catch(absent))?.isDirectory() === true ? grants : null;
      }),
  );
  return found.filter((dir) => dir !== null);
}

/** Whether a grant still has a temporary record on disk (`…/grants/<grantId>/record…`, in any bucket). */
async function recordOnDisk(grantDirs: readonly string[], grantId: string): Promise<boolean> {
  for (const dir of grantDirs) {
    const names = (await readdir(path.join(dir, grantId)).catch(absent)) ?? [];
    if (names.some((name) => name.startsWith('record'))) return true;
  }
  return false;
}

/** Every grant with a temporary record on disk (thousands of directories: read once the load has stopped). */
async function grantsWithRecord(s3Dir: string): Promise<Set<string>> {
  const found = new Set<string>();
  for (const dir of await grantDirectories(s3Dir))
    for (const grantId of (await readdir(dir).catch(absent)) ?? [])
      if (await recordOnDisk([dir], grantId)) found.add(grantId);
  return found;
}

/** Least-squares slope of `values` per step. */
function slope(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return NaN;
  const meanX = (n - 1) / 2;
  const meanY = values.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  values.forEach((y, x) => {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  });
  return num / den;
}

/**
 * Theil–Sen slope of `values` per step: the median of the slopes between every pair of samples. Beside the
 * least-squares slope because one transient spike (a compaction's mapped files, say) moves that one a lot and this
 * one hardly: flat memory with a spike reads flat here, steady growth reads as growth in both.
 */
function medianSlope(values: readonly number[]): number {
  const slopes: number[] = [];
  values.forEach((a, i) => values.slice(i + 1).forEach((b, k) => slopes.push((b - a) / (k + 1))));
  slopes.sort((x, y) => x - y);
  const mid = slopes.length / 2;
  return slopes.length === 0
    ? NaN
    : slopes.length % 2 === 1
      ? (slopes[Math.floor(mid)] as number)
      : ((slopes[mid - 1] as number) + (slopes[mid] as number)) / 2;
}

const MB = 1024 * 1024;
const STALL_NAMES: Readonly<Record<Stall['kind'], string>> = {
  io: 'I/O probe',
  gc: 'GC pause',
  fsync: 'fsync',
  http: 'HTTP',
};

/** Random draws of two windows for the chance of a first → last difference (see windowsByChance). */
const CHANCE_DRAWS = 2_000;

/**
 * Draws CHANCE_DRAWS pairs of disjoint windows of WINDOW_MINUTES whole minutes from `minutes` (seeded, so a run's
 * figures can be read again) and gives each route's ratio of the second window's p99 to the first's, sorted, and the
 * share of draws in which at least one route's ratio is over 1.5. Undefined with fewer than two windows of minutes.
 */
function windowsByChance(
  minutes: readonly (readonly Sample[])[],
  routes: readonly string[],
  p99: (window: readonly (readonly Sample[])[], route: string) => number,
): { ratios: Map<string, number[]>; anyOver: number } | undefined {
  if (minutes.length < 2 * WINDOW_MINUTES) return undefined;
  let seed = 0x2545f491;
  const random = (): number => {
    // xorshift32: reproducible, and good enough to shuffle fifteen minutes.
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
  const ratios = new Map(routes.map((route) => [route, [] as number[]]));
  let anyOver = 0;
  for (let draw = 0; draw < CHANCE_DRAWS; draw += 1) {
    const order = minutes.map((_, index) => index);
    for (let i = order.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    const first = order.slice(0, WINDOW_MINUTES).map((index) => minutes[index]);
    const second = order.slice(WINDOW_MINUTES, 2 * WINDOW_MINUTES).map((index) => minutes[index]);
    let over = false;
    for (const route of routes) {
      const ratio = p99(second, route) / p99(first, route);
      if (!Number.isFinite(ratio)) continue;
      ratios.get(route)?.push(ratio);
      if (ratio > 1.5) over = true;
    }
    if (over) anyOver += 1;
  }
  for (const values of ratios.values()) values.sort((a, b) => a - b);
  return { ratios, anyOver: anyOver / CHANCE_DRAWS };
}

/** The share of `sorted` values at or above `value`, as a percentage. */
function percentOf(sorted: readonly number[], value: number): string {
  const at = sorted.filter((ratio) => ratio >= value).length;
  return `${((at / Math.max(1, sorted.length)) * 100).toFixed(0)} %`;
}

interface Sample {
  readonly route: string;
  /** When the request started (epoch ms). */
  readonly at: number;
  readonly ms: number;
}

/** The innermost code or message under an error that got no HTTP answer. */
function transportCause(error: unknown): string {
  let at: unknown = error;
  let found = 'unknown';
  for (let depth = 0; depth < 5 && at instanceof Error; depth += 1) {
    const code = (at as NodeJS.ErrnoException).code;
    found = typeof code === 'string' ? code : at.message;
    at = at.cause;
  }
  return found;
}

/** What the load records: latencies per minute and route, and failures by status and code. */
class Recorder {
  readonly minutes: Sample[][] = [[]];
  readonly failures = new Map<string, number>();
  serverErrors = 0;
  shed = 0;

  async time<T>(route: string, call: () => Promise<T>): Promise<T | undefined> {
    const at = Date.now();
    const start = performance.now();
    try {
      const value = await call();
      this.minutes.at(-1)?.push({ route, at, ms: performance.now() - start });
      return value;
    } catch (error) {
      const status = error instanceof ApiError ? error.status : 0;
      const code = error instanceof ApiError ? error.code : 'NETWORK';
      if (status >= 500 || status === 0) this.serverErrors += 1;
      // No answer at all: say why (fetch's cause — a reset, a closed keep-alive socket, a timeout).
      const why = status === 0 ? ` (${transportCause(error)})` : '';
      const key = `${route} ${status} ${code}${why}`;
      this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
      return undefined;
    }
  }
}

/** A task of the mixed load: `run` started `perSecond` times a second, at most `width` at once (more are shed). */
interface Task {
  readonly name: string;
  readonly perSecond: number;
  readonly width: number;
  run(): Promise<unknown>;
}

/** Runs `tasks` until `ended` says a start at that time (epoch ms) would be one too many. */
async function drive(
  tasks: readonly Task[],
  recorder: Recorder,
  ended: (at: number) => boolean,
): Promise<void> {
  await Promise.all(
    tasks.map(async (task) => {
      const inFlight = new Set<Promise<unknown>>();
      let next = performance.now();
      for (;;) {
        // Open loop: starts are scheduled, not waited for, so a slow platform shows as latency, not as less load.
        next += (1000 / task.perSecond) * (0.5 + Math.random());
        const wait = next - performance.now();
        if (ended(Date.now() + Math.max(0, wait))) break;
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        if (inFlight.size >= task.width) {
          recorder.shed += 1;
          continue;
        }
        const running = task.run().finally(() => inFlight.delete(running));
        inFlight.add(running);
      }
      await Promise.all(inFlight);
    }),
  );
}

async function bench(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const dataDir = mkdtempSync(path.join(tmpdir(), 'custodia-bench-soak-'));
  const setup = performance.now();
  const platform = await startPlatformChild(__filename, dataDir, { trace: options.traceSlow });
  const { ready } = platform;
  const { totpCode } = await import('@custodia/gateway');
  const out = (line: string): boolean => process.stdout.write(`${line}\n`);
  try {
    const client = (): ApiClient => new ApiClient({ baseUrl: ready.url });
    // The seed confirmed the admin's and auditor's TOTP in the current step: the next step's code is unused.
    const signIn = async (username: string, password?: string): Promise<ApiClient> => {
      const login = demoLogin(ready, username);
      const signed = client();
      await signed.login({
        username,
        password: password ?? login.password,
        ...(login.totpSecret === undefined ? {} : { totp: totpCode(login.totpSecret, Date.now() + 30_000) }),
      });
      return signed;
    };
    const admin = await signIn('admin');
    const auditor = await signIn('auditor');
    const anna = await signIn('anna');
    const marco = await signIn('marco');
    const centre = await signIn('centre.berlin');
    const annaId = demoLogin(ready, 'anna').ledgerId;
    const marcoId = demoLogin(ready, 'marco').ledgerId;
    const clinicianNames = Array.from({ length: 8 }, (_, index) => `soak.clin.${index + 1}`);
    await pooled(clinicianNames.length, 4, async (index) => {
      await admin.json('POST', '/admin/users', {
        json: {
          username: clinicianNames[index],
          password: PASSWORD,
          displayName: `Soak clinician ${index + 1}`,
          role: 'clinician',
          mspId: ORG,
          country: 'DE',
          ledgerId: `soak-clin-${index + 1}`,
        },
      });
    });
    const clinicians: ApiClient[] = [];
    for (const username of clinicianNames) {
      const signed = client();
      await signed.login({ username, password: PASSWORD });
      clinicians.push(signed);
    }
    const permit = (categories: string[], notAfter?: Date): unknown => ({
      effect: 'permit',
      grantee: { kind: 'role', role: 'clinician' },
      categories,
      labels: [],
      purposes: ['TREAT'],
      ...(notAfter === undefined ? {} : { notAfter: notAfter.toISOString() }),
    });
    await anna.json('POST', `/patients/${annaId}/rules`, { json: permit(LONG_CATEGORIES) });
    const shortRule = (): Promise<unknown> =>
      anna.json('POST', `/patients/${annaId}/rules`, {
        json: permit([SHORT_CATEGORY], new Date(Date.now() + SHORT_RULE_MINUTES * 60_000)),
      });
    await shortRule();

    let turn = 0;
    const nextClinician = (): ApiClient => {
      turn = (turn + 1) % clinicians.length;
      return clinicians[turn] as ApiClient;
    };
    const grant = (categories: string[]) => (by: ApiClient) =>
      by.json<{ grantId?: string; expiresAt?: string }>('POST', '/access-requests', {
        json: { patientId: annaId, categories, purpose: 'TREAT' },
      });
    const record = async (by: ApiClient, grantId: string): Promise<number> => {
      const response = await by.call('GET', `/grants/${grantId}/record`);
      return (await response.arrayBuffer()).byteLength;
    };

    /** The rate as a multiple of the mix's 16 requests/s. */
    const r = options.rate / 16;
    /** Short-lived grants with a record, and when each expires. */
    const expiring = new Map<string, number>();
    /** The patient's short-lived rules and the clinicians' grants under them, which expire while the load runs. */
    const expiringTasks = (recorder: Recorder): Task[] => [
      {
        name: 'clinician short grant + record',
        perSecond: 1 * r,
        width: 8,
        run: async () => {
          const by = nextClinician();
          const answer = await recorder.time('POST /access-requests', () => grant([SHORT_CATEGORY])(by));
          const { grantId, expiresAt } = answer ?? {};
          if (grantId === undefined || expiresAt === undefined) return;
          const bytes = await recorder.time('GET /grants/:id/record', () => record(by, grantId));
          if (bytes !== undefined) expiring.set(grantId, Date.parse(expiresAt));
        },
      },
    ];
    // Expiry in its steady state before the first measured minute: short-lived grants are made from the start of
    // the seeding, so that when the measured load begins, grants made a rule's lifetime earlier are expiring and the
    // sweeper deletes about as many records a minute as it will at the end. (Started with the load, the first three
    // minutes measured a platform that deleted nothing and the last three one deleting ~60 records a minute.)
    const priming = new Recorder();
    let seedingDone = false;
    const primedAt = Date.now() + SHORT_RULE_MINUTES * 60_000 + SWEEP_INTERVAL_MS;
    const primingExpiry = drive(expiringTasks(priming), priming, (at) => seedingDone && at >= primedAt);

    // Live temporary records: committed grants, each assembled into the consumer zone (24 h expiry).
    const seeding = performance.now();
    let seeded = 0;
    await pooled(options.grants, 8, async () => {
      const by = nextClinician();
      const answer = await grant(SEED_CATEGORIES)(by);
      if (answer.grantId === undefined) throw new Error('a seeding request was not granted');
      await record(by, answer.grantId);
      seeded += 1;
      if (seeded % 500 === 0)
        out(
          `  seeded ${seeded} live records (${(seeded / ((performance.now() - seeding) / 1000)).toFixed(1)}/s)`,
        );
    });
    seedingDone = true;
    await primingExpiry;
    const primingFailures = [...priming.failures].map(([key, count]) => `${key} ×${count}`);
    out(
      `platform at ${ready.url}; setup (users, rules, ${seeded} live temporary records, ${expiring.size} ` +
        `short-lived ones${primingFailures.length === 0 ? '' : `; failures: ${primingFailures.join(', ')}`}) in ` +
        `${((performance.now() - setup) / 1000).toFixed(0)} s; machine: ${cpus().length} cores, load ` +
        `${loadavg()
          .map((load) => load.toFixed(1))
          .join(' ')}`,
    );

    const recorder = new Recorder();
    let uploads = 0;
    let blockHeight = 1;
    const tasks: Task[] = [
      ...expiringTasks(recorder),
      {
        name: 'patient reads',
        perSecond: 2 * r,
        width: 8,
        run: () =>
          Math.random() < 0.5
            ? recorder.time('GET /patients/:id/rules', () =>
                anna.json('GET', `/patients/${annaId}/rules`, { query: { pageSize: 50 } }),
              )
            : recorder.time('GET /patients/:id/access-log', () =>
                anna.json('GET', `/patients/${annaId}/access-log`, { query: { pageSize: 50 } }),
              ),
      },
      {
        name: 'patient preview',
        perSecond: 0.5 * r,
        width: 4,
        run: () =>
          recorder.time('POST /patients/:id/preview', () =>
            anna.json('POST', `/patients/${annaId}/preview`, {
              json: {
                // The requester's country is its organisation's (on-chain registry), never part of the question.
                requester: { mspId: ORG, id: 'soak-clin-1', role: 'clinician' },
                categories: LONG_CATEGORIES,
                purpose: 'TREAT',
              },
            }),
          ),
      },
      {
        name: 'patient rule changes',
        perSecond: 0.5 * r,
        width: 4,
        run: async () => {
          const created = await recorder.time('POST /patients/:id/rules', () =>
            marco.json<{ ruleId: string }>('POST', `/patients/${marcoId}/rules`, {
              json: permit(['vital-signs']),
            }),
          );
          if (created !== undefined)
            await recorder.time('DELETE /patients/:id/rules/:ruleId', () =>
              marco.json('DELETE', `/patients/${marcoId}/rules/${created.ruleId}`),
            );
        },
      },
      {
        name: 'short-lived rules',
        perSecond: 1 / 90,
        width: 1,
        run: () => recorder.time('POST /patients/:id/rules', shortRule),
      },
      {
        name: 'clinician grant + record',
        perSecond: 2 * r,
        width: 12,
        run: async () => {
          const by = nextClinician();
          const answer = await recorder.time('POST /access-requests', () => grant(LONG_CATEGORIES)(by));
          if (answer?.grantId !== undefined)
            await recorder.time('GET /grants/:id/record', () => record(by, answer.grantId as string));
        },
      },
      {
        name: 'clinician grant reads',
        perSecond: 1 * r,
        width: 4,
        run: async () => {
          const by = nextClinician();
          const answer = await recorder.time('POST /access-requests', () => grant(LONG_CATEGORIES)(by));
          if (answer?.grantId !== undefined)
            await recorder.time('GET /grants/:id', () =>
              by.json('GET', `/grants/${answer.grantId as string}`),
            );
        },
      },
      {
        name: 'centre uploads',
        perSecond: 1 * r,
        width: 4,
        run: () => {
          uploads += 1;
          const observation = {
            resourceType: 'Observation',
            status: 'final',
            category: [
              {
                coding: [
                  {
                    system: 'http://terminology.hl7.org/CodeSystem/observation-category',
                    code: 'vital-signs',
                  },
                ],
              },
            ],
            code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
            subject: { reference: `Patient/${annaId}` },
            effectiveDateTime: new Date().toISOString(),
            valueQuantity: {
              value: 50 + (uploads % 70),
              unit: '/min',
              system: 'http://unitsofmeasure.org',
              code: '/min',
            },
          };
          return recorder.time('POST /patients/:id/records', () =>
            centre.json('POST', `/patients/${annaId}/records`, {
              query: { sourceId: `soak-${uploads}` },
              body: Buffer.from(JSON.stringify(observation)),
              contentType: 'application/fhir+json',
            }),
          );
        },
      },
      {
        name: 'centre history',
        perSecond: 0.5 * r,
        width: 2,
        run: () =>
          recorder.time('GET /uploads', () => centre.json('GET', '/uploads', { query: { pageSize: 50 } })),
      },
      {
        name: 'auditor',
        perSecond: 2 * r,
        width: 6,
        run: async () => {
          const pick = Math.random();
          if (pick < 0.4)
            return recorder.time('GET /audit/access-log', () =>
              auditor.json('GET', '/audit/access-log', {
                query: { patientId: annaId, pageSize: 50 },
              }),
            );
          if (pick < 0.7) {
            const page = await recorder.time('GET /audit/blocks', () =>
              auditor.json<{ height?: number }>('GET', '/audit/blocks', { query: { limit: 20 } }),
            );
            if (typeof page?.height === 'number') blockHeight = page.height;
            return page;
          }
          return recorder.time('GET /audit/blocks/:n', () =>
            auditor.json('GET', `/audit/blocks/${Math.floor(Math.random() * blockHeight)}`),
          );
        },
      },
      {
        name: 'load balancer',
        perSecond: 1 * r,
        width: 2,
        run: () =>
          recorder.time('GET /readyz', async () => {
            const response = await fetch(`${ready.url}/readyz`);
            if (response.status !== 200)
              throw new ApiError('NOT_READY', response.status, 'the instance reported not ready');
            return response.status;
          }),
      },
    ];

    const s3Dir = path.join(dataDir, 's3');
    /** Short-lived grants whose record was seen deleted: not looked for again (the end check reads them all). */
    const deleted = new Set<string>();
    /** Short-lived grants expired more than one sweep interval before `now` and still on disk. */
    const overdue = async (now: number): Promise<number> => {
      const dirs = await grantDirectories(s3Dir);
      let count = 0;
      for (const [grantId, expiresAt] of expiring) {
        if (expiresAt + SWEEP_INTERVAL_MS >= now || deleted.has(grantId)) continue;
        if (await recordOnDisk(dirs, grantId)) count += 1;
        else deleted.add(grantId);
      }
      return count;
    };

    const perMinute: {
      rss: number;
      heap: number;
      live: number;
      external: number;
      rssAnon: number;
      rssFile: number;
      descriptors: number;
      disk: number;
      loopP99: number;
      loopMax: number;
      p99: Map<string, number>;
    }[] = [];
    const stalls: Stall[] = [];
    out(
      `\nsoak: ${options.minutes} min at ~${options.rate} requests/s (open loop), sweep every ` +
        `${SWEEP_INTERVAL_MS / 1000} s\n` +
        'min  RSS MB  anon MB  file MB  heap MB  live MB  ext MB  fds  disk MB  loop p99/max ms  io p99/max ms  ' +
        'gc max/sum ms  fsync ms  driver ms    du s  ' +
        '5xx  overdue  requests  routes (p50/p99 ms)',
    );
    // The platform's event-loop histogram runs from its start: read it once here, so minute 1 counts the soak only.
    await platform.stats();
    const started = Date.now();
    const until = started + options.minutes * 60_000;
    const driverLoop = monitorEventLoopDelay({ resolution: 10 });
    driverLoop.enable();
    const reportMinute = async (): Promise<void> => {
      const samples = recorder.minutes.at(-1) ?? [];
      recorder.minutes.push([]);
      const driverMax = driverLoop.max / 1e6;
      driverLoop.reset();
      const stats = await platform.stats();
      stalls.push(...stats.stalls);
      const duStart = performance.now();
      const duAt = Date.now();
      const [disk, overdueNow] = await Promise.all([diskBytes(dataDir), overdue(duAt)]);
      const duMs = performance.now() - duStart;
      const byRoute = new Map<string, number[]>();
      for (const sample of samples)
        (byRoute.get(sample.route) ?? byRoute.set(sample.route, []).get(sample.route))?.push(sample.ms);
      const p99 = new Map<string, number>();
      const routes = [...byRoute]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([route, values]) => {
          values.sort((a, b) => a - b);
          p99.set(route, rank(values, 99));
          return `${route} ${rank(values, 50).toFixed(0)}/${rank(values, 99).toFixed(0)}`;
        });
      perMinute.push({
        rss: stats.rss,
        heap: stats.heapUsed,
        live: stats.heapAfterMajorGc,
        external: stats.external,
        rssAnon: stats.rssAnon,
        rssFile: stats.rssFile,
        descriptors: stats.descriptors,
        disk,
        loopP99: stats.loopDelayP99,
        loopMax: stats.loopDelayMax,
        p99,
      });
      out(
        `${String(perMinute.length).padStart(3)}  ${(stats.rss / MB).toFixed(0).padStart(6)}  ` +
          `${(stats.rssAnon / MB).toFixed(0).padStart(7)}  ${(stats.rssFile / MB).toFixed(0).padStart(7)}  ` +
          `${(stats.heapUsed / MB).toFixed(0).padStart(7)}  ${(stats.heapAfterMajorGc / MB).toFixed(0).padStart(7)}  ` +
          `${(stats.external / MB).toFixed(0).padStart(6)}  ` +
          `${String(stats.descriptors).padStart(3)}  ` +
          `${(disk / MB).toFixed(0).padStart(7)}  ` +
          `${`${stats.loopDelayP99.toFixed(0)}/${stats.loopDelayMax.toFixed(0)}`.padStart(15)}  ` +
          `${`${stats.ioProbeP99.toFixed(0)}/${stats.ioProbeMax.toFixed(0)}`.padStart(13)}  ` +
          `${`${stats.gcPauseMax.toFixed(0)}/${stats.gcPauseTotal.toFixed(0)}`.padStart(13)}  ` +
          `${stats.fsyncMax.toFixed(0).padStart(8)}  ` +
          `${driverMax.toFixed(0).padStart(9)}  ${(duMs / 1000).toFixed(1).padStart(6)}  ` +
          `${String(recorder.serverErrors).padStart(3)}  ` +
          `${String(overdueNow).padStart(7)}  ${String(samples.length).padStart(8)}  ${routes.join('; ')}`,
      );
    };
    // One minute's report at a time, each awaited before the summary: a report still reading the disk figures when
    // the load ends must land before the windows are read.
    let reporting = Promise.resolve();
    const ticker = setInterval(() => {
      reporting = reporting.then(reportMinute);
    }, 60_000);
    await drive(tasks, recorder, (at) => at >= until);
    // Every run reports exactly `--minutes` minutes: the last minute's report is taken at its end even when the load
    // finished a few ms before it (else whether it was printed depended on that, and with it which minutes the last
    // window held).
    const lastReport = started + options.minutes * 60_000 + 1_000 - Date.now();
    if (lastReport > 0) await new Promise((resolve) => setTimeout(resolve, lastReport));
    clearInterval(ticker);
    await reporting;

    const total = recorder.minutes.reduce((sum, minute) => sum + minute.length, 0);
    const elapsed = (Date.now() - started) / 1000;
    out(
      `\n${total} requests answered in ${elapsed.toFixed(0)} s (${(total / elapsed).toFixed(1)}/s), ` +
        `${recorder.serverErrors} × 5xx, ${recorder.shed} starts shed (task at its concurrency), machine load ` +
        `${loadavg()
          .map((load) => load.toFixed(1))
          .join(' ')}`,
    );
    if (recorder.failures.size > 0)
      out(`failures: ${[...recorder.failures].map(([key, count]) => `${key} ×${count}`).join(', ')}`);

    const steady = perMinute.slice(options.warmup);
    const mbPerMinute = (pick: (minute: (typeof perMinute)[number]) => number): string =>
      `${(slope(steady.map(pick)) / MB).toFixed(2)} MB`;
    out(
      `slopes after ${options.warmup} min of warm-up (per minute, least squares over ${steady.length} samples): ` +
        `RSS ${mbPerMinute((m) => m.rss)} (anonymous ${mbPerMinute((m) => m.rssAnon)}, ` +
        `file-backed ${mbPerMinute((m) => m.rssFile)}), heap ${mbPerMinute((m) => m.heap)}, ` +
        `heap after full GC ${mbPerMinute((m) => m.live)}, external ${mbPerMinute((m) => m.external)}, ` +
        `descriptors ${slope(steady.map((m) => m.descriptors)).toFixed(2)}, disk ${mbPerMinute((m) => m.disk)}`,
    );
    const robust = (pick: (minute: (typeof perMinute)[number]) => number): string =>
      `${(medianSlope(steady.map(pick)) / MB).toFixed(2)} MB`;
    out(
      '  the same, robust (Theil–Sen: median of pairwise slopes, one spike barely moves it): ' +
        `RSS ${robust((m) => m.rss)} (anonymous ${robust((m) => m.rssAnon)}, file-backed ${robust((m) => m.rssFile)}), ` +
        `heap ${robust((m) => m.heap)}, heap after full GC ${robust((m) => m.live)}, ` +
        `descriptors ${medianSlope(steady.map((m) => m.descriptors)).toFixed(2)}`,
    );
    // Each window's p99 is read over all its samples pooled (the issue's "p99 of the first / last 3 minutes");
    // the worst single minute of each window is printed beside it, so a noisy minute is not hidden either.
    const completed = recorder.minutes.slice(0, perMinute.length);
    const firstMinutes = completed.slice(0, WINDOW_MINUTES);
    const lastMinutes = completed.slice(-WINDOW_MINUTES);
    const pooledP99 = (minutes: readonly (readonly Sample[])[], route: string): number =>
      rank(
        minutes
          .flat()
          .filter((sample) => sample.route === route)
          .map((sample) => sample.ms)
          .sort((a, b) => a - b),
        99,
      );
    const count = (minutes: readonly (readonly Sample[])[], route: string): number =>
      minutes.flat().filter((sample) => sample.route === route).length;
    const worstMinute = (minutes: typeof perMinute, route: string): number =>
      Math.max(...minutes.map((minute) => minute.p99.get(route) ?? NaN).filter(Number.isFinite));
    const routes = new Set(perMinute.flatMap((minute) => [...minute.p99.keys()]));
    out(
      `p99 per route, first ${WINDOW_MINUTES} minutes → last ${WINDOW_MINUTES} minutes: all samples of each ` +
        'window pooled (target ≤ 1.5×); in brackets the worst single minute of each window; n: samples of each ' +
        'window (under 100, the nearest-rank p99 is the largest sample)',
    );
    const ms = (value: number, width: number): string => value.toFixed(0).padStart(width);
    for (const route of [...routes].sort()) {
      const before = pooledP99(firstMinutes, route);
      const after = pooledP99(lastMinutes, route);
      const worstBefore = worstMinute(perMinute.slice(0, WINDOW_MINUTES), route);
      const worstAfter = worstMinute(perMinute.slice(-WINDOW_MINUTES), route);
      out(
        `  ${route.padEnd(38)} ${ms(before, 6)} → ${ms(after, 6)} ms  (${(after / before).toFixed(2)}×)` +
          `   [worst minute ${ms(worstBefore, 5)} → ${ms(worstAfter, 5)} ms, ` +
          `${(worstAfter / worstBefore).toFixed(2)}×]   n ${count(firstMinutes, route)} → ` +
          `${count(lastMinutes, route)}`,
      );
    }

    // How much of a first → last difference a run without any drift would show: the same ratio between two windows
    // of WINDOW_MINUTES minutes each drawn at random from this run's minutes (so each window keeps its minutes'
    // bursts together). If the platform does not degrade, first and last are two such windows.
    const chance = windowsByChance(completed, [...routes], pooledP99);
    if (chance !== undefined) {
      out(
        `the same ratio between two windows of ${WINDOW_MINUTES} minutes drawn at random from this run ` +
          `(${CHANCE_DRAWS} draws): what a run without drift shows`,
      );
      for (const route of [...routes].sort()) {
        const observed = pooledP99(lastMinutes, route) / pooledP99(firstMinutes, route);
        const ratios = chance.ratios.get(route) ?? [];
        out(
          `  ${route.padEnd(38)} median ${rank(ratios, 50).toFixed(2)}×, 95th percentile ${rank(ratios, 95).toFixed(2)}×; ` +
            `first → last ${observed.toFixed(2)}× is exceeded by ${percentOf(ratios, observed)} of draws`,
        );
      }
      out(
        `  draws in which some route is over 1.5×: ${(chance.anyOver * 100).toFixed(0)} % ` +
          "(how often this criterion fails on this run's own minutes, without any drift)",
      );
    }

    if (options.traceSlow) {
      const threshold = new Map([...routes].map((route) => [route, 1.5 * pooledP99(firstMinutes, route)]));
      const samples = completed.flat();
      const slow = samples.filter((sample) => sample.ms > (threshold.get(sample.route) ?? Infinity));
      const events = [
        ...slow.map((sample) => ({ at: sample.at, line: `${sample.route} ${sample.ms.toFixed(0)} ms` })),
        ...stalls
          // Those around a slow request: from a second before it started to a second after it ended.
          .filter((stall) =>
            slow.some(
              (sample) =>
                stall.at + stall.ms >= sample.at - 1_000 && stall.at <= sample.at + sample.ms + 1_000,
            ),
          )
          .map((stall) => ({
            at: stall.at,
            line: `  platform ${STALL_NAMES[stall.kind]}${stall.label === undefined ? '' : ` ${stall.label}`} ${stall.ms.toFixed(0)} ms`,
          })),
      ].sort((a, b) => a.at - b.at);
      out(
        `${slow.length} requests over 1.5× their route's first-window p99, beside the platform's stalls ` +
          '(time from the start of the load):',
      );
      for (const event of events)
        out(`  ${((event.at - started) / 1000).toFixed(2).padStart(8)} s  ${event.line}`);
    }

    // The expiry check: every short-lived grant that expired more than one sweep interval ago has no record left.
    const expiredSince = Date.now();
    const latest = Math.max(...expiring.values());
    const checkAt = Math.min(latest, expiredSince) + SWEEP_INTERVAL_MS + 5_000;
    if (checkAt > Date.now()) await new Promise((resolve) => setTimeout(resolve, checkAt - Date.now()));
    const checkedAt = Date.now();
    const onDisk = await grantsWithRecord(s3Dir);
    const due = [...expiring].filter(([, expiresAt]) => expiresAt + SWEEP_INTERVAL_MS < checkedAt);
    const kept = due.filter(([grantId]) => onDisk.has(grantId));
    out(
      `expiry: ${onDisk.size} temporary records on disk (live grants), ${expiring.size} short-lived grants ` +
        `assembled, ${due.length} expired more than one sweep interval ago, ${kept.length} of them still on disk`,
    );

    const replayStart = performance.now();
    // As the CLI and the portal ask it: a progress stream, so a long chain is not cut off by a client timeout.
    const replayAnswer = await auditor.call('POST', '/audit/replay', {
      query: { format: 'ndjson' },
      accept: NDJSON,
    });
    const replay = await progressResult<unknown, ReplayReport>(replayAnswer);
    out(
      `replay: ${replay.blocksChecked} blocks, ${replay.transactionsChecked} transactions, ` +
        `${replay.decisionsChecked} decisions, ${replay.deliveriesChecked} deliveries, ` +
        `${replay.manifestsChecked} manifests checked: ` +
        `${replay.discrepancies.length} discrepancies (${replay.ok ? 'ok' : 'NOT ok'}), in ` +
        `${((performance.now() - replayStart) / 1000).toFixed(0)} s`,
    );
  } finally {
    await platform.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

runBenchmark('soak', () => servePlatform({ CUSTODIA_SWEEP_INTERVAL_MS: String(SWEEP_INTERVAL_MS) }), bench);
