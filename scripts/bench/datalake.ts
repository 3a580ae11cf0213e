/**
 * Data-lake benchmark. Four processes, as deployed: the embedded network, the S3 server (s3rver), the data-lake
 * service started from its production entry (`datalake/dist/main.js`, configured by environment variables), and
 * this one, the client, which talks to the lake through `DatalakeClient` and to S3 through the `minio` client.
 *
 * Throughput, in one run side by side against the same S3 server: raw S3 put/get of an object through the minio
 * client (the baseline), and the same content uploaded and downloaded through the lake (SHA-256 + chunked AES-GCM +
 * on-chain registration; download through the signed binary link, which decrypts and authenticates every chunk).
 * MB/s each, the ratio, and the peak RSS of the lake process alone during each transfer.
 *
 * Assembly latency p50/p95 for patients with 50, 200 and 2,000 records: each run opens a new grant's record (one
 * call: grant read, registrations, every record's sealed document read and checked, curated copy, IPS Bundle,
 * consumer zone, delivery on-chain, the Bundle streamed out). Its baseline, measured in the same run for the same
 * patient: the I/O that opening cannot avoid, done by this process with no crypto and no logic — the grant read and
 * the registrations' pages on the ledger, every record's sealed structured document (which carries its resource
 * since #13: one GET per record) fetched from S3 (16 in flight, as the lake does), one PUT of the record's size and
 * one delivery committed on-chain. The ratio says
 * how much the lake adds to the round trips; the target says whether a clinician waits too long.
 *
 *   npm run bench:datalake -- [--sizes 200,1024] [--records 50,200,2000] [--runs 10] [--profile <dir>]
 *
 * `--sizes 0` skips the throughput part.
 *
 * `--profile <dir>` runs the lake under `node --cpu-prof` and leaves the profile in <dir> (open in Chrome DevTools).
 */
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import FabricCAServices from 'fabric-ca-client';
import { User } from 'fabric-common';
import { Client } from 'minio';
import type { Caller, Category } from '@custodia/chaincode';
import {
  FileWallet,
  foundRegistry,
  LedgerClient,
  readConnectionProfile,
  readLedgerClientConfig,
} from '@custodia/ledger';
import type { ConnectionProfile, Identity, LedgerSession } from '@custodia/ledger';
import { DatalakeClient, DEFAULT_PART_SIZE, EMBEDDED_S3_REGION, layout } from '@custodia/datalake';
import type { S3Credentials } from '@custodia/datalake';
import { youngCollection } from '../../datalake/src/memory/young-collection';
import { cpuSeconds, peakRssMiB, resetPeakRss, rssMiB, startService } from './datalake-processes';
import { pooled, rank } from './figures';

const MiB = 1024 * 1024;
const TOKEN = 'bench-service-token-0123456789';
const ORG = 'HospitalDEMSP';
const REGISTRAR = { id: 'admin', secret: 'bench-registrar-secret' };
const centre: Caller = { mspId: ORG, id: 'bench-centre', role: 'centre', country: 'DE' };
const clinician: Caller = { mspId: ORG, id: 'bench-clinician', role: 'clinician', country: 'DE' };
const lakeActor: Caller = { mspId: ORG, id: 'bench-datalake', role: 'admin' };
const ROOT = path.resolve(__dirname, '..', '..');
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
/** The targets (issue #13). */
const TARGETS = {
  /** Assembly p95 by number of records released. */
  assemblyP95Ms: new Map([
    [50, 100],
    [200, 300],
    [2000, 2000],
  ]),
  /** Download through the lake as a share of raw S3, in every run. */
  downloadShare: 0.8,
  /** The lake's peak RSS during transfers. */
  lakePeakMiB: 160,
};
/** What the lake reads at once during assembly (its READ_CONCURRENCY), for the baseline. */
const ASSEMBLY_READS_IN_FLIGHT = 32;

/** A new patient pseudonym in the ledger's form (`pt-` + 26 base32 characters). */
function newPatientId(): string {
  return `pt-${Array.from(randomBytes(26), (byte) => BASE32.charAt(byte % 32)).join('')}`;
}

function list(argv: readonly string[], name: string, fallback: number[]): number[] {
  const index = argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  // `--sizes 0`: none (only the assembly latency).
  if (argv[index + 1] === '0') return [];
  return (argv[index + 1] ?? '').split(',').map((each) => {
    const parsed = Number(each);
    if (!Number.isInteger(parsed) || parsed <= 0)
      throw new Error(`--${name}: positive integers, comma-separated`);
    return parsed;
  });
}

/** `bytes` of incompressible content without holding them: one random MiB block, repeated. */
function content(bytes: number): Readable {
  const block = randomBytes(MiB);
  let left = bytes;
  return new Readable({
    read() {
      if (left === 0) return void this.push(null);
      const size = Math.min(left, block.length);
      left -= size;
      this.push(size === block.length ? block : block.subarray(0, size));
    },
  });
}

/** Reads a download to its end. */
async function drain(stream: AsyncIterable<Uint8Array>, count?: (bytes: number) => void): Promise<number> {
  let bytes = 0;
  for await (const chunk of stream) {
    bytes += chunk.length;
    count?.(chunk.length);
  }
  return bytes;
}

async function timed<T>(run: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await run();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, value };
}

/** Enrols `actor` at the organisation's CA (registered by the bootstrap registrar), as the gateway does. */
async function enrol(profile: ConnectionProfile, actor: Caller): Promise<Identity> {
  const ca = profile.organisations.find((each) => each.mspId === actor.mspId)?.ca;
  if (!ca) throw new Error(`no CA for ${actor.mspId}`);
  const client = new FabricCAServices(
    ca.url,
    { trustedRoots: ca.tlsCaCertificate === undefined ? [] : [ca.tlsCaCertificate], verify: true },
    ca.caName,
  );
  const admin = await client.enroll({ enrollmentID: REGISTRAR.id, enrollmentSecret: REGISTRAR.secret });
  const registrar = User.createUser(REGISTRAR.id, '', actor.mspId, admin.certificate, admin.key.toBytes());
  const attrs = [
    { name: 'custodia.role', value: actor.role, ecert: true },
    { name: 'custodia.id', value: actor.id, ecert: true },
    ...(actor.country ? [{ name: 'custodia.country', value: actor.country, ecert: true }] : []),
  ];
  const secret = await client.register(
    { enrollmentID: actor.id, affiliation: '', role: 'client', attrs },
    registrar,
  );
  const enrolment = await client.enroll({ enrollmentID: actor.id, enrollmentSecret: secret });
  return { mspId: actor.mspId, certificate: enrolment.certificate, privateKey: enrolment.key.toBytes() };
}

interface Bench {
  readonly lake: DatalakeClient;
  readonly lakePid: number;
  readonly s3Pid: number;
  readonly s3Endpoint: string;
  readonly s3Keys: S3Credentials;
  readonly profile: ConnectionProfile;
  /** The bench's own ledger client (users act on the ledger themselves, as through the gateway). */
  readonly ledger: LedgerClient;
  readonly wallet: FileWallet;
}

async function enrolled(wallet: FileWallet, actor: Caller): Promise<Identity> {
  const identity = await wallet.get(actor.mspId, actor.id);
  if (!identity) throw new Error(`${actor.id} not enrolled`);
  return identity;
}

/** The ledger as an enrolled actor, its identity read from the wallet on first use. */
function as(bench: Bench, actor: Caller): LedgerSession {
  return bench.ledger.as({
    key: `${actor.mspId}/${actor.id}`,
    load: async () => {
      const identity = await bench.wallet.get(actor.mspId, actor.id);
      if (!identity) throw new Error(`${actor.id} not enrolled`);
      return identity;
    },
  });
}

async function grant(bench: Bench, patientId: string, categories: Category[]): Promise<string> {
  const entry = await as(bench, clinician).access.request({
    patientId,
    categories,
    purpose: 'TREAT',
    requestId: randomUUID(),
  });
  if (entry.grantId === undefined) throw new Error('nothing granted');
  return entry.grantId;
}

/** A new patient of the organisation: registered with the lake and on-chain, enrolled, permitting clinicians. */
async function registerPatient(bench: Bench): Promise<string> {
  const patientId = newPatientId();
  const patient: Caller = { mspId: ORG, id: patientId, role: 'patient' };
  await bench.lake.registerPatient(lakeActor, patientId);
  await as(bench, lakeActor).patients.register(patientId);
  await bench.wallet.put(await enrol(bench.profile, patient), patientId);
  await as(bench, patient).rules.create({
    requestId: randomUUID(),
    rule: {
      effect: 'permit',
      grantee: { kind: 'role', role: 'clinician' },
      categories: ['documents', 'allergies'],
      labels: [],
      purposes: ['TREAT'],
    },
  });
  return patientId;
}

interface Phase<T> {
  readonly value: T;
  readonly seconds: number;
  /** Peak RSS of the lake process during the phase. */
  readonly lakePeakMiB: number;
  /** RSS of the lake process when the phase began. */
  readonly lakeRssMiB: number;
  /** CPU seconds each process spent in the phase: where the work goes, whatever else the machine runs. */
  readonly cpu: { readonly client: number; readonly lake: number; readonly s3: number };
}

/** Runs `run`, timing it and sampling the lake's peak RSS and every process's CPU time. */
async function phase<T>(bench: Bench, run: () => Promise<T>): Promise<Phase<T>> {
  resetPeakRss(bench.lakePid);
  const lakeRssMiB = rssMiB(bench.lakePid);
  const before = { client: process.cpuUsage(), lake: cpuSeconds(bench.lakePid), s3: cpuSeconds(bench.s3Pid) };
  const { seconds, value } = await timed(run);
  const client = process.cpuUsage(before.client);
  return {
    value,
    seconds,
    lakePeakMiB: peakRssMiB(bench.lakePid),
    lakeRssMiB,
    cpu: {
      client: (client.user + client.system) / 1e6,
      lake: cpuSeconds(bench.lakePid) - before.lake,
      s3: cpuSeconds(bench.s3Pid) - before.s3,
    },
  };
}

function cpuLine(cpu: Phase<unknown>['cpu']): string {
  return `CPU s: client ${cpu.client.toFixed(1)}, lake ${cpu.lake.toFixed(1)}, S3 ${cpu.s3.toFixed(1)}`;
}

/** The raw baseline's client: the same minio client and part size the lake uses, against the same server. */
function rawS3(bench: Bench): Client {
  const url = new URL(bench.s3Endpoint);
  return new Client({
    endPoint: url.hostname,
    port: Number(url.port),
    useSSL: false,
    accessKey: bench.s3Keys.accessKey,
    secretKey: bench.s3Keys.secretKey,
    region: EMBEDDED_S3_REGION,
    partSize: DEFAULT_PART_SIZE,
    pathStyle: true,
  });
}

const verdict = (met: boolean): string => (met ? 'met' : 'NOT MET');

async function throughput(bench: Bench, sizeMiB: number): Promise<void> {
  const bytes = sizeMiB * MiB;
  const minio = rawS3(bench);
  const bucket = 'bench-raw';
  if (!(await minio.bucketExists(bucket))) await minio.makeBucket(bucket);
  const rawPut = await phase(bench, () => minio.putObject(bucket, `object-${sizeMiB}`, content(bytes)));
  // Young collections as the bytes pass, as the lake's own client does for its downloads (transport.ts): without
  // them this process's V8 now and then marked its whole heap every ~75 ms for the dead socket buffers, freeing
  // nothing — 1.6–3.5 CPU-seconds for 1 GiB instead of 0.3–0.5 — and the figure measured this client, not S3.
  const rawGet = await phase(bench, async () =>
    drain(await minio.getObject(bucket, `object-${sizeMiB}`), youngCollection()),
  );
  await minio.removeObject(bucket, `object-${sizeMiB}`);

  const patientId = await registerPatient(bench);
  const lakePut = await phase(bench, () =>
    bench.lake.uploadDocument(
      centre,
      patientId,
      `bench-${sizeMiB}`,
      {
        resourceType: 'DocumentReference',
        status: 'current',
        subject: { reference: `Patient/${patientId}` },
        content: [{ attachment: { contentType: 'application/octet-stream' } }],
      },
      content(bytes),
      'scan.bin',
      'application/octet-stream',
    ),
  );
  const grantId = await grant(bench, patientId, ['documents']);
  const opened = await timed(
    async () => (await (await bench.lake.openRecord(clinician, grantId)).toArray()) as Buffer[],
  );
  const record = JSON.parse(Buffer.concat(opened.value).toString('utf8')) as {
    entry: { resource: { resourceType: string; content?: { attachment: { url?: string } }[] } }[];
  };
  const link = record.entry.find((each) => each.resource.resourceType === 'DocumentReference')?.resource
    .content?.[0]?.attachment.url;
  if (!link) throw new Error('no binary link');
  const parsed = new URL(link, 'http://lake.invalid');
  const recordId = decodeURIComponent(parsed.pathname.split('/').pop() ?? '');
  const lakeGet = await phase(bench, async () => {
    const binary = await bench.lake.downloadBinary(clinician, grantId, recordId, {
      expires: parsed.searchParams.get('expires') ?? '',
      sig: parsed.searchParams.get('sig') ?? '',
    });
    return drain(binary.stream);
  });
  if (rawGet.value !== bytes || lakeGet.value !== bytes) throw new Error('short read');
  const rate = (seconds: number): string => (sizeMiB / seconds).toFixed(1).padStart(8);
  const ratio = (raw: number, lake: number): string => `${((raw / lake) * 100).toFixed(0)}% of raw`;
  const share = rawGet.seconds / lakeGet.seconds;
  const peak = Math.max(lakePut.lakePeakMiB, lakeGet.lakePeakMiB);
  console.log(`\n${sizeMiB} MiB object`);
  console.log(`  raw S3 put      ${rate(rawPut.seconds)} MB/s   ${cpuLine(rawPut.cpu)}`);
  console.log(
    `  data-lake put   ${rate(lakePut.seconds)} MB/s   ${ratio(rawPut.seconds, lakePut.seconds)}   ` +
      `${cpuLine(lakePut.cpu)}   lake peak RSS ${lakePut.lakePeakMiB.toFixed(0)} MiB ` +
      `(${lakePut.lakeRssMiB.toFixed(0)} MiB before)`,
  );
  console.log(`  raw S3 get      ${rate(rawGet.seconds)} MB/s   ${cpuLine(rawGet.cpu)}`);
  console.log(
    `  data-lake get   ${rate(lakeGet.seconds)} MB/s   ${ratio(rawGet.seconds, lakeGet.seconds)}   ` +
      `${cpuLine(lakeGet.cpu)}   lake peak RSS ${lakeGet.lakePeakMiB.toFixed(0)} MiB ` +
      `(${lakeGet.lakeRssMiB.toFixed(0)} MiB before)`,
  );
  console.log(
    `  target: download ≥ ${TARGETS.downloadShare * 100}% of raw S3: ${(share * 100).toFixed(0)}%, ` +
      `${verdict(share >= TARGETS.downloadShare)}; lake peak RSS < ${TARGETS.lakePeakMiB} MiB: ` +
      `${peak.toFixed(0)} MiB, ${verdict(peak < TARGETS.lakePeakMiB)}`,
  );
  console.log(
    `  first open of the record (the binary checked by registration and length, not decrypted) ` +
      `${(opened.seconds * 1000).toFixed(0)} ms`,
  );
}

/** The objects of `prefix` in the lake's bucket of `zone` (its one location's). */
async function keysOf(
  minio: Client,
  buckets: readonly string[],
  zone: string,
  prefix: string,
): Promise<string[]> {
  const bucket = buckets.find((name) => name.endsWith(`custodia-${zone}`));
  if (bucket === undefined) throw new Error(`no ${zone} bucket`);
  const keys: string[] = [];
  for await (const item of minio.listObjectsV2(bucket, prefix, true) as AsyncIterable<{ name: string }>)
    keys.push(`${bucket}/${item.name}`);
  return keys;
}

/**
 * The baseline of one open: the round trips it cannot avoid, without the lake — the grant read, the registrations'
 * pages, each record's structured document fetched (the record's one object: its metadata and resource, sealed;
 * 16 in flight), one PUT of the record's size, one delivery committed on-chain. Returns milliseconds.
 */
async function unavoidableIo(
  bench: Bench,
  minio: Client,
  documents: readonly string[],
  patientId: string,
  recordBytes: number,
): Promise<BaselineRun> {
  const grantId = await grant(bench, patientId, ['allergies']);
  const get = async (path: string): Promise<void> => {
    const [bucket = '', ...key] = path.split('/');
    await drain(await minio.getObject(bucket, key.join('/')));
  };
  const phases = { ledgerReads: 0, s3Reads: 0, put: 0, delivery: 0 };
  const { seconds } = await timed(async () => {
    phases.ledgerReads = (
      await timed(async () => {
        await as(bench, clinician).access.getGrant(grantId);
        let bookmark = '';
        do {
          const page = await as(bench, lakeActor).records.listMeta(patientId, { pageSize: 100, bookmark });
          bookmark = page.bookmark;
        } while (bookmark !== '');
      })
    ).seconds;
    phases.s3Reads = (
      await timed(() =>
        pooled(documents.length, ASSEMBLY_READS_IN_FLIGHT, async (index) => {
          await get(documents[index] ?? '');
        }),
      )
    ).seconds;
    phases.put = (
      await timed(() => minio.putObject('bench-raw', `record-${grantId}`, randomBytes(recordBytes)))
    ).seconds;
    phases.delivery = (
      await timed(() => as(bench, clinician).access.recordDelivery(grantId, randomBytes(32).toString('hex')))
    ).seconds;
  });
  await minio.removeObject('bench-raw', `record-${grantId}`);
  return { ms: seconds * 1000, phasesMs: mapValues(phases, (each) => each * 1000) };
}

/** One baseline run: its total and where it went (milliseconds). */
interface BaselineRun {
  readonly ms: number;
  readonly phasesMs: Readonly<Record<'ledgerReads' | 's3Reads' | 'put' | 'delivery', number>>;
}

function mapValues<K extends string>(
  values: Readonly<Record<K, number>>,
  map: (value: number) => number,
): Record<K, number> {
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => [key, map(value as number)]),
  ) as Record<K, number>;
}

async function assemblyLatency(bench: Bench, records: number, runs: number): Promise<void> {
  const patientId = await registerPatient(bench);
  const uploaded = await timed(() =>
    pooled(records, 8, async (index) => {
      const allergy = {
        resourceType: 'AllergyIntolerance',
        clinicalStatus: {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' },
          ],
        },
        patient: { reference: `Patient/${patientId}` },
        code: { coding: [{ system: 'http://snomed.info/sct', code: String(91936005 + index) }] },
      };
      await bench.lake.uploadRecords(
        centre,
        patientId,
        `allergy-${index}`,
        Buffer.from(JSON.stringify(allergy)),
      );
    }),
  );
  const minio = rawS3(bench);
  if (!(await minio.bucketExists('bench-raw'))) await minio.makeBucket('bench-raw');
  const buckets = (await minio.listBuckets()).map((bucket) => bucket.name);
  const documents = await keysOf(minio, buckets, 'structured', layout.recordDocuments(patientId));
  if (documents.length !== records) throw new Error(`${documents.length} record documents, not ${records}`);
  const samples: number[] = [];
  const floor: number[] = [];
  const floorRuns: BaselineRun[] = [];
  let recordBytes = 0;
  // Where the opens' time goes: CPU seconds of the lake and of the S3 server against the wall time.
  const cpu = { lake: 0, s3: 0, wall: 0 };
  for (let run = 0; run < runs; run += 1) {
    const grantId = await grant(bench, patientId, ['allergies']);
    const cpuBefore = { lake: cpuSeconds(bench.lakePid), s3: cpuSeconds(bench.s3Pid) };
    const { seconds, value } = await timed(
      async () => (await (await bench.lake.openRecord(clinician, grantId)).toArray()) as Buffer[],
    );
    cpu.lake += cpuSeconds(bench.lakePid) - cpuBefore.lake;
    cpu.s3 += cpuSeconds(bench.s3Pid) - cpuBefore.s3;
    cpu.wall += seconds;
    recordBytes = value.reduce((total, chunk) => total + chunk.length, 0);
    const bundle = JSON.parse(Buffer.concat(value).toString('utf8')) as { entry: unknown[] };
    // The Bundle holds the records, the Composition and the Patient.
    if (bundle.entry.length < records) throw new Error(`the record holds ${bundle.entry.length} entries`);
    samples.push(seconds * 1000);
    const baseline = await unavoidableIo(bench, minio, documents, patientId, recordBytes);
    floor.push(baseline.ms);
    floorRuns.push(baseline);
  }
  samples.sort((a, b) => a - b);
  floor.sort((a, b) => a - b);
  const p50 = rank(samples, 50);
  const p95 = rank(samples, 95);
  const target = TARGETS.assemblyP95Ms.get(records);
  console.log(
    `\nassembly, ${records} records (${runs} runs; uploaded in ${uploaded.seconds.toFixed(0)} s; ` +
      `record ${(recordBytes / 1024).toFixed(0)} KiB)`,
  );
  console.log(
    `  first open (assemble + deliver + stream)   p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms` +
      (target === undefined ? '' : `   target p95 ≤ ${target} ms: ${verdict(p95 <= target)}`),
  );
  console.log(
    `  baseline: unavoidable ledger + S3 I/O    p50 ${rank(floor, 50).toFixed(0)} ms, ` +
      `p95 ${rank(floor, 95).toFixed(0)} ms   ratio p50 ${(p50 / rank(floor, 50)).toFixed(2)}×`,
  );
  const phase = (name: keyof BaselineRun['phasesMs']): string =>
    rank(
      floorRuns.map((run) => run.phasesMs[name]).sort((a, b) => a - b),
      50,
    ).toFixed(0);
  console.log(
    `    of which p50: grant + registrations ${phase('ledgerReads')} ms, ${records} documents from S3 ` +
      `${phase('s3Reads')} ms (${ASSEMBLY_READS_IN_FLIGHT} in flight), PUT ${phase('put')} ms, ` +
      `delivery ${phase('delivery')} ms`,
  );
  console.log(
    `  during the opens: lake CPU ${((cpu.lake / cpu.wall) * 100).toFixed(0)}% of the wall time, ` +
      `S3 server CPU ${((cpu.s3 / cpu.wall) * 100).toFixed(0)}%`,
  );
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const sizes = list(argv, 'sizes', [200, 1024]);
  const recordCounts = list(argv, 'records', [50, 200, 2000]);
  const [runs = 10] = list(argv, 'runs', [10]);
  const profileIndex = argv.indexOf('--profile');
  const profileDir = profileIndex < 0 ? undefined : path.resolve(argv[profileIndex + 1] ?? 'profiles');
  const dir = mkdtempSync(path.join(tmpdir(), 'custodia-bench-datalake-'));
  const stops: (() => Promise<void>)[] = [];
  try {
    const networkConfig = path.join(dir, 'network.json');
    writeFileSync(
      networkConfig,
      JSON.stringify({
        dataDir: path.join(dir, 'network'),
        peerPort: 0,
        organisations: [{ mspId: ORG, country: 'DE', caPort: 0 }],
      }),
    );
    const network = await startService(
      'network',
      process.execPath,
      [path.join(ROOT, 'network/dist/embedded/main.js')],
      { CUSTODIA_NETWORK_CONFIG: networkConfig, CUSTODIA_CA_ADMIN_SECRET: REGISTRAR.secret },
      (line) => (line.msg === 'ready' && typeof line.profile === 'string' ? line.profile : undefined),
    );
    stops.push(network.stop);
    // The S3 server's keys, given to it, to the lake and to the raw baseline alike.
    const s3Keys: S3Credentials = { accessKey: 'bench-s3', secretKey: randomBytes(32).toString('hex') };
    const s3 = await startService(
      'S3 server',
      process.execPath,
      // tsx as a loader of this very process (its CLI would put a wrapper process in between).
      ['--import', 'tsx', path.join(ROOT, 'datalake/src/storage/embedded/s3-main.ts'), path.join(dir, 's3')],
      { CUSTODIA_S3_ACCESS_KEY: s3Keys.accessKey, CUSTODIA_S3_SECRET_KEY: s3Keys.secretKey },
      (line) => (line.msg === 'ready' && typeof line.endpoint === 'string' ? line.endpoint : undefined),
    );
    stops.push(s3.stop);

    const profilePath = network.ready;
    const profile = await readConnectionProfile(profilePath);
    const walletKey = randomBytes(32).toString('hex');
    const walletDir = path.join(dir, 'wallet');
    const wallet = await FileWallet.open(walletDir, { env: { CUSTODIA_WALLET_KEY: walletKey } });
    for (const actor of [centre, clinician, lakeActor])
      await wallet.put(await enrol(profile, actor), actor.id);

    if (profileDir !== undefined) mkdirSync(profileDir, { recursive: true });
    const lakeService = await startService(
      'data lake',
      process.execPath,
      [
        ...(profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]),
        path.join(ROOT, 'datalake/dist/main.js'),
      ],
      {
        CUSTODIA_DATALAKE_TOKEN: TOKEN,
        CUSTODIA_DATALAKE_DIR: path.join(dir, 'lake'),
        CUSTODIA_S3_ENDPOINT: s3.ready,
        CUSTODIA_S3_ACCESS_KEY: s3Keys.accessKey,
        CUSTODIA_S3_SECRET_KEY: s3Keys.secretKey,
        CUSTODIA_NETWORK: 'fabric',
        CUSTODIA_CONNECTION_FILE: profilePath,
        CUSTODIA_WALLET_DIR: walletDir,
        CUSTODIA_WALLET_KEY: walletKey,
        CUSTODIA_DATALAKE_IDENTITY: `${lakeActor.mspId}/${lakeActor.id}`,
        CUSTODIA_LEDGER_EVALUATE_TIMEOUT_MS: '30000',
        CUSTODIA_LEDGER_ENDORSE_TIMEOUT_MS: '30000',
        CUSTODIA_LEDGER_SUBMIT_TIMEOUT_MS: '30000',
        CUSTODIA_LEDGER_COMMIT_TIMEOUT_MS: '60000',
        CUSTODIA_LOG_LEVEL: 'info',
        // The one organisation's data lives in its country's location (de-custodia-… buckets).
        CUSTODIA_ORGANISATIONS: JSON.stringify({ [ORG]: 'DE' }),
      },
      (line) => (line.msg === 'ready' && typeof line.url === 'string' ? line.url : undefined),
    );
    stops.push(lakeService.stop);
    const lakePid = lakeService.child.pid;
    const s3Pid = s3.child.pid;
    if (lakePid === undefined || s3Pid === undefined) throw new Error('a service has no process id');
    const lake = new DatalakeClient({ baseUrl: lakeService.ready, token: TOKEN });
    stops.push(async () => lake.close());
    const ledger = new LedgerClient({
      config: {
        ...readLedgerClientConfig({ CUSTODIA_NETWORK: 'fabric', CUSTODIA_CONNECTION_FILE: profilePath }),
        timeouts: { evaluate: 30_000, endorse: 30_000, submit: 30_000, commitStatus: 60_000 },
      },
    });
    stops.push(async () => ledger.close());
    // The one organisation founds the registry through its admin (the lake's identity), which registers patients.
    await foundRegistry([
      { organisation: { mspId: ORG, country: 'DE' }, admin: ledger.as(await enrolled(wallet, lakeActor)) },
    ]);
    const bench: Bench = {
      lake,
      lakePid,
      s3Pid,
      s3Endpoint: s3.ready,
      s3Keys,
      profile,
      wallet,
      ledger,
    };
    console.log(`processes: network ${network.child.pid}, S3 ${s3.child.pid}, data lake ${lakePid}`);
    console.log(
      `lake RSS at rest ${rssMiB(lakePid).toFixed(0)} MiB (peak since start ${peakRssMiB(lakePid).toFixed(0)} MiB)`,
    );
    for (const size of sizes) await throughput(bench, size);
    for (const records of recordCounts) await assemblyLatency(bench, records, runs);
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
