/**
 * Erasure end to end (issue #16, "Done when" 1), on the whole platform the test starts: a patient with a FHIR
 * upload and a binary, rules, a grant whose record was delivered, a break-glass access, a clinician's contribution,
 * an abandoned upload and one still in flight — each carrying planted identifying strings (name, birth date, source
 * ids, file name, the break-glass words) — asks for erasure, and an administrator of her hospital carries it out.
 *
 * Afterwards: no file under the platform's data directory — ledger blocks and state, wallet, CA, gateway stores, data
 * lake, S3 data — holds any planted string (read raw, byte for byte; nothing there is compressed: Fabric's block
 * files and LevelDB's logs keep values as written, and the S3 server stores objects as sent); the gateway's own
 * stores, opened with its own key, hold nothing of hers any more (account, sessions, uploads, contributions,
 * reasons, wallet identity); a copy of the S3 buckets taken before the erasure no longer decrypts with the lake's
 * keys; sign-in, the clinician's record, new requests and uploads are refused; the auditors' replay finds nothing
 * wrong. And the attacks: another patient, a clinician and another hospital's administrator cannot erase her, and
 * replaying the request or the erasure changes nothing.
 */
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SecretBox, UserStore } from '../src/identity';
import { totpCode } from '../src/index';
import { filesHolding, readableInCopy } from '../../datalake/test/at-rest';
import { jsonOf, problemOf } from './fixtures/answers';
import { API, demoApi } from './fixtures/api';
import { startTestPlatform } from './fixtures/platform';
import type { TestPlatform } from './fixtures/platform';

jest.setTimeout(600_000);

const PART_BYTES = 64 * 1024;
const planted = {
  given: 'Wendelgard',
  family: 'Oszczepalska-Brunnquell',
  birthDate: '1949-11-23',
  fhirSource: 'exports/oszczepalska-brunnquell-1949-11-23.json',
  binarySource: 'scans/oszczepalska-brunnquell-discharge.pdf',
  abandonedSource: 'scans/oszczepalska-brunnquell-abandoned.pdf',
  inFlightSource: 'scans/oszczepalska-brunnquell-in-flight.pdf',
  fileName: 'oszczepalska-brunnquell-letter.pdf',
  reason: 'Oszczepalska-Brunnquell found unconscious at Alexanderplatz, suspected overdose',
  contribution: 'Oszczepalska-Brunnquell reports chest pain since Tuesday',
};
const NEEDLES = [
  planted.family,
  planted.given,
  planted.birthDate,
  planted.fhirSource,
  planted.binarySource,
  planted.abandonedSource,
  planted.inFlightSource,
  planted.fileName,
  'Alexanderplatz',
  'oszczepalska-brunnquell',
  'Oszczepalska',
];
const PATIENT_LOGIN = { username: 'wendelgard.o', password: 'a long enough passphrase 1949' };

let stack: TestPlatform;
const { token, send, get } = demoApi(() => stack);
let patientId: string;
let patientUserId: string;
let patientToken: string;
let grantId: string;
let inFlightUploadId: string;
let backupDir: string;

const call = (method: string, route: string, bearer: string, body?: unknown) =>
  stack.call(method, `${API}${route}`, bearer, body);

async function signIn(username: string, password: string): Promise<Response> {
  return stack.call('POST', `${API}/auth/login`, undefined, { username, password });
}

function announce(sourceId: string, size: number) {
  return send('POST', '/uploads', 'centre.berlin', {
    patientId,
    sourceId,
    fileName: planted.fileName,
    contentType: 'application/pdf',
    size,
    documentReference: {
      resourceType: 'DocumentReference',
      status: 'current',
      subject: { reference: `Patient/${patientId}` },
      description: `Letter about ${planted.given} ${planted.family}, born ${planted.birthDate}`,
      content: [{ attachment: { contentType: 'application/pdf', title: `${planted.family} letter` } }],
    },
  });
}

const putPart = async (uploadId: string, index: number, bytes: Buffer) =>
  stack.call('PUT', `${API}/uploads/${uploadId}/parts/${index}`, await token('centre.berlin'), bytes, {
    'content-type': 'application/octet-stream',
  });

const letter = Buffer.concat([
  Buffer.from(`%PDF-1.7 ${planted.given} ${planted.family} ${planted.birthDate} `),
  Buffer.alloc(PART_BYTES + 1000, 0x20),
]);

/** An administrator of another hospital (FR), signed in with the second factor every admin needs. */
async function otherHospitalAdmin(): Promise<string> {
  const password = 'another admin passphrase';
  await stack.platform.identity.createUser({
    username: 'admin.paris',
    password,
    displayName: 'Admin Paris',
    role: 'admin',
    mspId: 'HospitalFRMSP',
    country: 'FR',
  });
  const setup = (await (await signIn('admin.paris', password)).json()) as { setupToken: string };
  const { secret } = await jsonOf<{ secret: string }>(
    await stack.call('POST', `${API}/auth/mfa/setup`, undefined, { setupToken: setup.setupToken }),
    200,
  );
  const confirmed = await jsonOf<{ accessToken: string }>(
    await stack.call('POST', `${API}/auth/mfa/confirm`, undefined, {
      setupToken: setup.setupToken,
      code: totpCode(secret, Date.now()),
    }),
    200,
  );
  return confirmed.accessToken;
}

beforeAll(async () => {
  stack = await startTestPlatform({ env: { CUSTODIA_UPLOAD_PART_BYTES: String(PART_BYTES) } });

  // A patient of HospitalDE, created by its administrator with her identification set.
  ({ ledgerId: patientId, userId: patientUserId } = await jsonOf<{ ledgerId: string; userId: string }>(
    await send('POST', '/admin/users', 'admin', {
      ...PATIENT_LOGIN,
      displayName: `${planted.given} ${planted.family}`,
      role: 'patient',
      email: 'wendelgard.oszczepalska@example.org',
      person: {
        given: [planted.given],
        family: planted.family,
        birthDate: planted.birthDate,
        gender: 'female',
      },
    }),
    201,
  ));
  patientToken = (
    await jsonOf<{ accessToken: string }>(await signIn(PATIENT_LOGIN.username, PATIENT_LOGIN.password), 200)
  ).accessToken;

  // Her rules: clinicians may see problems and documents; emergency access to problems.
  await jsonOf(
    await call('POST', `/patients/${patientId}/rules`, patientToken, {
      effect: 'permit',
      grantee: { kind: 'role', role: 'clinician' },
      categories: ['problems', 'documents'],
      labels: [],
      purposes: ['TREAT'],
    }),
    201,
  );
  await jsonOf(
    await call('PUT', `/patients/${patientId}/emergency-policy`, patientToken, {
      enabled: true,
      roles: ['clinician'],
      countries: [],
      categories: ['problems'],
      labels: [],
      maxDurationMinutes: 60,
    }),
    200,
  );

  // A FHIR upload naming her, under a file-name-like source id.
  const bundle = {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      {
        resource: {
          resourceType: 'Patient',
          id: patientId,
          name: [{ family: planted.family, given: [planted.given] }],
          birthDate: planted.birthDate,
        },
      },
      {
        resource: {
          resourceType: 'Condition',
          subject: { reference: `Patient/${patientId}` },
          code: { coding: [{ system: 'http://snomed.info/sct', code: '195967001' }] },
          note: [{ text: `${planted.given} ${planted.family} reports wheezing` }],
        },
      },
    ],
  };
  expect(
    (
      await stack.call(
        'POST',
        `${API}/patients/${patientId}/records?sourceId=${encodeURIComponent(planted.fhirSource)}`,
        await token('centre.berlin'),
        JSON.stringify(bundle),
        { 'content-type': 'application/fhir+json' },
      )
    ).status,
  ).toBe(201);

  // A binary, completed; another abandoned after its first part; a third still in flight at the erasure.
  const stored = await jsonOf<{ uploadId: string }>(await announce(planted.binarySource, letter.length), 201);
  expect((await putPart(stored.uploadId, 0, letter.subarray(0, PART_BYTES))).status).toBe(200);
  expect((await putPart(stored.uploadId, 1, letter.subarray(PART_BYTES))).status).toBe(200);
  await jsonOf(await send('POST', `/uploads/${stored.uploadId}/complete`, 'centre.berlin'), 200);
  const abandoned = await jsonOf<{ uploadId: string }>(
    await announce(planted.abandonedSource, letter.length),
    201,
  );
  expect((await putPart(abandoned.uploadId, 0, letter.subarray(0, PART_BYTES))).status).toBe(200);
  inFlightUploadId = (
    await jsonOf<{ uploadId: string }>(await announce(planted.inFlightSource, letter.length), 201)
  ).uploadId;
  expect((await putPart(inFlightUploadId, 0, letter.subarray(0, PART_BYTES))).status).toBe(200);

  // A clinician's grant whose record was delivered, a break-glass access with his words, a contribution.
  const entry = await jsonOf<{ grantId: string }>(
    await send('POST', '/access-requests', 'dr.weber', {
      patientId,
      categories: ['problems', 'documents'],
      purpose: 'TREAT',
    }),
    201,
  );
  grantId = entry.grantId;
  const record = await get(`/grants/${grantId}/record`, 'dr.weber');
  expect(record.status).toBe(200);
  expect(await record.text()).toContain(planted.family);
  await jsonOf(
    await send('POST', '/emergency-access', 'dr.dubois', {
      patientId,
      categories: ['problems'],
      reasonCode: 'unconscious',
      reason: planted.reason,
    }),
    201,
  );
  await jsonOf(
    await send('POST', `/patients/${patientId}/contributions`, 'dr.weber', {
      categories: ['problems'],
      labels: [],
      resource: { resourceType: 'Observation', status: 'final', code: { text: planted.contribution } },
    }),
    201,
  );
  // The patient reads the break-glass words in her access log (so they are kept, and readable, before).
  const log = await jsonOf<{ items: { reason?: { text: string } }[] }>(
    await call('GET', `/patients/${patientId}/access-log`, patientToken),
    200,
  );
  expect(log.items.map((item) => item.reason?.text)).toContain(planted.reason);

  // The backup: a copy of the buckets taken before the erasure.
  backupDir = await mkdtemp(path.join(tmpdir(), 'custodia-bucket-copy-'));
  await cp(path.join(stack.dataDir, 's3'), backupDir, { recursive: true });
});

afterAll(async () => {
  await stack?.destroy();
  if (backupDir !== undefined) await rm(backupDir, { recursive: true, force: true });
});

describe('before the erasure', () => {
  it('reads the copy of the buckets with the lake’s keys (so the check after the erasure can fail)', async () => {
    const readable = await readableInCopy(backupDir, path.join(stack.dataDir, 'datalake'), patientId);
    expect(readable.objects).toBeGreaterThanOrEqual(2);
    expect(readable.documents).toBeGreaterThanOrEqual(2);
    expect(readable.refused).toBe(0);
  });

  it('tells the patient what is erased and what stays on the ledger, and files her request once', async () => {
    const before = await jsonOf<{ request: unknown; statement: { remains: { code: string }[] } }>(
      await call('GET', `/patients/${patientId}/erasure-request`, patientToken),
      200,
    );
    expect(before.request).toBeNull();
    expect(before.statement.remains.map((item) => item.code)).toEqual(['pseudonym', 'log', 'hashes']);
    // She must confirm.
    await problemOf(
      await call('POST', `/patients/${patientId}/erasure-request`, patientToken, {}),
      400,
      'VALIDATION_FAILED',
    );
    const filed = await jsonOf<{ status: string; openedAt: string; statement: { why: string } }>(
      await call('POST', `/patients/${patientId}/erasure-request`, patientToken, { confirm: true }),
      202,
    );
    expect(filed.status).toBe('requested');
    expect(filed.statement.why).toMatch(/nothing on the ledger can be tied back to you/);
    // Replaying the request changes nothing.
    const replayed = await jsonOf<{ openedAt: string }>(
      await call('POST', `/patients/${patientId}/erasure-request`, patientToken, { confirm: true }),
      202,
    );
    expect(replayed.openedAt).toBe(filed.openedAt);
    const pending = await jsonOf<{ items: { patientId: string; status: string }[] }>(
      await get('/admin/erasure-requests', 'admin'),
      200,
    );
    expect(pending.items.filter((item) => item.patientId === patientId)).toEqual([
      expect.objectContaining({ patientId, status: 'requested' }),
    ]);
  });

  it('lets no other patient, clinician or other hospital’s administrator erase her; nothing changes', async () => {
    await problemOf(
      await send('POST', `/patients/${patientId}/erasure-request`, 'anna', { confirm: true }),
      403,
      'NOT_OWNER',
    );
    await problemOf(await send('POST', `/admin/patients/${patientId}/erasure`, 'anna', {}), 403, 'FORBIDDEN');
    await problemOf(
      await send('POST', `/admin/patients/${patientId}/erasure`, 'dr.weber', {}),
      403,
      'FORBIDDEN',
    );
    await problemOf(await send('GET', '/admin/erasure-requests', 'centre.berlin'), 403, 'FORBIDDEN');
    const paris = await otherHospitalAdmin();
    await problemOf(
      await call('POST', `/admin/patients/${patientId}/erasure`, paris, { reference: 'FR-123' }),
      403,
      'OTHER_ORGANISATION',
    );
    // Another hospital's administrator does not even see the request.
    const theirs = await jsonOf<{ items: { patientId: string }[] }>(
      await call('GET', '/admin/erasure-requests?status=all', paris),
      200,
    );
    expect(theirs.items.map((item) => item.patientId)).not.toContain(patientId);
    // Her data is all still there: her grant is active and her record is served.
    expect((await jsonOf<{ status: string }>(await get(`/grants/${grantId}`, 'dr.weber'), 200)).status).toBe(
      'active',
    );
    expect((await call('GET', `/patients/${patientId}/rules`, patientToken)).status).toBe(200);
  });
});

describe('the erasure', () => {
  it('is carried out by an administrator of her hospital, and running it again changes nothing', async () => {
    const erased = await jsonOf<{ status: string; steps: Record<string, string>; erasedAt: string }>(
      await send('POST', `/admin/patients/${patientId}/erasure`, 'admin', {}),
      200,
    );
    expect(erased.status).toBe('erased');
    expect(Object.keys(erased.steps)).toEqual(['ledger', 'datalake', 'gateway', 'certificate']);
    const again = await jsonOf<{ erasedAt: string }>(
      await send('POST', `/admin/patients/${patientId}/erasure`, 'admin', {}),
      200,
    );
    expect(again.erasedAt).toBe(erased.erasedAt);
    const done = await jsonOf<{ items: { patientId: string }[] }>(
      await get('/admin/erasure-requests?status=erased', 'admin'),
      200,
    );
    expect(done.items.map((item) => item.patientId)).toContain(patientId);
  });

  it('leaves none of the planted strings anywhere under the data directory, ledger files included', async () => {
    expect(await filesHolding(stack.dataDir, NEEDLES)).toEqual([]);
    expect(stack.logs.filter((line) => NEEDLES.some((needle) => line.includes(needle)))).toEqual([]);
  });

  it('leaves nothing of hers in the gateway’s stores, even opened with the gateway’s own key', async () => {
    const gatewayDir = path.join(stack.dataDir, 'gateway');
    const box = await SecretBox.open(gatewayDir, process.env);
    const users = await UserStore.open(gatewayDir, box);
    expect(users.find((user) => user.ledgerId === patientId)).toBeUndefined();
    expect(users.byUsername(PATIENT_LOGIN.username)).toBeUndefined();
    const sessions = await readFile(path.join(gatewayDir, 'sessions', 'refresh-tokens.json'), 'utf8');
    expect(sessions).not.toContain(patientUserId);
    expect(stack.platform.identity.listUsers().filter((user) => user.ledgerId === patientId)).toEqual([]);
    const gatewayFiles = (await readdir(gatewayDir, { recursive: true })).map(String);
    expect(gatewayFiles.filter((name) => name.startsWith(`contributions${path.sep}`))).toEqual([]);
    expect(gatewayFiles.filter((name) => name.startsWith(`reasons${path.sep}patients${path.sep}`))).toEqual(
      [],
    );
    // The centre's upload history no longer lists any of her uploads.
    const history = await jsonOf<{ items: { patientId: string }[] }>(
      await get('/uploads?pageSize=100', 'centre.berlin'),
      200,
    );
    expect(history.items.filter((item) => item.patientId === patientId)).toEqual([]);
    // Her wallet identity is gone.
    const wallet = await stack.platform.wallet.list();
    expect(wallet.filter((entry) => entry.id === patientId)).toEqual([]);
  });

  it('makes the copy of the buckets taken before the erasure undecryptable', async () => {
    const readable = await readableInCopy(backupDir, path.join(stack.dataDir, 'datalake'), patientId);
    expect({ objects: readable.objects, documents: readable.documents }).toEqual({
      objects: 0,
      documents: 0,
    });
    expect(readable.refused).toBeGreaterThanOrEqual(4);
  });
});

describe('after the erasure', () => {
  it('refuses her sign-in and her tokens; replaying her request finds no one', async () => {
    await problemOf(await signIn(PATIENT_LOGIN.username, PATIENT_LOGIN.password), 401, 'INVALID_CREDENTIALS');
    await problemOf(
      await call('POST', `/patients/${patientId}/erasure-request`, patientToken, { confirm: true }),
      401,
      'TOKEN_INVALID',
    );
  });

  it('refuses the clinician’s record and new requests, break-glass and contributions for her', async () => {
    const grant = await jsonOf<{ status: string }>(await get(`/grants/${grantId}`, 'dr.weber'), 200);
    expect(grant.status).toBe('revoked');
    // The ledger revoked the grant with the erasure: the data lake releases nothing under it.
    await problemOf(await get(`/grants/${grantId}/record`, 'dr.weber'), 403, 'GRANT_NOT_ACTIVE');
    await problemOf(
      await send('POST', '/access-requests', 'dr.weber', {
        patientId,
        categories: ['problems'],
        purpose: 'TREAT',
      }),
      410,
      'PATIENT_ERASED',
    );
    await problemOf(
      await send('POST', '/emergency-access', 'dr.dubois', {
        patientId,
        categories: ['problems'],
        reasonCode: 'unconscious',
        reason: 'found unconscious in the street, no identification',
      }),
      410,
      'PATIENT_ERASED',
    );
    await problemOf(
      await send('POST', `/patients/${patientId}/contributions`, 'dr.weber', {
        categories: ['problems'],
        labels: [],
        resource: { resourceType: 'Observation', status: 'final', code: { text: 'late addition' } },
      }),
      410,
      'PATIENT_ERASED',
    );
    await problemOf(await get(`/patients/lookup?id=${patientId}`, 'dr.weber'), 404, 'NOT_FOUND');
  });

  it('refuses uploads for her, and the upload that was in flight cannot be finished', async () => {
    await problemOf(await announce('scans/after-erasure.pdf', letter.length), 410, 'PATIENT_ERASED');
    await problemOf(
      await stack.call(
        'POST',
        `${API}/patients/${patientId}/records?sourceId=after-erasure`,
        await token('centre.berlin'),
        JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: [] }),
        { 'content-type': 'application/fhir+json' },
      ),
      410,
      'PATIENT_ERASED',
    );
    // The in-flight upload was purged with everything else: its remaining part and its completion find nothing.
    expect((await putPart(inFlightUploadId, 1, letter.subarray(PART_BYTES))).status).toBe(404);
    expect((await send('POST', `/uploads/${inFlightUploadId}/complete`, 'centre.berlin')).status).toBe(404);
  });

  it('replays on the auditors’ side with no discrepancy', async () => {
    const report = await jsonOf<{ ok: boolean; discrepancies: unknown[] }>(
      await send('POST', '/audit/replay', 'auditor'),
      200,
    );
    expect(report.discrepancies).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
