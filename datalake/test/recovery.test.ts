/**
 * Recovery at start (issue #12, item 8): uploads a stop interrupted are completed or removed when the lake starts
 * again — a record written but never registered on-chain is registered (its content and marker intact) and
 * published; one whose content was damaged meanwhile is removed with its document; objects written before any
 * document are removed; a forged marker is removed without acting on what it says.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Caller } from '@custodia/chaincode';
import { layout } from '../src/zones/layout';
import { PendingUploads } from '../src/zones/pending';
import { ORG_DE, pseudonym } from '../../network/test/fixtures/embedded-network';
import { startLakeOnLedger } from './lake-on-ledger';
import type { LakeOnLedger } from './lake-on-ledger';
import { zonesOn } from './zones';

const PATIENT = pseudonym('patient-recovery-1');
const centre: Caller = { mspId: ORG_DE, id: 'centre-recovery', role: 'centre', country: 'DE' };
const patient: Caller = { mspId: ORG_DE, id: PATIENT, role: 'patient' };

const condition = (code: string) => ({
  resourceType: 'Condition',
  subject: { reference: `Patient/${PATIENT}` },
  code: { coding: [{ system: 'http://snomed.info/sct', code }] },
});

let env: LakeOnLedger;

function upload(sourceId: string, resource: object): Promise<Response> {
  return env.call('POST', `/v1/patients/${PATIENT}/records?sourceId=${sourceId}`, centre, {
    body: JSON.stringify(resource),
    contentType: 'application/fhir+json',
  });
}

async function keysOf(zone: 'raw' | 'keys' | 'structured', prefix: string): Promise<string[]> {
  const de = env.lake.locations.forCountry('DE');
  const keys: string[] = [];
  for await (const item of de.store.list(de.bucket(zone), prefix)) keys.push(item.key);
  return keys.sort();
}

/** Stops the lake and the network, runs `meanwhile`, starts both again (the lake's recovery runs at its start). */
async function crashAndRestart(meanwhile: () => Promise<void> = async () => undefined): Promise<void> {
  await meanwhile();
  await env.net.restart();
  env.refreshProfile();
  await env.restartLake();
}

beforeAll(async () => {
  env = await startLakeOnLedger();
  for (const actor of [centre, patient]) await env.enrol(actor);
  expect((await env.call('PUT', `/v1/patients/${PATIENT}`, patient)).status).toBe(204);
}, 120_000);

afterAll(async () => {
  await env?.destroy();
});

it('registers and publishes at start a record the ledger never got, when its content is intact', async () => {
  await env.net.stop();
  expect((await upload('asthma', condition('195967001'))).status).toBe(503);
  const [documentKey] = await keysOf('structured', `records/${PATIENT}/`);
  const recordId = /([^/]+)\.json$/.exec(documentKey as string)?.[1] as string;
  expect(await keysOf('structured', `pending/${PATIENT}/`)).toHaveLength(1);
  expect(await env.lake.index.published(PATIENT)).toEqual([]);

  await crashAndRestart();
  expect(env.lake.recovered).toEqual({ completed: 1, removed: 0, left: 0 });
  expect((await env.lake.index.published(PATIENT)).map((doc) => doc.recordId)).toEqual([recordId]);
  expect(await env.ledger.getRecordMeta(patient, recordId)).toMatchObject({ recordId, patientId: PATIENT });
  expect(await keysOf('structured', `pending/${PATIENT}/`)).toEqual([]);
  // Sent again by the centre: the record it already is.
  const again = await upload('asthma', condition('195967001'));
  expect(again.status).toBe(200);
}, 120_000);

it('removes at start a never-registered record whose content was damaged, and registers nothing', async () => {
  await env.net.stop();
  expect((await upload('eczema', condition('43116000'))).status).toBe(503);
  const pending = await keysOf('structured', `records/${PATIENT}/`);
  const before = (await env.lake.index.published(PATIENT)).map((doc) => doc.recordId);
  const newKey = pending.find((key) => !before.some((id) => key.endsWith(`${id}.json`))) as string;
  const recordId = /([^/]+)\.json$/.exec(newKey)?.[1] as string;
  const objects = (await keysOf('raw', `patients/${PATIENT}/objects/`)).length;

  await crashAndRestart(async () => {
    // The one object this upload wrote (the newest): damaged while the lake was down.
    const de = env.lake.locations.forCountry('DE');
    for (const key of await keysOf('raw', `patients/${PATIENT}/objects/`)) {
      const bytes = (await de.store.getBuffer(de.bucket('raw'), key, 1 << 20)) as Buffer;
      const indexed = (await env.lake.index.published(PATIENT)).some((doc) =>
        key.endsWith(doc.resource.objectId),
      );
      if (indexed) continue;
      bytes[bytes.length - 5] = (bytes[bytes.length - 5] as number) ^ 0x01;
      await de.store.put(de.bucket('raw'), key, bytes);
    }
  });
  expect(env.lake.recovered).toEqual({ completed: 0, removed: 1, left: 0 });
  expect(await keysOf('structured', `records/${PATIENT}/${recordId}.json`)).toEqual([]);
  expect(await keysOf('raw', `patients/${PATIENT}/objects/`)).toHaveLength(objects - 1);
  expect(await keysOf('structured', `pending/${PATIENT}/`)).toEqual([]);
  expect(await env.ledger.getRecordMeta(patient, recordId)).toBeUndefined();
}, 120_000);

it('removes objects a stop left before any document, and a forged marker without acting on it', async () => {
  const locations = env.lake.locations;
  const hashKey = Buffer.from((await readFile(path.join(env.dir, 'lake', 'hash.key'), 'utf8')).trim(), 'hex');
  const zones = zonesOn(locations, path.join(env.dir, 'lake', 'keys'), hashKey);
  const de = locations.forCountry('DE');
  const objectsBefore = await keysOf('raw', `patients/${PATIENT}/objects/`);
  // What an upload has done when the lake stops right after sealing its object: marker and object, no document.
  const objectId = 'f0e1d2c3-0000-4000-8000-000000000001';
  await new PendingUploads(locations, zones.documents).begin({
    patientId: PATIENT,
    country: 'DE',
    actor: { mspId: centre.mspId, id: centre.id },
    objectIds: [objectId],
    createdAt: new Date().toISOString(),
  });
  await zones.sealed.write(
    {
      location: de,
      zone: 'raw',
      objectKey: layout.rawObject(PATIENT, objectId),
      keyKey: layout.dataKey(PATIENT, objectId),
      patientId: PATIENT,
      owner: centre.mspId,
      objectId,
    },
    Buffer.from(JSON.stringify(condition('38341003'))),
  );
  // A marker planted by someone with write access, naming an existing record's object to have it deleted.
  const victim = objectsBefore[0] as string;
  await de.store.put(
    de.bucket('structured'),
    layout.pendingMarker(PATIENT, 'a1b2c3d4-0000-4000-8000-000000000002'),
    Buffer.from(JSON.stringify({ schema: 1, objectIds: [victim.split('/').pop()] })),
  );
  await crashAndRestart();
  expect(env.lake.recovered).toEqual({ completed: 0, removed: 1, left: 0 });
  expect(await keysOf('raw', `patients/${PATIENT}/objects/`)).toEqual(objectsBefore);
  expect(await keysOf('keys', layout.dataKey(PATIENT, objectId))).toEqual([]);
  expect(await keysOf('structured', `pending/${PATIENT}/`)).toEqual([]);
}, 120_000);
