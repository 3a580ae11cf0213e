/**
 * "The record for this grant" in one call (`GET /v1/grants/:grantId/record`), against the embedded network and a
 * real S3: the grant read once, a refusal code for each reason, one assembly and one delivery however many openers
 * arrive at once (a retry included), registrations read in pages, binaries checked without being decrypted at
 * assembly and authenticated chunk by chunk when downloaded. Every rule is also tried by someone getting round it.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Bundle, DocumentReference } from '@medplum/fhirtypes';
import type { AccessLogEntry, Caller, Category, RuleSpec } from '@custodia/chaincode';
import type { LedgerSession } from '@custodia/ledger';
import type { AssemblyResult } from '../src/assembly/assemble';
import { DatalakeError } from '../src/errors';
import { layout } from '../src/zones/layout';
import { ORG_DE, ORG_FR, pseudonym } from '../../network/test/fixtures/embedded-network';
import { aroundLedgerCall, startLakeOnLedger } from './lake-on-ledger';
import type { LakeOnLedger, LedgerCalls } from './lake-on-ledger';
import type { LedgerPort } from '../src/ledger/port';
import { documentForm } from './document-form';

jest.setTimeout(240_000);

const PATIENT = pseudonym('open-1');
const centre: Caller = { mspId: ORG_DE, id: 'centre-open', role: 'centre', country: 'DE' };
const patient: Caller = { mspId: ORG_DE, id: PATIENT, role: 'patient' };
const clinician: Caller = { mspId: ORG_FR, id: 'dr-open', role: 'clinician', country: 'FR' };
const colleague: Caller = { mspId: ORG_FR, id: 'dr-open-colleague', role: 'clinician', country: 'FR' };
/** More allergies than one page of `records:listRecordMeta` (100) holds. */
const ALLERGIES = 105;

let env: LakeOnLedger;
const calls: LedgerCalls = [];
/** While set, the lake's deliveries wait at the ledger's door until `release` settles (then go on unchanged). */
let heldDelivery: { readonly reached: () => void; readonly release: Promise<void> } | undefined;

/** Holds the lake's next deliveries at the ledger's door: `atLedger` once one arrives; `release` lets them all go. */
function holdDeliveries(): { readonly atLedger: Promise<void>; readonly release: () => void } {
  let reached = (): void => undefined;
  const atLedger = new Promise<void>((resolve) => {
    reached = resolve;
  });
  let release = (): void => undefined;
  heldDelivery = { reached, release: new Promise<void>((resolve) => (release = resolve)) };
  return {
    atLedger,
    release: () => {
      heldDelivery = undefined;
      release();
    },
  };
}

/**
 * Opens the grant with the delivery held at the ledger's door: `whileHeld` runs once the first open's delivery reached
 * it (and may open again, `openAgain`); the deliveries go on when it returns. Answers every open, the first first.
 */
async function openAroundHeldDelivery(
  grantId: string,
  whileHeld: (openAgain: () => Promise<Response>) => Promise<void>,
): Promise<Response[]> {
  const { atLedger, release } = holdDeliveries();
  const opens: Promise<Response>[] = [];
  try {
    opens.push(open(grantId));
    await atLedger;
    await whileHeld(() => {
      const again = open(grantId);
      opens.push(again);
      return again;
    });
  } finally {
    release();
  }
  return Promise.all(opens);
}

/** The lake's port with its deliveries held while `heldDelivery` is set; every call is the real one. */
function holdingDeliveries(port: LedgerPort): LedgerPort {
  return aroundLedgerCall(port, 'recordDelivery', (recordDelivery) => async (actor, grantId, hash) => {
    const held = heldDelivery;
    if (held !== undefined) {
      held.reached();
      await held.release;
    }
    return recordDelivery(actor, grantId, hash);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Waits (up to 20 s) until `done` holds. */
async function until(done: () => boolean | Promise<boolean>): Promise<void> {
  for (let waited = 0; !(await done()) && waited < 20_000; waited += 50) await sleep(50);
}
let patientLedger: LedgerSession;
let clinicianLedger: LedgerSession;

const allergy = (index: number) => ({
  resourceType: 'AllergyIntolerance',
  clinicalStatus: {
    coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }],
  },
  patient: { reference: `Patient/${PATIENT}` },
  code: { coding: [{ system: 'http://snomed.info/sct', code: String(91936005 + index) }] },
});

async function request(categories: Category[]): Promise<AccessLogEntry> {
  return clinicianLedger.access.request({
    patientId: PATIENT,
    categories,
    purpose: 'TREAT',
    requestId: randomUUID(),
  });
}

async function createRule(rule: RuleSpec): Promise<string> {
  return (await patientLedger.rules.create({ requestId: randomUUID(), rule })).ruleId;
}

/** A grant of `category` to the clinician, by a rule of its own (which the test may revoke). */
async function revocableGrant(category: Category): Promise<{ ruleId: string; grantId: string }> {
  const ruleId = await createRule({
    effect: 'permit',
    grantee: { kind: 'practitioner', id: clinician.id, mspId: clinician.mspId },
    categories: [category],
    labels: [],
    purposes: ['TREAT'],
  });
  return { ruleId, grantId: (await request([category])).grantId as string };
}

function open(grantId: string, actor: Caller = clinician, signal?: AbortSignal): Promise<Response> {
  return env.call('GET', `/v1/grants/${grantId}/record`, actor, signal === undefined ? {} : { signal });
}

async function refusal(response: Response): Promise<{ status: number; code: string }> {
  const body = (await response.json()) as { code: string };
  return { status: response.status, code: body.code };
}

async function deliveries(grantId: string): Promise<string[]> {
  const page = await patientLedger.access.listDeliveries(grantId, { pageSize: 100 });
  return page.items.map((delivery) => delivery.manifestHash);
}

async function keys(zone: 'consumer' | 'structured' | 'curated' | 'keys', prefix: string): Promise<string[]> {
  // The patient's home location (Germany): where the temporary record and the curated copies are.
  const location = env.lake.locations.forCountry('DE');
  const found: string[] = [];
  for await (const item of location.store.list(location.bucket(zone), prefix)) found.push(item.key);
  return found;
}

async function uploadDocument(sourceId: string, content: Buffer): Promise<string> {
  const form = documentForm(PATIENT, content);
  const uploaded = await env.call('POST', `/v1/patients/${PATIENT}/documents?sourceId=${sourceId}`, centre, {
    body: form,
  });
  expect(uploaded.status).toBe(201);
  return ((await uploaded.json()) as { records: { recordId: string }[] }).records[0]?.recordId ?? '';
}

beforeAll(async () => {
  env = await startLakeOnLedger({}, {}, { ledgerCalls: calls, wrapLedger: holdingDeliveries });
  for (const actor of [centre, patient, clinician, colleague]) await env.enrol(actor);
  patientLedger = env.ledgerAs(patient);
  clinicianLedger = env.ledgerAs(clinician);
  expect((await env.call('PUT', `/v1/patients/${PATIENT}`, patient)).status).toBe(204);
  for (let next = 0; next < ALLERGIES; next += 8)
    await Promise.all(
      Array.from({ length: Math.min(8, ALLERGIES - next) }, async (_, offset) => {
        const index = next + offset;
        const response = await env.call(
          'POST',
          `/v1/patients/${PATIENT}/records?sourceId=allergy-${index}`,
          centre,
          { body: JSON.stringify(allergy(index)), contentType: 'application/fhir+json' },
        );
        expect(response.status).toBe(201);
      }),
    );
  await createRule({
    effect: 'permit',
    grantee: { kind: 'role', role: 'clinician' },
    categories: ['allergies', 'documents', 'immunizations'],
    labels: [],
    purposes: ['TREAT'],
  });
}, 240_000);

afterAll(async () => {
  await env?.destroy();
});

it('opens a grant’s record in one call: one grant read, registrations in pages, one delivery', async () => {
  const grantId = (await request(['allergies'])).grantId as string;
  calls.splice(0);
  const first = await open(grantId);
  expect(first.status).toBe(200);
  const bundle = (await first.json()) as Bundle;
  const allergies = bundle.entry?.filter((each) => each.resource?.resourceType === 'AllergyIntolerance');
  expect(allergies).toHaveLength(ALLERGIES);
  // The grant is read once and handed down; 105 registrations come in two pages, none one by one.
  expect(calls.filter((name) => name === 'getGrant')).toHaveLength(1);
  expect(calls.filter((name) => name === 'listRecordMeta')).toHaveLength(2);
  expect(calls).not.toContain('getRecordMeta');
  expect(calls.filter((name) => name === 'recordDelivery')).toHaveLength(1);
  const logged = await deliveries(grantId);
  expect(logged).toEqual([first.headers.get('custodia-manifest-hash')]);
  // The curated copy was written once and is gone.
  expect(await keys('curated', layout.curatedGrant(grantId))).toEqual([]);

  // Opened again: the stored record, the same manifest, no second assembly or delivery, one grant read.
  calls.splice(0);
  const again = await open(grantId);
  expect(again.status).toBe(200);
  expect(again.headers.get('custodia-manifest-hash')).toBe(logged[0]);
  expect((await again.json()) as Bundle).toEqual(bundle);
  expect(calls).toEqual(['getGrant', 'signerOf']);
  expect(await deliveries(grantId)).toEqual(logged);
});

it('refuses with a code for each reason, and stores nothing for a refusal', async () => {
  const grantId = (await request(['allergies'])).grantId as string;
  expect(await refusal(await open('no-such-grant'))).toEqual({ status: 404, code: 'GRANT_NOT_FOUND' });
  // A request the rules denied entirely is logged, but is no grant.
  const denied = await request(['medications']);
  expect(denied.grantId).toBeUndefined();
  expect(await refusal(await open(denied.entryId))).toEqual({ status: 404, code: 'GRANT_NOT_FOUND' });
  // Another clinician, enrolled and signing with their own certificate, asking for this grant's record.
  expect(await refusal(await open(grantId, colleague))).toEqual({ status: 403, code: 'NOT_REQUESTER' });
  // The requester's own id with a country their certificate does not carry.
  expect(await refusal(await open(grantId, { ...clinician, country: 'DE' }))).toEqual({
    status: 403,
    code: 'COUNTRY_NOT_ALLOWED',
  });
  expect(await keys('consumer', layout.consumerGrant(grantId))).toEqual([]);
  expect(await deliveries(grantId)).toEqual([]);

  // Revoked: refused, by the same one call, before and after the record was stored.
  const ruleId = await createRule({
    effect: 'permit',
    grantee: { kind: 'practitioner', id: clinician.id, mspId: clinician.mspId },
    categories: ['vital-signs'],
    labels: [],
    purposes: ['TREAT'],
  });
  const revocable = (await request(['vital-signs'])).grantId as string;
  expect((await open(revocable)).status).toBe(200);
  await patientLedger.rules.revoke(ruleId);
  expect(await refusal(await open(revocable))).toEqual({ status: 403, code: 'GRANT_NOT_ACTIVE' });
  const never = (await request(['vital-signs'])).grantId;
  expect(never).toBeUndefined();
});

it('refuses a narrowed grant’s stored record once a deny scheduled after it is in force', async () => {
  const grantId = (await request(['immunizations'])).grantId as string;
  // Opened (assembled, stored, delivered) while the grant is active.
  expect((await open(grantId)).status).toBe(200);
  const inForceAt = new Date(Date.now() + 4_000);
  await createRule({
    effect: 'deny',
    grantee: { kind: 'practitioner', id: clinician.id, mspId: clinician.mspId },
    categories: ['immunizations'],
    labels: [],
    purposes: ['TREAT'],
    notBefore: inForceAt.toISOString(),
  });
  await new Promise((resolve) => setTimeout(resolve, inForceAt.getTime() - Date.now() + 500));
  expect((await clinicianLedger.access.getGrant(grantId)).status).toBe('narrowed');
  // The clinician opens the record already stored for the grant: the one grant read refuses it, as it would an
  // assembly or a binary.
  expect(await refusal(await open(grantId))).toEqual({ status: 403, code: 'GRANT_NOT_ACTIVE' });
  expect(await refusal(await env.call('POST', `/v1/grants/${grantId}/assembly`, clinician))).toEqual({
    status: 403,
    code: 'GRANT_NOT_ACTIVE',
  });
  expect(await deliveries(grantId)).toHaveLength(1);
});

it('gives concurrent openers one assembly and one delivery, and nothing to another clinician joining', async () => {
  const grantId = (await request(['allergies'])).grantId as string;
  calls.splice(0);
  const openers = Array.from({ length: 8 }, () => open(grantId));
  const intruder = open(grantId, colleague);
  const answers = await Promise.all(openers);
  expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 8 }, () => 200));
  const bodies = await Promise.all(answers.map((answer) => answer.text()));
  expect(new Set(bodies).size).toBe(1);
  expect(await refusal(await intruder)).toEqual({ status: 403, code: 'NOT_REQUESTER' });
  expect(calls.filter((name) => name === 'recordDelivery')).toHaveLength(1);
  expect(await deliveries(grantId)).toHaveLength(1);
  expect(await keys('structured', layout.deliveryManifests(grantId))).toHaveLength(1);
  expect(env.lake.records?.assembling).toBe(0);
});

it('looks for a stored record a second time only when a flight ended since the first look', async () => {
  const consumer = env.lake.consumer;
  const looks = jest.spyOn(consumer, 'meta');
  try {
    // A lone first open: one look, then the assembly — no second look at what nobody could have stored meanwhile.
    const lone = (await request(['allergies'])).grantId as string;
    expect((await open(lone)).status).toBe(200);
    expect(looks.mock.calls.filter(([, grantId]) => grantId === lone).length).toBe(1);

    // An opener whose look missed while another opener's flight ran, and that goes on after it ended: it looks
    // again, and streams the stored record instead of assembling and delivering it a second time.
    const grantId = (await request(['allergies'])).grantId as string;
    let lookMissed = (): void => undefined;
    const missed = new Promise<void>((resolve) => (lookMissed = resolve));
    let goOn = (): void => undefined;
    const resumed = new Promise<void>((resolve) => (goOn = resolve));
    const look = consumer.open.bind(consumer);
    jest.spyOn(consumer, 'open').mockImplementationOnce(async (...args) => {
      try {
        return await look(...args);
      } finally {
        lookMissed();
        await resumed;
      }
    });
    calls.splice(0);
    const late = open(grantId);
    await missed;
    const first = await open(grantId);
    expect(first.status).toBe(200);
    const body = await first.text();
    goOn();
    const second = await late;
    expect(second.status).toBe(200);
    expect(await second.text()).toBe(body);
    expect(calls.filter((name) => name === 'recordDelivery')).toHaveLength(1);
    expect(await deliveries(grantId)).toHaveLength(1);
  } finally {
    jest.restoreAllMocks();
  }
});

it('lets nothing out before its delivery is on the ledger: not to a second opener, not after a crash', async () => {
  const grantId = (await request(['allergies'])).grantId as string;
  // The record is assembled and its delivery is on its way to the ledger, held there.
  const answers = await openAroundHeldDelivery(grantId, async (openAgain) => {
    // What a crash at this moment would leave behind: nothing anyone can open.
    expect(await env.lake.consumer.meta(env.lake.locations.forCountry('DE'), grantId)).toBeUndefined();
    // The same clinician opens it again meanwhile (another tab, a retry): nothing comes back yet.
    const second = openAgain();
    const early = await Promise.race([second.then(() => 'answered'), sleep(1_000).then(() => 'waiting')]);
    expect(early).toBe('waiting');
    expect(await deliveries(grantId)).toEqual([]);
  });
  expect(answers.map((answer) => answer?.status)).toEqual([200, 200]);
  const logged = await deliveries(grantId);
  expect(logged).toEqual([answers[0]?.headers.get('custodia-manifest-hash')]);
  const [one, two] = await Promise.all(answers.map((answer) => answer?.text()));
  expect(two).toBe(one);
});

it('releases nothing, to any opener, of a record whose delivery the ledger refuses (revoked meanwhile)', async () => {
  const { ruleId, grantId } = await revocableGrant('procedures');
  const answers = await openAroundHeldDelivery(grantId, async (openAgain) => {
    // A second opener, its grant read while still active, asks while the record waits for its delivery; then the
    // patient revokes, and the ledger refuses the delivery.
    openAgain();
    await sleep(1_000);
    await patientLedger.rules.revoke(ruleId);
  });
  for (const answer of answers)
    expect(await refusal(answer as Response)).toEqual({ status: 403, code: 'GRANT_NOT_ACTIVE' });
  expect(await deliveries(grantId)).toEqual([]);
  expect(await keys('consumer', layout.consumerGrant(grantId))).toEqual([]);
  expect(await env.lake.consumer.meta(env.lake.locations.forCountry('DE'), grantId)).toBeUndefined();
});

it('hands out nothing and leaves nothing when the grant is revoked after its delivery, before its record is published', async () => {
  const { ruleId, grantId } = await revocableGrant('procedures');
  const home = env.lake.locations.forCountry('DE');
  const { consumer } = env.lake;
  const publish = consumer.publish.bind(consumer);
  // The race, for real: the delivery is committed; before the record is published the patient revokes, and the lake's
  // revocation listener, following the ledger's events, removes what it finds of the grant's record (its stored
  // object among them: the grant's prefix empties).
  const raced = jest.spyOn(consumer, 'publish').mockImplementation(async (location, meta) => {
    if (meta.grantId === grantId) {
      await patientLedger.rules.revoke(ruleId);
      await until(async () => (await keys('consumer', layout.consumerGrant(grantId))).length === 0);
    }
    return publish(location, meta);
  });
  try {
    // Before: the Bundle went to the opener, and the metadata of a record whose data was gone stayed until expiry.
    expect(await refusal(await open(grantId))).toEqual({ status: 403, code: 'GRANT_NOT_ACTIVE' });
  } finally {
    raced.mockRestore();
  }
  // The delivery was committed before the revocation: the ledger keeps it; nothing of the record is left.
  expect(await deliveries(grantId)).toHaveLength(1);
  expect(await keys('consumer', layout.consumerGrant(grantId))).toEqual([]);
  expect(await consumer.meta(home, grantId)).toBeUndefined();
  expect(await keys('keys', layout.consumerGrant(grantId))).toEqual([]);
  expect((await keys('consumer', layout.expiryMarkers())).filter((key) => key.includes(grantId))).toEqual([]);
});

/**
 * Holds the upload of `grantId`'s curated copy (in the patient's home location) until `failCopy`, which fails it, and
 * slows the storing of its manifest; `restore` puts the store back.
 */
function holdCuratedCopy(grantId: string): { readonly failCopy: () => void; readonly restore: () => void } {
  const home = env.lake.locations.forCountry('DE');
  const put = home.store.put.bind(home.store);
  let failCopy = (): void => undefined;
  const copyHeld = new Promise<void>((resolve) => (failCopy = resolve));
  const held = jest.spyOn(home.store, 'put').mockImplementation(async (bucket, key, body, options) => {
    // The grant's manifest is slow to store: the delivery must still wait for it.
    if (key.startsWith(layout.deliveryManifests(grantId))) {
      await sleep(300);
      return put(bucket, key, body, options);
    }
    if (bucket !== home.bucket('curated') || !key.includes(grantId)) return put(bucket, key, body, options);
    if (Readable.isReadable(body as Readable)) (body as Readable).resume();
    await copyHeld;
    throw new DatalakeError('STORAGE_UNAVAILABLE', 'the curated copy could not be stored');
  });
  return { failCopy, restore: () => held.mockRestore() };
}

it('delivers nothing and leaves nothing when the manifest cannot be stored, the curated copy unfinished', async () => {
  const grantId = (await request(['allergies'])).grantId as string;
  const home = env.lake.locations.forCountry('DE');
  const put = home.store.put.bind(home.store);
  const curatedPuts: string[] = [];
  const failing = jest.spyOn(home.store, 'put').mockImplementation(async (bucket, key, body, options) => {
    if (bucket === home.bucket('curated')) curatedPuts.push(key);
    if (!key.startsWith(layout.deliveryManifests(grantId))) return put(bucket, key, body, options);
    throw new DatalakeError('STORAGE_UNAVAILABLE', 'the manifest could not be stored');
  });
  calls.splice(0);
  try {
    expect((await open(grantId)).status).toBe(503);
  } finally {
    failing.mockRestore();
  }
  // The ledger never holds the hash of a manifest nobody can read, and the copy was never finished nor left behind.
  expect(calls.filter((name) => name === 'recordDelivery')).toHaveLength(0);
  expect(await deliveries(grantId)).toEqual([]);
  expect(curatedPuts.filter((key) => key.includes(grantId))).toEqual([]);
  expect(await keys('curated', layout.curatedGrant(grantId))).toEqual([]);
  expect(await keys('keys', layout.curatedKeys(grantId))).toEqual([]);
  expect(await keys('consumer', layout.consumerGrant(grantId))).toEqual([]);
  expect(await env.lake.consumer.meta(home, grantId)).toBeUndefined();
  expect(env.lake.records?.assembling).toBe(0);
  // The next open assembles anew, and delivers that.
  const retried = await open(grantId);
  expect(retried.status).toBe(200);
  await retried.arrayBuffer();
  expect(await deliveries(grantId)).toHaveLength(1);
});

it('sends the delivery while the curated copy is stored, and publishes nothing when that copy fails', async () => {
  const grantId = (await request(['allergies'])).grantId as string;
  const home = env.lake.locations.forCountry('DE');
  const { failCopy, restore } = holdCuratedCopy(grantId);
  const { atLedger, release } = holdDeliveries();
  try {
    const opened = open(grantId);
    // The delivery reaches the ledger while the curated copy is still on its way (it used to wait for the copy).
    await Promise.race([
      atLedger,
      sleep(30_000).then(() => {
        throw new Error('the delivery waited for the curated copy');
      }),
    ]);
    // The manifest, though, is stored before the ledger holds its hash: auditors can always read what it hashes.
    expect(await keys('structured', layout.deliveryManifests(grantId))).toHaveLength(1);
    release();
    // Committed while the copy is still held.
    await until(async () => (await deliveries(grantId)).length === 1);
    expect(await deliveries(grantId)).toHaveLength(1);
    expect(await keys('consumer', layout.consumerGrant(grantId))).not.toEqual([]);
    expect(await env.lake.consumer.meta(home, grantId)).toBeUndefined();
    failCopy();
    expect((await opened).status).toBe(503);
  } finally {
    release();
    restore();
  }
  // Logged too much, never too little: the delivery stays on the ledger; nothing of the record is readable or left.
  expect(await deliveries(grantId)).toHaveLength(1);
  expect(await env.lake.consumer.meta(home, grantId)).toBeUndefined();
  expect(await keys('consumer', layout.consumerGrant(grantId))).toEqual([]);
  expect(await keys('curated', layout.curatedGrant(grantId))).toEqual([]);
  expect(await keys('keys', layout.curatedKeys(grantId))).toEqual([]);
  // The next open assembles anew, and delivers that.
  const retried = await open(grantId);
  expect(retried.status).toBe(200);
  await retried.arrayBuffer();
  expect(await deliveries(grantId)).toHaveLength(2);
});

it('answers the ledger’s refusal, not "retry", when the delivery is refused and the curated copy fails too', async () => {
  // A grant releasing records (so with a curated copy), which the patient then ends ("end now").
  const grantId = (await request(['allergies'])).grantId as string;
  const { failCopy, restore } = holdCuratedCopy(grantId);
  try {
    const [answer] = await openAroundHeldDelivery(grantId, async () => {
      await patientLedger.access.endGrant(grantId);
      failCopy();
    });
    expect(await refusal(answer as Response)).toEqual({ status: 403, code: 'GRANT_NOT_ACTIVE' });
  } finally {
    restore();
  }
  expect(await deliveries(grantId)).toEqual([]);
  expect(await keys('consumer', layout.consumerGrant(grantId))).toEqual([]);
  expect(await keys('curated', layout.curatedGrant(grantId))).toEqual([]);
});

it('lets a retry join the assembly its abandoned first attempt started', async () => {
  const grantId = (await request(['allergies'])).grantId as string;
  const abandoned = new AbortController();
  const first = open(grantId, clinician, abandoned.signal).catch((error: unknown) => error);
  for (let waited = 0; env.lake.records?.assembling !== 1 && waited < 5_000; waited += 2)
    await new Promise((resolve) => setTimeout(resolve, 2));
  expect(env.lake.records?.assembling).toBe(1);
  // The client gives up and asks again while the lake is still assembling.
  abandoned.abort();
  await first;
  const retry = await open(grantId);
  expect(retry.status).toBe(200);
  await retry.arrayBuffer();
  expect(await deliveries(grantId)).toHaveLength(1);
});

it('assembles again on request, replacing the stored record, and logs that delivery too', async () => {
  const grantId = (await request(['allergies'])).grantId as string;
  const opened = await open(grantId);
  await opened.arrayBuffer();
  const again = await env.call('POST', `/v1/grants/${grantId}/assembly`, clinician);
  expect(again.status).toBe(201);
  const result = (await again.json()) as AssemblyResult;
  expect(result.included).toHaveLength(ALLERGIES);
  expect((await open(grantId)).headers.get('custodia-manifest-hash')).toBe(result.manifestHash);
  expect(await deliveries(grantId)).toEqual(
    expect.arrayContaining([opened.headers.get('custodia-manifest-hash'), result.manifestHash]),
  );
  expect(await refusal(await env.call('POST', `/v1/grants/${grantId}/assembly`, colleague))).toEqual({
    status: 403,
    code: 'NOT_REQUESTER',
  });
});

describe('binaries', () => {
  const raw = async (recordId: string): Promise<{ key: string; bytes: Buffer }> => {
    const document = await env.lake.index.get(PATIENT, recordId);
    if (document?.binary === undefined) throw new Error('no binary document');
    const location = env.lake.locations.forCountry(document.country);
    const key = layout.rawObject(PATIENT, document.binary.objectId);
    const bytes = await location.store.getBuffer(location.bucket('raw'), key, 4 * 1024 * 1024);
    if (bytes === undefined) throw new Error('no raw binary');
    return { key, bytes };
  };
  const put = async (key: string, bytes: Buffer): Promise<void> => {
    const location = env.lake.locations.forCountry('DE');
    await location.store.put(location.bucket('raw'), key, bytes);
  };
  const linkOf = (bundle: Bundle, recordId: string): string => {
    const reference = bundle.entry
      ?.map((each) => each.resource)
      .find(
        (resource) =>
          resource?.resourceType === 'DocumentReference' &&
          (resource as DocumentReference).content[0]?.attachment.url?.includes(recordId),
      ) as DocumentReference | undefined;
    return reference?.content[0]?.attachment.url ?? '';
  };

  it('releases a binary checked on its registration, not decrypted, and authenticated chunk by chunk when read', async () => {
    const content = Buffer.alloc(300 * 1024, 7);
    const recordId = await uploadDocument('scan-open-1', content);
    // An attacker with write access to the raw bucket flips one byte of the stored binary (same length).
    const { key, bytes } = await raw(recordId);
    const flipped = Buffer.from(bytes);
    flipped[200 * 1024] = (flipped[200 * 1024] as number) ^ 0x01;
    await put(key, flipped);

    const grantId = (await request(['documents'])).grantId as string;
    const bundle = (await (await open(grantId)).json()) as Bundle;
    const link = linkOf(bundle, recordId);
    expect(link).not.toBe('');
    // Downloading stops at the changed chunk: the clinician never receives the whole (altered) file.
    const response = await env.call('GET', link, clinician);
    const outcome =
      response.status === 200
        ? await response.arrayBuffer().then(
            () => 'whole',
            () => 'cut short',
          )
        : 'refused';
    expect(outcome).not.toBe('whole');

    // Restored, it downloads byte for byte.
    await put(key, bytes);
    const whole = await env.call('GET', link, clinician);
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(content)).toBe(true);
  });

  it('excludes a binary whose stored object was cut short, and lists it in the manifest', async () => {
    const recordId = await uploadDocument('scan-open-2', Buffer.alloc(200 * 1024, 9));
    const { key, bytes } = await raw(recordId);
    await put(key, bytes.subarray(0, bytes.length - 64 * 1024));
    const grantId = (await request(['documents'])).grantId as string;
    const assembled = await env.call('POST', `/v1/grants/${grantId}/assembly`, clinician);
    const result = (await assembled.json()) as AssemblyResult;
    expect(result.excluded).toContainEqual({ recordId, reason: 'unreadable' });
    expect(result.included.map((each) => each.recordId)).not.toContain(recordId);
    await put(key, bytes);
  });
});
