/**
 * The data lake against the real ledger: uploads registered on-chain with the centre's own identity, grants read
 * and deliveries logged with the clinician's own identity, and an upload during a ledger outage that leaves
 * nothing visible and completes on retry.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { AccessLogEntry, Caller } from '@custodia/chaincode';
import type { Identity, LedgerClientConfig } from '@custodia/network';
import { isDatalakeError } from '../src/errors';
import { FabricLedgerPort } from '../src/ledger/fabric-port';
import { WalletDirectory, walletPath } from '../src/ledger/identity';
import { loadConfig } from '../src/service/config';
import { startDatalake } from '../src/service/server';
import type { RunningDatalake } from '../src/service/server';
import { json, ORG_DE, ORG_FR, startTestNetwork } from '../../network/test/fixtures/embedded-network';
import type { Role, TestNetwork } from '../../network/test/fixtures/embedded-network';

const TOKEN = 'test-service-token-0123456789';
const PATIENT = 'patient-ledger-1';

const centre: Caller = { mspId: ORG_DE, id: 'centre-de', role: 'centre', country: 'DE' };
const patient: Caller = { mspId: ORG_DE, id: PATIENT, role: 'patient' };
const clinician: Caller = { mspId: ORG_FR, id: 'dr-fr', role: 'clinician', country: 'FR' };
const otherClinician: Caller = { mspId: ORG_FR, id: 'dr-other', role: 'clinician', country: 'FR' };

const allergy = {
  resourceType: 'AllergyIntolerance',
  clinicalStatus: {
    coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }],
  },
  patient: { reference: `Patient/${PATIENT}` },
  code: { coding: [{ system: 'http://snomed.info/sct', code: '91936005' }] },
  recordedDate: '2030-01-02',
};

let net: TestNetwork;
let dir: string;
let walletDir: string;
let profilePath: string;
let ledger: FabricLedgerPort;
let lake: RunningDatalake;
const identities = new Map<string, Identity>();

function actorHeaders(actor: Caller): Record<string, string> {
  return {
    'custodia-actor-msp': actor.mspId,
    'custodia-actor-id': actor.id,
    'custodia-actor-role': actor.role,
    ...(actor.country === undefined ? {} : { 'custodia-actor-country': actor.country }),
  };
}

async function enrolIntoWallet(actor: Caller): Promise<void> {
  const identity = await net.enrol(actor.mspId, actor.id, actor.role as Role, actor.country);
  identities.set(actor.id, identity);
  const file = walletPath(walletDir, actor);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(identity));
}

function upload(sourceId: string, resource: unknown = allergy): Promise<Response> {
  return fetch(`${lake.url}/v1/patients/${PATIENT}/records?sourceId=${sourceId}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/fhir+json',
      ...actorHeaders(centre),
    },
    body: JSON.stringify(resource),
  });
}

/** The data lake reads its connection file like any operator-configured client; tests point it elsewhere. */
function writeProfile(endpoint: string): void {
  const profile = JSON.parse(readFileSync(net.network.profilePath, 'utf8')) as {
    peers: { endpoint: string }[];
  };
  writeFileSync(
    profilePath,
    JSON.stringify({ ...profile, peers: profile.peers.map((peer) => ({ ...peer, endpoint })) }),
  );
}

beforeAll(async () => {
  net = await startTestNetwork();
  dir = mkdtempSync(path.join(tmpdir(), 'custodia-lake-ledger-'));
  walletDir = path.join(dir, 'wallet');
  profilePath = path.join(dir, 'connection.json');
  writeProfile(net.network.endpoint);
  for (const actor of [centre, patient, clinician, otherClinician]) await enrolIntoWallet(actor);
  const config: LedgerClientConfig = {
    network: 'fabric',
    profilePath,
    timeouts: { evaluate: 5_000, endorse: 5_000, submit: 5_000, commitStatus: 10_000 },
  };
  ledger = new FabricLedgerPort({ identities: new WalletDirectory(walletDir), config });
  lake = await startDatalake(
    loadConfig({
      CUSTODIA_DATALAKE_TOKEN: TOKEN,
      CUSTODIA_DATALAKE_DIR: path.join(dir, 'lake'),
      CUSTODIA_S3_DIR: path.join(dir, 's3'),
    }),
    { ledger, logger: pino({ level: 'silent' }) },
  );
  const registered = await fetch(`${lake.url}/v1/patients/${PATIENT}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${TOKEN}`, ...actorHeaders(patient) },
  });
  expect(registered.status).toBe(204);
}, 120_000);

afterAll(async () => {
  ledger?.close();
  await lake?.close();
  await net?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

it('registers an upload on-chain under the centre’s own identity, with the content hash', async () => {
  const response = await upload('allergy-1');
  expect(response.status).toBe(201);
  const [record] = ((await response.json()) as { records: { recordId: string; contentHash: string }[] })
    .records;
  if (!record) throw new Error('no record');
  const meta = await ledger.getRecordMeta(patient, record.recordId);
  expect(meta).toMatchObject({
    recordId: record.recordId,
    patientId: PATIENT,
    contentHash: record.contentHash,
    categories: ['allergies'],
    sourceMspId: ORG_DE,
    registeredBy: centre.id,
    country: 'DE',
  });
  expect(await ledger.getRecordMeta(patient, 'no-such-record')).toBeUndefined();
  // A clinician is not a reader of registrations: the chaincode refuses it on the clinician's own certificate.
  const refused: unknown = await ledger.getRecordMeta(clinician, record.recordId).catch((e: unknown) => e);
  expect(isDatalakeError(refused, 'FORBIDDEN')).toBe(true);
});

it('reads a grant and logs a delivery with the requester’s identity, and refuses anyone else', async () => {
  const patientLedger = await net.connect(identities.get(patient.id) as Identity);
  await patientLedger.submit('rules:createRule', {
    arguments: [
      JSON.stringify({
        effect: 'permit',
        grantee: { kind: 'role', role: 'clinician' },
        categories: ['allergies'],
        purposes: ['TREAT'],
      }),
    ],
  });
  const clinicianLedger = await net.connect(identities.get(clinician.id) as Identity);
  const entry = json<AccessLogEntry>(
    (
      await clinicianLedger.submit('access:requestAccess', {
        arguments: [PATIENT, JSON.stringify(['allergies']), 'TREAT', ''],
      })
    ).payload,
  );
  const grantId = entry.grantId;
  if (grantId === undefined) throw new Error('nothing granted');

  const grant = await ledger.getGrant(clinician, grantId);
  expect(grant).toMatchObject({ grantId, patientId: PATIENT, status: 'active' });
  expect(grant?.granted.map((granted) => granted.category)).toEqual(['allergies']);
  expect(await ledger.getGrant(clinician, 'no-such-grant')).toBeUndefined();

  const stranger: unknown = await ledger.getGrant(otherClinician, grantId).catch((e: unknown) => e);
  expect(isDatalakeError(stranger, 'FORBIDDEN')).toBe(true);
  const strangerDelivery: unknown = await ledger
    .recordDelivery(otherClinician, grantId, 'a'.repeat(64))
    .catch((e: unknown) => e);
  expect(isDatalakeError(strangerDelivery, 'FORBIDDEN')).toBe(true);

  await ledger.recordDelivery(clinician, grantId, 'b'.repeat(64));
  const deliveries = json<{ items: { manifestHash: string; requester: Caller }[] }>(
    await patientLedger.evaluate('access:listDeliveries', { arguments: [grantId, '10', ''] }),
  );
  expect(deliveries.items).toEqual([
    expect.objectContaining({
      manifestHash: 'b'.repeat(64),
      requester: expect.objectContaining({ id: clinician.id }),
    }),
  ]);
});

it('refuses an actor without an enrolment before reaching the ledger', async () => {
  const unknown: Caller = { mspId: ORG_DE, id: 'centre-unknown', role: 'centre', country: 'DE' };
  const error: unknown = await ledger.getGrant(unknown, 'any').catch((e: unknown) => e);
  expect(isDatalakeError(error, 'FORBIDDEN')).toBe(true);
});

it('leaves nothing visible when the ledger is down during registration, and the retry completes', async () => {
  await net.stop();
  const failed = await upload('allergy-outage', { ...allergy, recordedDate: '2030-03-04' });
  expect(failed.status).toBe(503);
  expect(((await failed.json()) as { code: string }).code).toBe('LEDGER_UNAVAILABLE');
  const visible = await lake.index.published(PATIENT);
  expect(visible.map((doc) => doc.sourceId)).not.toContain('allergy-outage');

  await net.restart();
  writeProfile(net.network.endpoint);
  const retried = await upload('allergy-outage', { ...allergy, recordedDate: '2030-03-04' });
  expect(retried.status).toBe(201);
  const [record] = ((await retried.json()) as { records: { recordId: string; contentHash: string }[] })
    .records;
  if (!record) throw new Error('no record');
  expect((await lake.index.published(PATIENT)).map((doc) => doc.recordId)).toContain(record.recordId);
  expect(await ledger.getRecordMeta(patient, record.recordId)).toMatchObject({
    contentHash: record.contentHash,
  });
});
