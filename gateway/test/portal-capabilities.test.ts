/**
 * What the portal needs beyond the journeys, over HTTP against the whole seeded platform: the directory (names off
 * the ledger, never patients), a patient's live grants and "end now", and a centre confirming whom it uploads for.
 * Each rule is tried by the one who would get round it: another patient, the requester, a centre of another
 * organisation.
 */
import type { GrantView, Page } from '@custodia/chaincode';
import { jsonOf, problemOf } from './fixtures/answers';
import { demoApi } from './fixtures/api';
import { startTestPlatform } from './fixtures/platform';
import type { TestPlatform } from './fixtures/platform';

jest.setTimeout(180_000);

interface Named {
  readonly mspId: string;
  readonly id?: string;
  readonly name?: string;
}
interface Entry {
  readonly kind: string;
  readonly name: string;
  readonly mspId: string;
  readonly id?: string;
  readonly country: string;
}

let stack: TestPlatform;
let ANNA: string;
let MARCO: string;
const { get, send, requestAccess } = demoApi(() => stack);

beforeAll(async () => {
  stack = await startTestPlatform();
  ANNA = stack.patientId('anna');
  MARCO = stack.patientId('marco');
});
afterAll(async () => stack?.destroy());

describe('the directory', () => {
  it('finds clinicians and organisations by name, role and country; a patient is never found or named', async () => {
    const weber = await jsonOf<{ items: Entry[] }>(await get('/directory?q=weber', 'anna'), 200);
    expect(weber.items).toEqual([
      expect.objectContaining({
        kind: 'practitioner',
        id: 'clin-weber',
        mspId: 'HospitalDEMSP',
        name: 'Dr. Jonas Weber',
        country: 'DE',
      }),
    ]);
    const french = await jsonOf<{ items: Entry[] }>(await get('/directory?country=FR', 'anna'), 200);
    expect(french.items.map((entry) => entry.name).sort()).toEqual(
      ['Dr. Claire Dubois', 'Hôpital Saint-Louis Lyon'].sort(),
    );
    const organisations = await jsonOf<{ items: Entry[] }>(
      await get('/directory?kind=organization&q=ospedale', 'dr.weber'),
      200,
    );
    expect(organisations.items).toEqual([
      { kind: 'organization', mspId: 'HospitalITMSP', name: 'Ospedale San Carlo Milano', country: 'IT' },
    ]);

    // The attacker: anyone looking for a patient by name or by pseudonym in the directory.
    for (const q of ['anna', 'keller', 'marco', ANNA]) {
      const found = await jsonOf<{ items: Entry[] }>(
        await get(`/directory?q=${encodeURIComponent(q)}`, 'dr.dubois'),
        200,
      );
      expect(found.items).toEqual([]);
    }
    const names = await jsonOf<{ items: Named[] }>(
      await get(
        `/directory/names?parties=HospitalDEMSP/clin-weber,HospitalFRMSP,HospitalDEMSP/${ANNA},HospitalDEMSP/clin-nobody`,
        'auditor',
      ),
      200,
    );
    expect(names.items).toEqual([
      { mspId: 'HospitalDEMSP', id: 'clin-weber', name: 'Dr. Jonas Weber' },
      { mspId: 'HospitalFRMSP', name: 'Hôpital Saint-Louis Lyon' },
      { mspId: 'HospitalDEMSP', id: ANNA },
      { mspId: 'HospitalDEMSP', id: 'clin-nobody' },
    ]);
    expect(JSON.stringify(names)).not.toMatch(/Anna|Keller/);
  });

  it('is for signed-in users, and bounded', async () => {
    await problemOf(await stack.call('GET', '/api/v1/directory?q=weber'), 401, 'UNAUTHENTICATED');
    await problemOf(await get('/directory?limit=1000', 'anna'), 400, 'VALIDATION_FAILED');
    await problemOf(await get('/directory/names?parties=a,,b', 'anna'), 400, 'VALIDATION_FAILED');
    await problemOf(
      await get(
        `/directory/names?parties=${Array.from({ length: 201 }, () => 'HospitalDEMSP').join(',')}`,
        'anna',
      ),
      400,
      'VALIDATION_FAILED',
    );
  });
});

describe('live grants and "end now"', () => {
  it('lists the patient’s live grants; she ends one at once and its record is no longer served', async () => {
    const entry = await requestAccess('dr.weber', ANNA, ['allergies', 'medications']);
    const grantId = entry.grantId ?? '';
    expect(grantId).not.toBe('');
    await jsonOf(await get(`/grants/${grantId}/record`, 'dr.weber'), 200);

    const live = await jsonOf<Page<GrantView>>(await get(`/patients/${ANNA}/grants`, 'anna'), 200);
    expect(live.items.find((grant) => grant.grantId === grantId)).toMatchObject({
      status: 'active',
      requester: { mspId: 'HospitalDEMSP', id: 'clin-weber' },
      granted: [
        { category: 'allergies', labels: [] },
        { category: 'medications', labels: [] },
      ],
      expiresAt: entry.expiresAt,
    });

    // The attackers: the requester, another patient by his own path, another patient by hers, an auditor.
    await problemOf(
      await send('POST', `/patients/${ANNA}/grants/${grantId}/end`, 'dr.weber'),
      403,
      'FORBIDDEN',
    );
    await problemOf(
      await send('POST', `/patients/${MARCO}/grants/${grantId}/end`, 'marco'),
      403,
      'FORBIDDEN',
    );
    await problemOf(await send('POST', `/patients/${ANNA}/grants/${grantId}/end`, 'marco'), 403, 'NOT_OWNER');
    await problemOf(
      await send('POST', `/patients/${ANNA}/grants/${grantId}/end`, 'auditor'),
      403,
      'FORBIDDEN',
    );
    await problemOf(await get(`/patients/${ANNA}/grants`, 'marco'), 403, 'NOT_OWNER');
    expect((await jsonOf<GrantView>(await get(`/grants/${grantId}`, 'dr.weber'), 200)).status).toBe('active');

    const ended = await jsonOf<GrantView>(
      await send('POST', `/patients/${ANNA}/grants/${grantId}/end`, 'anna'),
      200,
    );
    expect(ended).toMatchObject({ grantId, status: 'revoked', revoked: { ruleId: 'ended-by-patient' } });
    expect((await jsonOf<GrantView>(await get(`/grants/${grantId}`, 'dr.weber'), 200)).status).toBe(
      'revoked',
    );
    const refused = await get(`/grants/${grantId}/record`, 'dr.weber');
    expect(refused.status).toBe(403);
    const after = await jsonOf<Page<GrantView>>(await get(`/patients/${ANNA}/grants`, 'anna'), 200);
    expect(after.items.map((grant) => grant.grantId)).not.toContain(grantId);
    // Ending it again changes nothing and says why.
    await problemOf(
      await send('POST', `/patients/${ANNA}/grants/${grantId}/end`, 'anna'),
      409,
      'FAILED_PRECONDITION',
    );
  });
});

describe('my record', () => {
  it('gives the patient everything Custodia holds about them, sensitive parts included, never to be cached', async () => {
    const response = await get(`/patients/${ANNA}/record`, 'anna');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const bundle = (await response.json()) as {
      resourceType: string;
      entry: { resource: { resourceType: string } }[];
    };
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.entry[0]?.resource.resourceType).toBe('Composition');
    const text = JSON.stringify(bundle);
    expect(text).toContain(ANNA);
    expect(text).not.toContain(MARCO);
    expect(text).toContain('Allergy to penicillin');
    // Her psychiatric history, which no rule releases to anyone, is hers to see.
    expect(text).toContain('Depressive disorder');
  });

  it('is no one else’s: another patient (by either path), a clinician and an auditor get nothing of it', async () => {
    await problemOf(await get(`/patients/${ANNA}/record`, 'marco'), 403, 'NOT_OWNER');
    await problemOf(await get(`/patients/${ANNA}/record`, 'dr.weber'), 403, 'FORBIDDEN');
    await problemOf(await get(`/patients/${ANNA}/record`, 'auditor'), 403, 'FORBIDDEN');
    const his = await get(`/patients/${MARCO}/record`, 'marco');
    expect(his.status).toBe(200);
    // The demo gives both the same synthetic records: his record is his, by his pseudonym, with nothing of hers.
    const text = await his.text();
    expect(text).toContain(MARCO);
    expect(text).not.toContain(ANNA);
  });
});

describe('a centre confirms whom it uploads for', () => {
  it('its own organisation’s patient: name and birth date; another organisation’s: only that she is registered', async () => {
    const own = await jsonOf<{ patientId: string; person?: unknown }>(
      await get(`/patients/lookup?id=${ANNA}`, 'centre.berlin'),
      200,
    );
    expect(own).toEqual({
      patientId: ANNA,
      person: { given: ['Anna'], family: 'Keller', birthDate: '1981-03-14' },
    });
    // The attackers: a centre of another organisation than Marco's, and a clinician, asking for a person.
    expect(await jsonOf(await get(`/patients/lookup?id=${MARCO}`, 'centre.berlin'), 200)).toEqual({
      patientId: MARCO,
    });
    expect(await jsonOf(await get(`/patients/lookup?id=${ANNA}`, 'dr.weber'), 200)).toEqual({
      patientId: ANNA,
    });
    await problemOf(await get(`/patients/lookup?id=pt-${'z'.repeat(26)}`, 'centre.berlin'), 404, 'NOT_FOUND');
    await problemOf(await get(`/patients/lookup?id=${ANNA}`, 'anna'), 403, 'FORBIDDEN');
    // Nothing of the person reached a log line.
    expect(stack.logs.join('\n')).not.toMatch(/Keller|1981-03-14/);
  });
});
