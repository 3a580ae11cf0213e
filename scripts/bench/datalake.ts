/**
 * Data-lake benchmark, in one run and one process: raw S3 put/get of a large object through the `minio` client
 * against the embedded s3rver, side by side with the same content uploaded and downloaded through the data-lake
 * service (SHA-256 + chunked AES-GCM + on-chain registration; download through assembly and the signed binary
 * link, which decrypts and checks every chunk). Then assembly latency for patients with 50 and 500 records.
 * Prints MB/s, the ratio and peak RSS (process high-water mark, cumulative: raw phases run first).
 *
 *   npm run bench:datalake -- [--sizes 200,1024] [--records 50,500] [--runs 10]
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import FabricCAServices from 'fabric-ca-client';
import { User } from 'fabric-common';
import { Client } from 'minio';
import pino from 'pino';
import type { AccessLogEntry, Caller } from '@custodia/chaincode';
import { connect } from '@custodia/network';
import type { Identity, LedgerClientConfig, LedgerConnection } from '@custodia/network';
import { resolveEmbeddedConfig, startEmbeddedNetwork } from '@custodia/network/embedded';
import { FileWallet } from '@custodia/network/wallet';
import type { EmbeddedNetwork } from '@custodia/network/embedded';
import {
  EMBEDDED_S3_CREDENTIALS,
  FabricLedgerPort,
  loadConfig,
  startDatalake,
  WalletIdentities,
} from '@custodia/datalake';
import type { AssemblyResult, RunningDatalake } from '@custodia/datalake';

const MiB = 1024 * 1024;
const TOKEN = 'bench-service-token-0123456789';
const ORG = 'HospitalDEMSP';
const centre: Caller = { mspId: ORG, id: 'bench-centre', role: 'centre', country: 'DE' };
const clinician: Caller = { mspId: ORG, id: 'bench-clinician', role: 'clinician', country: 'DE' };
const lakeActor: Caller = { mspId: ORG, id: 'bench-datalake', role: 'admin' };

function list(argv: readonly string[], name: string, fallback: number[]): number[] {
  const index = argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
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

async function drain(stream: AsyncIterable<Uint8Array>): Promise<number> {
  let bytes = 0;
  for await (const chunk of stream) bytes += chunk.length;
  return bytes;
}

function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

async function timed<T>(run: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await run();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, value };
}

/** A streamed multipart body (documentReference field, then the file), never buffered whole. */
function multipart(documentReference: object, bytes: number): { body: Readable; contentType: string } {
  const boundary = `custodia-bench-${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="documentReference"\r\n\r\n${JSON.stringify(documentReference)}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="content"; filename="scan.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  async function* parts(): AsyncGenerator<Buffer> {
    yield head;
    for await (const chunk of content(bytes)) yield chunk as Buffer;
    yield tail;
  }
  return { body: Readable.from(parts()), contentType: `multipart/form-data; boundary=${boundary}` };
}

async function enrol(network: EmbeddedNetwork, actor: Caller): Promise<Identity> {
  const org = network.organisations.find((each) => each.mspId === actor.mspId);
  if (!org) throw new Error(`no organisation ${actor.mspId}`);
  const ca = new FabricCAServices(
    org.caUrl,
    { trustedRoots: [network.tlsCaCertificate], verify: true },
    org.caName,
  );
  const admin = await ca.enroll({ enrollmentID: org.registrar.id, enrollmentSecret: org.registrar.secret });
  const registrar = User.createUser(org.registrar.id, '', org.mspId, admin.certificate, admin.key.toBytes());
  const attrs = [
    { name: 'custodia.role', value: actor.role, ecert: true },
    { name: 'custodia.id', value: actor.id, ecert: true },
    ...(actor.country ? [{ name: 'custodia.country', value: actor.country, ecert: true }] : []),
  ];
  const secret = await ca.register(
    { enrollmentID: actor.id, affiliation: '', role: 'client', attrs },
    registrar,
  );
  const enrolment = await ca.enroll({ enrollmentID: actor.id, enrollmentSecret: secret });
  return { mspId: actor.mspId, certificate: enrolment.certificate, privateKey: enrolment.key.toBytes() };
}

interface Bench {
  readonly lake: RunningDatalake;
  readonly network: EmbeddedNetwork;
  readonly ledgerConfig: LedgerClientConfig;
  readonly identities: Map<string, Identity>;
  call(
    method: string,
    route: string,
    actor: Caller,
    init?: { body?: Readable | string; contentType?: string },
  ): Promise<Response>;
}

function headers(actor: Caller): Record<string, string> {
  return {
    authorization: `Bearer ${TOKEN}`,
    'custodia-actor-msp': actor.mspId,
    'custodia-actor-id': actor.id,
    'custodia-actor-role': actor.role,
    ...(actor.country ? { 'custodia-actor-country': actor.country } : {}),
  };
}

async function submitAs(bench: Bench, actor: Caller, name: string, args: string[]): Promise<Uint8Array> {
  const identity = bench.identities.get(actor.id);
  if (!identity) throw new Error(`${actor.id} not enrolled`);
  const ledger: LedgerConnection = await connect({ identity, config: bench.ledgerConfig });
  try {
    return (await ledger.submit(name, { arguments: args })).payload;
  } finally {
    ledger.close();
  }
}

async function grant(bench: Bench, patientId: string, categories: string[]): Promise<string> {
  const entry = JSON.parse(
    new TextDecoder().decode(
      await submitAs(bench, clinician, 'access:requestAccess', [
        patientId,
        JSON.stringify(categories),
        'TREAT',
        '',
      ]),
    ),
  ) as AccessLogEntry;
  if (entry.grantId === undefined) throw new Error('nothing granted');
  return entry.grantId;
}

async function registerPatient(bench: Bench, patientId: string): Promise<void> {
  const patient: Caller = { mspId: ORG, id: patientId, role: 'patient' };
  bench.identities.set(patientId, await enrol(bench.network, patient));
  const put = await bench.call('PUT', `/v1/patients/${patientId}`, lakeActor);
  if (put.status !== 204) throw new Error(`patient registration: ${put.status}`);
  await submitAs(bench, patient, 'rules:createRule', [
    JSON.stringify({
      effect: 'permit',
      grantee: { kind: 'role', role: 'clinician' },
      categories: ['documents', 'allergies'],
      labels: [],
      purposes: ['TREAT'],
    }),
  ]);
}

async function throughput(bench: Bench, sizeMiB: number): Promise<void> {
  const bytes = sizeMiB * MiB;
  const s3 = bench.lake.s3;
  if (!s3) throw new Error('the bench needs the embedded S3 server');
  const url = new URL(s3.endpoint);
  const minio = new Client({
    endPoint: url.hostname,
    port: Number(url.port),
    useSSL: false,
    accessKey: EMBEDDED_S3_CREDENTIALS.accessKey,
    secretKey: EMBEDDED_S3_CREDENTIALS.secretKey,
  });
  const bucket = 'bench-raw';
  if (!(await minio.bucketExists(bucket))) await minio.makeBucket(bucket);
  const rawPut = await timed(() => minio.putObject(bucket, `object-${sizeMiB}`, content(bytes), bytes));
  const rawGet = await timed(async () => drain(await minio.getObject(bucket, `object-${sizeMiB}`)));
  await minio.removeObject(bucket, `object-${sizeMiB}`);
  const rawRss = peakRssMiB();

  const patientId = `bench-patient-${sizeMiB}`;
  await registerPatient(bench, patientId);
  const form = multipart(
    {
      resourceType: 'DocumentReference',
      status: 'current',
      subject: { reference: `Patient/${patientId}` },
      content: [{ attachment: { contentType: 'application/octet-stream' } }],
    },
    bytes,
  );
  const lakePut = await timed(async () => {
    const response = await bench.call(
      'POST',
      `/v1/patients/${patientId}/documents?sourceId=bench-${sizeMiB}`,
      centre,
      {
        body: form.body,
        contentType: form.contentType,
      },
    );
    if (response.status !== 201) throw new Error(`upload: ${response.status} ${await response.text()}`);
  });
  const grantId = await grant(bench, patientId, ['documents']);
  const assembly = await timed(async () => {
    const response = await bench.call('POST', `/v1/grants/${grantId}/assembly`, clinician);
    if (response.status !== 201) throw new Error(`assembly: ${response.status} ${await response.text()}`);
  });
  const record = (await (await bench.call('GET', `/v1/grants/${grantId}/record`, clinician)).json()) as {
    entry: { resource: { resourceType: string; content?: { attachment: { url?: string } }[] } }[];
  };
  const link = record.entry.find((each) => each.resource.resourceType === 'DocumentReference')?.resource
    .content?.[0]?.attachment.url;
  if (!link) throw new Error('no binary link');
  const lakeGet = await timed(async () => {
    const response = await bench.call('GET', link, clinician);
    if (response.status !== 200 || !response.body) throw new Error(`download: ${response.status}`);
    return drain(response.body);
  });
  if (rawGet.value !== bytes || lakeGet.value !== bytes) throw new Error('short read');
  const rate = (seconds: number): number => sizeMiB / seconds;
  console.log(`\n${sizeMiB} MiB object`);
  console.log(`  raw S3 put      ${rate(rawPut.seconds).toFixed(1).padStart(8)} MB/s`);
  console.log(
    `  data-lake put   ${rate(lakePut.seconds).toFixed(1).padStart(8)} MB/s   ratio ${((rawPut.seconds / lakePut.seconds) * 100).toFixed(0)}% of raw`,
  );
  console.log(`  raw S3 get      ${rate(rawGet.seconds).toFixed(1).padStart(8)} MB/s`);
  console.log(
    `  data-lake get   ${rate(lakeGet.seconds).toFixed(1).padStart(8)} MB/s   ratio ${((rawGet.seconds / lakeGet.seconds) * 100).toFixed(0)}% of raw`,
  );
  console.log(`  assembly (hash-verifies the binary) ${assembly.seconds.toFixed(2)} s`);
  console.log(
    `  peak RSS after raw ${rawRss.toFixed(0)} MiB, after data lake ${peakRssMiB().toFixed(0)} MiB`,
  );
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function assemblyLatency(bench: Bench, records: number, runs: number): Promise<void> {
  const patientId = `bench-patient-r${records}`;
  await registerPatient(bench, patientId);
  for (let index = 0; index < records; index += 1) {
    const response = await bench.call(
      'POST',
      `/v1/patients/${patientId}/records?sourceId=allergy-${index}`,
      centre,
      {
        contentType: 'application/fhir+json',
        body: JSON.stringify({
          resourceType: 'AllergyIntolerance',
          clinicalStatus: {
            coding: [
              { system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' },
            ],
          },
          patient: { reference: `Patient/${patientId}` },
          code: { coding: [{ system: 'http://snomed.info/sct', code: String(91936005 + index) }] },
        }),
      },
    );
    if (response.status !== 201) throw new Error(`record upload: ${response.status}`);
  }
  const grantId = await grant(bench, patientId, ['allergies']);
  const samples: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const { seconds, value } = await timed(async () => {
      const response = await bench.call('POST', `/v1/grants/${grantId}/assembly`, clinician);
      if (response.status !== 201) throw new Error(`assembly: ${response.status} ${await response.text()}`);
      return (await response.json()) as AssemblyResult;
    });
    if (value.included.length !== records) throw new Error('assembly left records out');
    samples.push(seconds * 1000);
  }
  samples.sort((a, b) => a - b);
  console.log(
    `\nassembly, ${records} records (${runs} runs): p50 ${percentile(samples, 50).toFixed(0)} ms, p95 ${percentile(samples, 95).toFixed(0)} ms`,
  );
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const sizes = list(argv, 'sizes', [200, 1024]);
  const recordCounts = list(argv, 'records', [50, 500]);
  const [runs = 10] = list(argv, 'runs', [10]);
  const dir = mkdtempSync(path.join(tmpdir(), 'custodia-bench-datalake-'));
  const network = await startEmbeddedNetwork(
    resolveEmbeddedConfig({
      dataDir: path.join(dir, 'network'),
      peerPort: 0,
      registrar: { secret: 'registrar-secret' },
      organisations: [{ mspId: ORG, country: 'DE', caPort: 0 }],
    }),
  );
  const wallet = await FileWallet.open(path.join(dir, 'wallet'), { env: {} });
  const identities = new Map<string, Identity>();
  for (const actor of [centre, clinician, lakeActor]) {
    const identity = await enrol(network, actor);
    identities.set(actor.id, identity);
    await wallet.put(identity, actor.id);
  }
  const ledgerConfig: LedgerClientConfig = {
    network: 'embedded',
    profilePath: network.profilePath,
    timeouts: { evaluate: 30_000, endorse: 30_000, submit: 30_000, commitStatus: 60_000 },
  };
  const ledger = new FabricLedgerPort({ identities: new WalletIdentities(wallet), config: ledgerConfig });
  const lake = await startDatalake(
    loadConfig({
      CUSTODIA_DATALAKE_TOKEN: TOKEN,
      CUSTODIA_DATALAKE_DIR: path.join(dir, 'lake'),
      CUSTODIA_S3_DIR: path.join(dir, 's3'),
    }),
    { ledger, serviceActor: lakeActor, logger: pino({ level: 'warn' }) },
  );
  const bench: Bench = {
    lake,
    network,
    ledgerConfig,
    identities,
    call: (method, route, actor, init = {}) =>
      fetch(`${lake.url}${route}`, {
        method,
        headers: { ...headers(actor), ...(init.contentType ? { 'content-type': init.contentType } : {}) },
        ...(init.body === undefined
          ? {}
          : typeof init.body === 'string'
            ? { body: init.body }
            : { body: Readable.toWeb(init.body) as ReadableStream, duplex: 'half' }),
      } as RequestInit),
  };
  try {
    for (const size of sizes) await throughput(bench, size);
    for (const records of recordCounts) await assemblyLatency(bench, records, runs);
  } finally {
    ledger.close();
    await lake.close();
    await network.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
