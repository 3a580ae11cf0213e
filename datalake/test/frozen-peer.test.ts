/**
 * The lake with the ledger peer it follows frozen (a SIGSTOPped peer, as clients see it: connections open, nothing
 * answered). The connection file lists the peer twice, through two relays; the first is frozen. A patient's
 * revocation still commits within seconds, and the lake — whose event stream was on the frozen peer — still deletes
 * the revoked grant's record promptly, from the other peer, instead of waiting for the frozen one to come back.
 */
import { randomUUID } from 'node:crypto';
import type { Caller } from '@custodia/chaincode';
import type { LedgerSession } from '@custodia/ledger';
import { layout } from '../src/zones/layout';
import { ORG_DE, ORG_FR, pseudonym } from '../../network/test/fixtures/embedded-network';
import { startLakeOnLedger } from './lake-on-ledger';
import type { LakeOnLedger } from './lake-on-ledger';

const PATIENT = pseudonym('patient-frozen-1');
const centre: Caller = { mspId: ORG_DE, id: 'centre-frozen', role: 'centre', country: 'DE' };
const patient: Caller = { mspId: ORG_DE, id: PATIENT, role: 'patient' };
const clinician: Caller = { mspId: ORG_FR, id: 'dr-frozen', role: 'clinician', country: 'FR' };

let env: LakeOnLedger;
let patientLedger: LedgerSession;

async function consumerKeys(grantId: string): Promise<string[]> {
  const home = env.lake.locations.forCountry('DE');
  const keys: string[] = [];
  for await (const item of home.store.list(home.bucket('consumer'), layout.consumerGrant(grantId)))
    keys.push(item.key);
  return keys;
}

beforeAll(async () => {
  env = await startLakeOnLedger({}, {}, { relays: 2 });
  for (const actor of [centre, patient, clinician]) await env.enrol(actor);
  patientLedger = env.ledgerAs(patient);
  expect((await env.call('PUT', `/v1/patients/${PATIENT}`, patient)).status).toBe(204);
  const allergy = {
    resourceType: 'AllergyIntolerance',
    clinicalStatus: {
      coding: [
        { system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' },
      ],
    },
    patient: { reference: `Patient/${PATIENT}` },
    code: { coding: [{ system: 'http://snomed.info/sct', code: '91936005' }] },
  };
  const uploaded = await env.call('POST', `/v1/patients/${PATIENT}/records?sourceId=allergy`, centre, {
    body: JSON.stringify(allergy),
    contentType: 'application/fhir+json',
  });
  expect(uploaded.status).toBe(201);
}, 120_000);

afterAll(async () => {
  await env?.destroy();
});

it('deletes a revoked grant’s record promptly while the peer the lake follows is frozen', async () => {
  const { ruleId } = await patientLedger.rules.create({
    requestId: randomUUID(),
    rule: {
      effect: 'permit',
      grantee: { kind: 'practitioner', id: clinician.id, mspId: clinician.mspId },
      categories: ['allergies'],
      labels: [],
      purposes: ['TREAT'],
    },
  });
  const entry = await env.ledgerAs(clinician).access.request({
    patientId: PATIENT,
    categories: ['allergies'],
    purpose: 'TREAT',
    requestId: randomUUID(),
  });
  const grantId = entry.grantId as string;
  expect((await env.call('POST', `/v1/grants/${grantId}/assembly`, clinician)).status).toBe(201);
  expect(await consumerKeys(grantId)).not.toEqual([]);

  env.relays[0]?.freeze();
  const frozenAt = Date.now();
  await patientLedger.rules.revoke(ruleId);
  const revokedAt = Date.now();
  // The revocation itself: a frozen peer costs it less than 5 s.
  expect(revokedAt - frozenAt).toBeLessThan(5_000);
  while ((await consumerKeys(grantId)).length > 0 && Date.now() - revokedAt < 20_000)
    await new Promise((resolve) => setTimeout(resolve, 100));
  // The lake's stream on the frozen peer is found silent and deaf to a probe (≤ 6.5 s) and reopened elsewhere.
  expect(await consumerKeys(grantId)).toEqual([]);
  expect(Date.now() - revokedAt).toBeLessThan(10_000);
}, 60_000);
