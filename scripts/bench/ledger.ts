/**
 * Ledger benchmark: the embedded network in its own process (as `npm run -w network start` runs it), N concurrent
 * clients in this one, each with its own enrolled identity, all through one `LedgerClient` as a service uses it
 * (one channel to the peer, a typed session per identity: the production fabric-gateway path). Phase 1: access
 * requests submitted and waited for until committed; phase 2: rules read (evaluated). Prints throughput, latency
 * percentiles and where CPU time went.
 *
 *   npm run bench:ledger -- [--clients 50] [--seconds 20] [--profile] [--keep]
 *
 * --profile runs the network with --cpu-prof and prints where its CPU time went (self time by package and by
 * function); --keep leaves the data directory (ledger, CPU profile) in place.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import FabricCAServices from 'fabric-ca-client';
import { User } from 'fabric-common';
import { functionName, TRANSACTIONS } from '@custodia/chaincode';
import type { RuleSpec } from '@custodia/chaincode';
import {
  foundRegistry,
  LedgerClient,
  LedgerClientError,
  readConnectionProfile,
  readLedgerClientConfig,
} from '@custodia/ledger';
import type { ConnectionProfile, Identity, LedgerSession } from '@custodia/ledger';
import { rank } from './figures';

interface Options {
  readonly clients: number;
  readonly seconds: number;
  readonly profile: boolean;
  readonly keep: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const value = (name: string, fallback: number): number => {
    const index = argv.indexOf(`--${name}`);
    const parsed = index >= 0 ? Number(argv[index + 1]) : fallback;
    if (!Number.isInteger(parsed) || parsed <= 0) throw new Error(`--${name} must be a positive integer`);
    return parsed;
  };
  return {
    clients: value('clients', 50),
    seconds: value('seconds', 20),
    profile: argv.includes('--profile'),
    keep: argv.includes('--keep'),
  };
}

const ROOT = resolve(__dirname, '..', '..');
const REGISTRAR_SECRET = 'bench-registrar-secret';
const ORG = 'HospitalDEMSP';
/** The network's organisations and countries, which found the on-chain registry. */
const ORGANISATIONS = [
  { mspId: ORG, country: 'DE' },
  { mspId: 'HospitalFRMSP', country: 'FR' },
  { mspId: 'HospitalITMSP', country: 'IT' },
] as const;

interface Server {
  readonly process: ChildProcess;
  readonly profile: ConnectionProfile;
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / 100;
}

async function startServer(dataDir: string, profileDir: string | undefined): Promise<Server> {
  const configPath = join(dataDir, 'network-config.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      peerPort: 0,
      organisations: ORGANISATIONS.map((organisation) => ({ ...organisation, caPort: 0 })),
    }),
  );
  const child = spawn(
    process.execPath,
    [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), 'network/dist/embedded/main.js'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        CUSTODIA_NETWORK_DIR: join(dataDir, 'network'),
        CUSTODIA_NETWORK_CONFIG: configPath,
        CUSTODIA_CA_ADMIN_SECRET: REGISTRAR_SECRET,
        CORE_CHAINCODE_LOGGING_LEVEL: 'warning',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of lines) {
    if (!line.includes('"msg":"ready"')) continue;
    const { profile } = JSON.parse(line) as { profile: string };
    lines.close();
    // Keep draining its output: a full pipe would block the network's writes (and with them the network).
    child.stdout?.resume();
    return { process: child, profile: await readConnectionProfile(profile) };
  }
  throw new Error('the network exited before it was ready');
}

async function enrolAll(
  profile: ConnectionProfile,
  users: readonly { id: string; role: string }[],
  org: (typeof ORGANISATIONS)[number] = ORGANISATIONS[0],
): Promise<Map<string, Identity>> {
  const organisation = profile.organisations.find((candidate) => candidate.mspId === org.mspId);
  if (!organisation?.ca) throw new Error('no CA in the profile');
  const ca = new FabricCAServices(
    organisation.ca.url,
    { trustedRoots: [organisation.ca.tlsCaCertificate ?? ''], verify: true },
    organisation.ca.caName,
  );
  const admin = await ca.enroll({ enrollmentID: 'admin', enrollmentSecret: REGISTRAR_SECRET });
  const registrar = User.createUser('admin', '', org.mspId, admin.certificate, admin.key.toBytes());
  const identities = new Map<string, Identity>();
  const queue = [...users];
  const worker = async (): Promise<void> => {
    for (let user = queue.shift(); user; user = queue.shift()) {
      const attrs = [
        { name: 'custodia.role', value: user.role, ecert: true },
        { name: 'custodia.id', value: user.id, ecert: true },
        { name: 'custodia.country', value: org.country, ecert: true },
      ];
      const secret = await ca.register(
        { enrollmentID: user.id, affiliation: '', role: 'client', attrs },
        registrar,
      );
      const enrollment = await ca.enroll({ enrollmentID: user.id, enrollmentSecret: secret });
      identities.set(user.id, {
        mspId: org.mspId,
        certificate: enrollment.certificate,
        privateKey: enrollment.key.toBytes(),
      });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return identities;
}

interface PhaseResult {
  readonly completed: number;
  readonly failures: Map<string, number>;
  readonly latencies: number[];
  readonly seconds: number;
  readonly serverCpu: number;
  readonly clientCpu: number;
}

/** Runs `operation` in `clients` concurrent loops for `seconds`. */
async function phase(
  serverPid: number,
  clients: number,
  seconds: number,
  operation: (client: number, iteration: number) => Promise<void>,
): Promise<PhaseResult> {
  const latencies: number[] = [];
  const failures = new Map<string, number>();
  const serverBefore = cpuSeconds(serverPid);
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let iteration = 0; performance.now() < deadline; iteration++) {
        const t0 = performance.now();
        try {
          await operation(client, iteration);
          latencies.push(performance.now() - t0);
        } catch (error) {
          const code =
            error instanceof LedgerClientError
              ? `${error.code}${error.details.validationCode ? `:${error.details.validationCode}` : ''}`
              : error instanceof Error
                ? error.name
                : 'unknown';
          failures.set(code, (failures.get(code) ?? 0) + 1);
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const clientCpu = process.cpuUsage(clientBefore);
  return {
    completed: latencies.length,
    failures,
    latencies: latencies.sort((a, b) => a - b),
    seconds: elapsed,
    serverCpu: cpuSeconds(serverPid) - serverBefore,
    clientCpu: (clientCpu.user + clientCpu.system) / 1e6,
  };
}

function report(title: string, unit: string, result: PhaseResult): void {
  const rate = result.completed / result.seconds;
  const failures = [...result.failures].map(([code, count]) => `${code}×${count}`).join(', ') || 'none';
  console.log(`\n${title}`);
  console.log(
    `  ${rate.toFixed(0)} ${unit}/s (${result.completed} in ${result.seconds.toFixed(1)} s); failures: ${failures}`,
  );
  console.log(
    `  latency p50 ${rank(result.latencies, 50).toFixed(1)} ms, p90 ${rank(result.latencies, 90).toFixed(1)} ms, p99 ${rank(result.latencies, 99).toFixed(1)} ms, max ${(result.latencies.at(-1) ?? NaN).toFixed(1)} ms`,
  );
  const per = (cpu: number): string => `${((cpu / Math.max(result.completed, 1)) * 1000).toFixed(2)} ms`;
  console.log(
    `  CPU: network process ${(result.serverCpu / result.seconds).toFixed(2)} cores (${per(result.serverCpu)} per ${unit}), clients ${(result.clientCpu / result.seconds).toFixed(2)} cores (${per(result.clientCpu)} per ${unit})`,
  );
}

/** The hottest functions (self time) of a V8 CPU profile. */
function hottest(profileDir: string, top: number): void {
  const [file] = readdirSync(profileDir).filter((name) => name.endsWith('.cpuprofile'));
  if (!file) return;
  const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as {
    nodes: {
      id: number;
      hitCount?: number;
      callFrame: { functionName: string; url: string; lineNumber: number };
    }[];
  };
  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  let busy = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    busy += hits;
    const where = url.replace(/^.*node_modules\//, '').replace(`file://${ROOT}/`, '');
    const key = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
    functions.set(key, (functions.get(key) ?? 0) + hits);
    // A package (or our own source folder), node's internals, or V8's own (GC, program).
    const owner = url.includes('node_modules/')
      ? (/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? url)
      : url.startsWith('node:')
        ? url.split('/').slice(0, 2).join('/')
        : url === ''
          ? functionName
          : (/(\w+\/(?:src|dist)\/\w+)/.exec(url)?.[1] ?? url);
    packages.set(owner, (packages.get(owner) ?? 0) + hits);
  }
  const print = (title: string, totals: Map<string, number>): void => {
    console.log(`\nnetwork process, ${title} (share of busy self time, whole run):`);
    for (const [key, hits] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(`  ${((hits / busy) * 100).toFixed(1).padStart(5)}%  ${key}`);
    }
  };
  print('by package', packages);
  print('hottest functions', functions);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const dataDir = mkdtempSync(join(tmpdir(), 'custodia-bench-'));
  const profileDir = options.profile ? join(dataDir, 'profile') : undefined;
  const server = await startServer(dataDir, profileDir);
  const serverPid = server.process.pid ?? 0;
  let client: LedgerClient | undefined;
  try {
    // Patient pseudonyms in the ledger's form (`pt-` + 26 base32 characters).
    const patients = Array.from({ length: 10 }, (_, i) => ({
      id: `pt-${'abcdefghij'.charAt(i).repeat(26)}`,
      role: 'patient',
    }));
    const clinicians = Array.from({ length: options.clients }, (_, i) => ({
      id: `dr-${i}`,
      role: 'clinician',
    }));
    console.log(`enrolling ${patients.length + clinicians.length} users through fabric-ca-client…`);
    const identities = await enrolAll(server.profile, [...patients, ...clinicians]);
    const ledger = new LedgerClient({
      config: readLedgerClientConfig({ CUSTODIA_NETWORK_DIR: dataDir }),
      profile: server.profile,
    });
    client = ledger;
    const as = (id: string): LedgerSession => {
      const identity = identities.get(id);
      if (!identity) throw new Error(`no identity ${id}`);
      return ledger.as(identity);
    };

    // The organisations found the registry, and the patients' home organisation registers them.
    const admins = await Promise.all(
      ORGANISATIONS.map(async (organisation) => ({
        organisation,
        admin: ledger.as(
          (await enrolAll(server.profile, [{ id: 'custodia-admin', role: 'admin' }], organisation)).get(
            'custodia-admin',
          ) as Identity,
        ),
      })),
    );
    await foundRegistry(admins);
    for (const patient of patients) await admins[0]?.admin.patients.register(patient.id);

    const rule: RuleSpec = {
      effect: 'permit',
      grantee: { kind: 'role', role: 'clinician' },
      categories: ['allergies', 'medications'],
      labels: [],
      purposes: ['TREAT'],
    };
    const ruleIds: string[] = [];
    for (const patient of patients)
      ruleIds.push((await as(patient.id).rules.create({ requestId: randomUUID(), rule })).ruleId);
    const clinicianSessions = clinicians.map((clinician) => as(clinician.id));
    // Evaluations: each client a patient reading its own rule.
    const readerSessions = clinicians.map((_, i) => as(patients[i % patients.length]?.id ?? ''));

    console.log(
      `\n${options.clients} concurrent clients, ${options.seconds} s per phase, network in process ${serverPid}`,
    );
    const height = async (): Promise<number> =>
      clinicianSessions[0] ? clinicianSessions[0].chain.height() : 0;
    const heightBefore = await height();
    const submits = await phase(serverPid, options.clients, options.seconds, async (client, iteration) => {
      const patientId = patients[(client + iteration) % patients.length]?.id ?? '';
      await clinicianSessions[client]?.access.request({
        patientId,
        categories: ['allergies'],
        purpose: 'TREAT',
        requestId: randomUUID(),
      });
    });
    report(
      `${functionName(TRANSACTIONS.access.requestAccess)} (endorse → submit → commit status VALID)`,
      'tx',
      submits,
    );
    const blocks = (await height()) - heightBefore;
    console.log(
      `  ${blocks} blocks, ${(submits.completed / Math.max(blocks, 1)).toFixed(1)} tx per block, one every ${((submits.seconds * 1000) / Math.max(blocks, 1)).toFixed(0)} ms`,
    );

    const evaluations = await phase(serverPid, options.clients, options.seconds, async (client) => {
      await readerSessions[client]?.rules.get(ruleIds[client % patients.length] ?? '');
    });
    report(`${functionName(TRANSACTIONS.rules.getRule)} (evaluate)`, 'evaluation', evaluations);
  } finally {
    client?.close();
    const exited = new Promise((resolveExit) => server.process.once('exit', resolveExit));
    server.process.kill('SIGTERM');
    await exited;
    if (profileDir) hottest(profileDir, 25);
    if (options.keep) console.log(`\ndata and profile kept in ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
