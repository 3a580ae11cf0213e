/**
 * Gateway benchmark over HTTP: the whole platform (embedded network, data lake, gateway) in a child process
 * started from this file with `--serve` (ephemeral ports, a temp data dir, the demo seeded), and the load in
 * this process, so the two do not share an event loop. As the admin it creates N clinicians through the admin
 * API; as the demo patient Anna it writes a rule permitting clinicians; then:
 *   phase 0 — one clinician alone, one request after the other (K times): POST /access-requests, then
 *             GET /grants/:id/record. Its baseline, in the same run: the request alone (the committed ledger
 *             transaction the journey cannot avoid), so the ratio says what opening the record adds;
 *   phase 1 — N clinicians, each signed in with its own account (and Fabric identity), for S seconds:
 *             POST /access-requests, timed until the answer (the grant, committed on the ledger);
 *   phase 2 — the same, then GET /grants/:id/record (the data lake assembles and releases the record).
 * Prints requests/s, latency percentiles, failures by code, the issue's targets next to the figures, and the ratio
 * to the issue's reference (CLINIdATA: 40–70 transactions/s for a large hospital). Figures only: nothing is asserted.
 *
 *   npm run bench:gateway -- [--clinicians 50] [--seconds 20] [--single 30]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { ApiClient, ApiError } from '../../gateway/src/cli/api-client';
import { pooled, rank } from './figures';
import { demoLogin, runBenchmark, servePlatform, startPlatformChild } from './platform-child';

const REFERENCE = { low: 40, high: 70 };
const ORG = 'HospitalDEMSP';
const PASSWORD = 'bench-clinician-password';
const CATEGORIES = ['allergies', 'medications', 'problems'];
/** The issue's targets (issue #13). */
const TARGETS = {
  /** One clinician, request + record, at the median. */
  singleMs: 250,
  /** 50 clinicians, request + record. */
  loadedRate: 50,
  loadedP99Ms: 2000,
};

function parseOptions(argv: readonly string[]): { clinicians: number; seconds: number; single: number } {
  const value = (name: string, fallback: number): number => {
    const index = argv.indexOf(`--${name}`);
    const parsed = index >= 0 ? Number(argv[index + 1]) : fallback;
    if (!Number.isInteger(parsed) || parsed <= 0) throw new Error(`--${name} takes a positive whole number`);
    return parsed;
  };
  return { clinicians: value('clinicians', 50), seconds: value('seconds', 20), single: value('single', 30) };
}

/** A process and every process under it (the platform may run helpers), from /proc. */
function processTree(pid: number): number[] {
  const children = readdirSync(`/proc/${pid}/task`).flatMap((task) =>
    readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
  );
  return [pid, ...children.flatMap(processTree)];
}

/** CPU seconds (user + system) the platform's processes have used so far (clock ticks at 100 Hz). */
function platformCpu(pid: number): number {
  return processTree(pid).reduce((total, each) => {
    const fields = readFileSync(`/proc/${each}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return total + (Number(fields[11]) + Number(fields[12])) / 100;
  }, 0);
}

interface Phase {
  readonly done: number;
  readonly seconds: number;
  readonly latencies: Record<string, number[]>;
  readonly failures: Map<string, number>;
  readonly serverCpu: number;
}

/** Every client loops on `operation` until the time is up; `operation` returns its timed steps in ms. */
async function run(
  clients: readonly ApiClient[],
  seconds: number,
  serverPid: number,
  operation: (client: ApiClient) => Promise<Record<string, number>>,
): Promise<Phase> {
  const latencies: Record<string, number[]> = {};
  const failures = new Map<string, number>();
  let done = 0;
  const cpuBefore = platformCpu(serverPid);
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    clients.map(async (client) => {
      while (performance.now() < deadline) {
        try {
          const steps = await operation(client);
          for (const [name, ms] of Object.entries(steps)) (latencies[name] ??= []).push(ms);
          done += 1;
        } catch (error) {
          const code = error instanceof ApiError ? error.code : 'ERROR';
          failures.set(code, (failures.get(code) ?? 0) + 1);
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  for (const samples of Object.values(latencies)) samples.sort((a, b) => a - b);
  return { done, seconds: elapsed, latencies, failures, serverCpu: platformCpu(serverPid) - cpuBefore };
}

function report(title: string, phase: Phase): number {
  const rate = phase.done / phase.seconds;
  const lines = [
    `\n${title}`,
    `  ${phase.done} completed in ${phase.seconds.toFixed(1)} s: ${rate.toFixed(1)} requests/s` +
      (phase.failures.size === 0
        ? ', no failures'
        : `, failures: ${[...phase.failures].map(([code, count]) => `${code} ×${count}`).join(', ')}`),
    ...Object.entries(phase.latencies).map(
      ([name, samples]) =>
        `  ${name.padEnd(22)} p50 ${rank(samples, 50).toFixed(0)} ms, p90 ${rank(samples, 90).toFixed(0)} ms, ` +
        `p99 ${rank(samples, 99).toFixed(0)} ms, max ${(samples.at(-1) ?? NaN).toFixed(0)} ms`,
    ),
    `  platform CPU ${(phase.serverCpu / phase.seconds).toFixed(2)} cores busy of ${cpus().length}` +
      ` (machine load average ${loadavg()[0]?.toFixed(1)})`,
    `  vs CLINIdATA peak ${REFERENCE.low}–${REFERENCE.high} tx/s: ` +
      `${(rate / REFERENCE.high).toFixed(2)}–${(rate / REFERENCE.low).toFixed(2)}×`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return rate;
}

async function timedMs<T>(call: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await call();
  return { ms: performance.now() - start, value };
}

async function bench(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const dataDir = mkdtempSync(path.join(tmpdir(), 'custodia-bench-gateway-'));
  const platform = await startPlatformChild(__filename, dataDir);
  const { child, ready } = platform;
  const { totpCode } = await import('@custodia/gateway');
  try {
    const client = (): ApiClient => new ApiClient({ baseUrl: ready.url });
    // The seed confirmed the admin's TOTP in the current step: the next step's code is the one still unused.
    const admin = demoLogin(ready, 'admin');
    const adminClient = client();
    await adminClient.login({
      username: 'admin',
      password: admin.password,
      totp: totpCode(admin.totpSecret ?? '', Date.now() + 30_000),
    });
    const anna = demoLogin(ready, 'anna');
    const annaClient = client();
    await annaClient.login({ username: 'anna', password: anna.password });
    await annaClient.json('POST', `/patients/${anna.ledgerId}/rules`, {
      json: {
        effect: 'permit',
        grantee: { kind: 'role', role: 'clinician' },
        categories: CATEGORIES,
        labels: [],
        purposes: ['TREAT'],
      },
    });

    const setup = performance.now();
    const usernames = Array.from({ length: options.clinicians }, (_, index) => `bench.clin.${index + 1}`);
    await pooled(usernames.length, 4, async (index) => {
      await adminClient.json('POST', '/admin/users', {
        json: {
          username: usernames[index],
          password: PASSWORD,
          displayName: `Bench clinician ${index + 1}`,
          role: 'clinician',
          mspId: ORG,
          country: 'DE',
          ledgerId: `bench-clin-${index + 1}`,
        },
      });
    });
    const clinicians = usernames.map(() => client());
    await pooled(usernames.length, 4, async (index) =>
      clinicians[index]?.login({ username: usernames[index] ?? '', password: PASSWORD }),
    );
    process.stdout.write(
      `platform at ${ready.url}; ${options.clinicians} clinicians created (CA enrolment) and signed in ` +
        `in ${((performance.now() - setup) / 1000).toFixed(1)} s\n`,
    );

    const request = (clinician: ApiClient): Promise<{ grantId: string }> =>
      clinician.json<{ grantId: string }>('POST', '/access-requests', {
        json: { patientId: anna.ledgerId, categories: CATEGORIES, purpose: 'TREAT' },
      });
    // Warm-up: every clinician's ledger connection is opened once before timing.
    await Promise.all(clinicians.map((clinician) => request(clinician)));

    // Phase 0: one clinician alone (the first, already warmed up); the request alone is the baseline.
    const alone = clinicians[0] as ApiClient;
    const single: Record<string, number[]> = { request: [], 'request + record': [] };
    for (let index = 0; index < options.single; index += 1) {
      single.request?.push((await timedMs(() => request(alone))).ms);
      const both = await timedMs(async () => {
        const { grantId } = await request(alone);
        const response = await alone.call('GET', `/grants/${grantId}/record`);
        return (await response.arrayBuffer()).byteLength;
      });
      if (both.value === 0) throw new ApiError('EMPTY_RECORD', 200, 'an empty record');
      single['request + record']?.push(both.ms);
    }
    for (const samples of Object.values(single)) samples.sort((a, b) => a - b);
    const singleP50 = rank(single['request + record'] ?? [], 50);
    process.stdout.write(
      [
        `\nphase 0: one clinician, ${options.single} times one after the other`,
        ...Object.entries(single).map(
          ([name, samples]) =>
            `  ${name.padEnd(22)} p50 ${rank(samples, 50).toFixed(0)} ms, p95 ${rank(samples, 95).toFixed(0)} ms, ` +
            `max ${(samples.at(-1) ?? NaN).toFixed(0)} ms`,
        ),
        `  baseline (the request alone): request + record is ` +
          `${(singleP50 / rank(single.request ?? [], 50)).toFixed(2)}× at p50`,
        `  target request + record ≤ ${TARGETS.singleMs} ms (p50): ${singleP50.toFixed(0)} ms, ` +
          `${singleP50 <= TARGETS.singleMs ? 'met' : 'NOT MET'}` +
          ` (machine load average ${loadavg()[0]?.toFixed(1)})`,
      ].join('\n') + '\n',
    );

    const grants = await run(clinicians, options.seconds, child.pid ?? 0, async (clinician) => {
      const grant = await timedMs(() => request(clinician));
      return { 'request → grant': grant.ms };
    });
    report(`phase 1: ${options.clinicians} clinicians, access request → committed grant`, grants);

    const records = await run(clinicians, options.seconds, child.pid ?? 0, async (clinician) => {
      const start = performance.now();
      const grant = await timedMs(() => request(clinician));
      const record = await timedMs(async () => {
        const response = await clinician.call('GET', `/grants/${grant.value.grantId}/record`);
        return (await response.arrayBuffer()).byteLength;
      });
      if (record.value === 0) throw new ApiError('EMPTY_RECORD', 200, 'an empty record');
      return {
        'request → grant': grant.ms,
        'assembly + download': record.ms,
        'end to end': performance.now() - start,
      };
    });
    const rate = report(
      `phase 2: ${options.clinicians} clinicians, access request + assembly + record download`,
      records,
    );
    const p99 = rank(records.latencies['end to end'] ?? [], 99);
    process.stdout.write(
      `  targets: ≥ ${TARGETS.loadedRate} requests/s: ${rate.toFixed(1)}, ` +
        `${rate >= TARGETS.loadedRate ? 'met' : 'NOT MET'}; end to end p99 ≤ ${TARGETS.loadedP99Ms} ms: ` +
        `${p99.toFixed(0)} ms, ${p99 <= TARGETS.loadedP99Ms ? 'met' : 'NOT MET'}\n`,
    );
  } finally {
    await platform.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

runBenchmark('bench', () => servePlatform({}), bench);
