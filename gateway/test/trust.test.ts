/**
 * Trust between organisations, end to end on the embedded platform (issue #11): each finding tried as the attacker
 * would — through the gateway, and with certificates from the organisations' own CAs straight at the ledger — and
 * refused where the promise to the patient says it must be. The steps build on the demo (Anna's rules: Dr. Weber
 * sees most of her record, French clinicians the essentials, any clinician breaks the glass for four categories).
 */
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AccessLogEntry, Contribution, GrantView, Page, StoredRule } from '@custodia/chaincode';
import FabricCAServices from 'fabric-ca-client';
import { User } from 'fabric-common';
import { ChaincodeCallError, LedgerClient } from '@custodia/ledger';
import type { Identity, LedgerSession } from '@custodia/ledger';
import type { ReplayReport } from '../src/audit';
import { ORGANISATION_ADMIN_ID } from '../src/platform/organisation-admins';
import { jsonOf, problemOf } from './fixtures/answers';
import { demoApi } from './fixtures/api';
import { startTestPlatform } from './fixtures/platform';
import type { TestPlatform } from './fixtures/platform';

jest.setTimeout(240_000);

const DE = 'HospitalDEMSP';
const FR = 'HospitalFRMSP';
const NOBODY = `pt-${'z'.repeat(26)}`;

let stack: TestPlatform;
let ANNA: string;
let client: LedgerClient;
const { get, send, requestAccess, token } = demoApi(() => stack);

beforeAll(async () => {
  stack = await startTestPlatform();
  ANNA = stack.patientId('anna');
  const network = stack.platform.network;
  client = new LedgerClient({ config: network.ledger, profile: network.profile });
});
afterAll(async () => {
  client?.close();
  await stack?.destroy();
});

/**
 * A certificate an organisation's CA issues with whatever Custodia attributes its operator chooses — what a
 * member organisation can always do on a shared channel, whatever the gateway allows. `enrollmentId` is the CA's
 * name of the enrolment (unique per CA); `attrs.id` the `custodia.id` it carries.
 */
async function issuedBy(
  mspId: string,
  enrollmentId: string,
  attrs: { readonly role: string; readonly id: string; readonly country: string },
): Promise<Identity> {
  // An embedded-network test: its organisations' CAs and registrars are at hand.
  const network = stack.platform.network.embedded;
  if (network === undefined) throw new Error('the test platform runs the embedded network');
  const organisation = network.organisations.find((each) => each.mspId === mspId);
  if (organisation === undefined) throw new Error(`no organisation ${mspId}`);
  const ca = new FabricCAServices(
    organisation.caUrl,
    { trustedRoots: [network.tlsCaCertificate], verify: true },
    organisation.caName,
  );
  const { id, secret } = organisation.registrar;
  const registrarEnrolment = await ca.enroll({ enrollmentID: id, enrollmentSecret: secret });
  const registrar = User.createUser(
    id,
    '',
    mspId,
    registrarEnrolment.certificate,
    registrarEnrolment.key.toBytes(),
  );
  const enrollmentSecret = await ca.register(
    {
      enrollmentID: enrollmentId,
      affiliation: '',
      role: 'client',
      attrs: [
        { name: 'custodia.role', value: attrs.role, ecert: true },
        { name: 'custodia.id', value: attrs.id, ecert: true },
        { name: 'custodia.country', value: attrs.country, ecert: true },
      ],
    },
    registrar,
  );
  const enrolment = await ca.enroll({ enrollmentID: enrollmentId, enrollmentSecret });
  return { mspId, certificate: enrolment.certificate, privateKey: enrolment.key.toBytes() };
}

async function chaincodeCode(call: Promise<unknown>): Promise<string | undefined> {
  const error: unknown = await call.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  return error instanceof ChaincodeCallError ? error.code : `not refused by the chaincode: ${String(error)}`;
}

/** The platform admin of an organisation, as the ledger sees it. */
async function organisationAdmin(mspId: string): Promise<LedgerSession> {
  const identity = await stack.platform.wallet.get(mspId, ORGANISATION_ADMIN_ID);
  if (identity === undefined) throw new Error(`no platform admin of ${mspId}`);
  return client.as(identity);
}

async function annaRule(body: object, key = randomUUID()): Promise<StoredRule> {
  return jsonOf<StoredRule>(
    await stack.call('POST', `/api/v1/patients/${ANNA}/rules`, await token('anna'), body, {
      'idempotency-key': key,
    }),
    201,
  );
}

describe('1. a patient cannot be impersonated by another organisation', () => {
  it('an administrator cannot choose a patient’s ledger id, so cannot create a second “Anna”', async () => {
    const before = stack.platform.identity.listUsers().length;
    const refused = await problemOf(
      await send('POST', '/admin/users', 'admin', {
        username: 'fake.anna',
        password: 'a long enough password',
        displayName: 'Not Anna',
        role: 'patient',
        ledgerId: ANNA,
      }),
      400,
      'VALIDATION_FAILED',
    );
    expect(refused).toMatchObject({ field: 'ledgerId' });
    expect(stack.platform.identity.listUsers()).toHaveLength(before);
  });

  it('a certificate another organisation’s CA made for Anna’s id is refused by the chaincode', async () => {
    const rule = await annaRule({
      effect: 'permit',
      grantee: { kind: 'role', role: 'clinician', countries: ['DE'] },
      categories: ['care-plan'],
      labels: [],
      purposes: ['TREAT'],
    });
    // The French hospital's CA issues a patient certificate carrying Anna's pseudonym.
    const impostor = client.as(await issuedBy(FR, ANNA, { role: 'patient', id: ANNA, country: 'FR' }));
    expect(await chaincodeCode(impostor.rules.listMine({ pageSize: 10 }))).toBe('FORBIDDEN');
    expect(await chaincodeCode(impostor.rules.revoke(rule.ruleId))).toBe('FORBIDDEN');
    expect(
      await chaincodeCode(impostor.audit.listAccessLog({ by: 'patient', patientId: ANNA }, { pageSize: 10 })),
    ).toBe('FORBIDDEN');
    // Her rule is untouched.
    expect(
      await jsonOf<StoredRule>(await get(`/patients/${ANNA}/rules/${rule.ruleId}`, 'anna'), 200),
    ).toMatchObject({ status: 'active', version: 1 });
  });
});

describe('2. a country comes from the organisation registry, not from a certificate', () => {
  it('lists the organisations and countries the registry holds', async () => {
    const organisations = await jsonOf<{
      registryVersion: number;
      items: { mspId: string; country: string }[];
    }>(await get('/admin/organisations', 'admin'), 200);
    expect(organisations.registryVersion).toBe(1);
    expect(organisations.items.map((item) => `${item.mspId}:${item.country}`)).toEqual([
      'HospitalDEMSP:DE',
      'HospitalFRMSP:FR',
      'HospitalITMSP:IT',
    ]);
  });

  it('a German clinician whose certificate says FR does not pass “French clinicians only”', async () => {
    // Anna's rule gives French clinicians allergies; a German CA's clinician claiming France is refused outright.
    const claimant = client.as(
      await issuedBy(DE, 'dr.claims-fr', { role: 'clinician', id: 'dr.claims-fr', country: 'FR' }),
    );
    expect(
      await chaincodeCode(
        claimant.access.request({
          patientId: ANNA,
          categories: ['allergies'],
          purpose: 'TREAT',
          requestId: randomUUID(),
        }),
      ),
    ).toBe('FORBIDDEN');
    // Through the gateway, an administrator cannot give a user another country (400) nor another organisation (403).
    await problemOf(
      await send('POST', '/admin/users', 'admin', {
        username: 'dr.abroad',
        password: 'a long enough password',
        displayName: 'Abroad',
        role: 'clinician',
        country: 'FR',
      }),
      400,
      'VALIDATION_FAILED',
    );
  });
});

describe('4. no grant outlives the rules', () => {
  it('a deny scheduled after the grant was issued cuts it once in force: the record is no longer released', async () => {
    const entry = await requestAccess('dr.weber', ANNA, ['immunizations']);
    const grantId = entry.grantId ?? '';
    expect(entry.decision.granted).toEqual(['immunizations']);
    expect((await get(`/grants/${grantId}/record`, 'dr.weber')).status).toBe(200);

    const inForceAt = new Date(Date.now() + 5_000);
    await annaRule({
      effect: 'deny',
      grantee: { kind: 'practitioner', id: 'clin-weber', mspId: DE },
      categories: ['immunizations'],
      labels: [],
      purposes: ['TREAT'],
      notBefore: inForceAt.toISOString(),
    });
    expect(await jsonOf<GrantView>(await get(`/grants/${grantId}`, 'dr.weber'), 200)).toMatchObject({
      status: 'active',
    });
    await new Promise((resolve) => setTimeout(resolve, inForceAt.getTime() - Date.now() + 500));
    expect(await jsonOf<GrantView>(await get(`/grants/${grantId}`, 'dr.weber'), 200)).toMatchObject({
      status: 'narrowed',
    });
    await problemOf(await get(`/grants/${grantId}/record`, 'dr.weber'), 403, 'GRANT_NOT_ACTIVE');
    // A new grant asked now is denied the category.
    expect((await requestAccess('dr.weber', ANNA, ['immunizations'])).grantId).toBeUndefined();
  });
});

describe('5. a record is released only when every category it carries is granted', () => {
  it('withholds a record tagged problems + documents from a clinician granted problems only', async () => {
    const tagged = {
      resourceType: 'Condition',
      meta: {
        tag: [
          { system: 'urn:custodia:category', code: 'problems' },
          { system: 'urn:custodia:category', code: 'documents' },
        ],
      },
      code: { coding: [{ system: 'http://snomed.info/sct', code: '44054006' }] },
      subject: { reference: `Patient/${ANNA}` },
    };
    const uploaded = await stack.call(
      'POST',
      `/api/v1/patients/${ANNA}/records?sourceId=two-categories-1`,
      await token('centre.berlin'),
      JSON.stringify(tagged),
      { 'content-type': 'application/fhir+json' },
    );
    expect(uploaded.status).toBe(201);
    // French clinicians: problems yes, documents no.
    const entry = await requestAccess('dr.dubois', ANNA, ['problems', 'documents']);
    expect(entry.decision.granted).toEqual(['problems']);
    const record = await get(`/grants/${entry.grantId ?? ''}/record`, 'dr.dubois');
    const text = await record.text();
    expect(record.status).toBe(200);
    expect(text).toContain('38341003'); // her hypertension: a problem only
    expect(text).not.toContain('44054006');
  });
});

describe('6. contributions', () => {
  const contributionsDir = (): string => path.join(stack.dataDir, 'gateway', 'contributions');
  const kept = (patientId: string): string[] => {
    try {
      return readdirSync(path.join(contributionsDir(), patientId));
    } catch {
      return [];
    }
  };
  const observation = (marker: string) => ({
    resourceType: 'Observation',
    status: 'final',
    category: [
      {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' },
        ],
      },
    ],
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }], text: marker },
    subject: { reference: `Patient/${ANNA}` },
    valueQuantity: { value: 64, unit: '/min' },
  });
  const contribute = (username: string, patientId: string, resource: object) =>
    send('POST', `/patients/${patientId}/contributions`, username, {
      categories: ['vital-signs'],
      resource,
    });

  it('are refused without an active grant for the patient, and nothing is kept', async () => {
    const before = kept(ANNA);
    await problemOf(await contribute('dr.rossi', ANNA, observation('no-grant')), 403, 'FORBIDDEN');
    expect(kept(ANNA)).toEqual(before);
  });

  it('are refused for a patient nobody registered (404), and nothing is kept for them', async () => {
    await problemOf(await contribute('dr.weber', NOBODY, observation('nobody')), 404, 'NOT_FOUND');
    expect(readdirSync(contributionsDir()).includes(NOBODY)).toBe(false);
  });

  it('are bounded to 1 MiB (413)', async () => {
    const oversized = { ...observation('big'), note: [{ text: 'x'.repeat(1024 * 1024) }] };
    await problemOf(await contribute('dr.weber', ANNA, oversized), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('once approved, enter the data lake as a record of the patient and appear in the next record', async () => {
    // Dr. Weber sees her vital signs now, so may add to them.
    await requestAccess('dr.weber', ANNA, ['vital-signs']);
    const submitted = await jsonOf<Contribution>(
      await contribute('dr.weber', ANNA, observation('contributed-pulse-marker')),
      201,
    );
    const approved = await jsonOf<Contribution>(
      await send('POST', `/patients/${ANNA}/contributions/${submitted.contributionId}/approve`, 'anna'),
      200,
    );
    expect(approved).toMatchObject({
      status: 'approved',
      recordId: `contribution-${submitted.contributionId}`,
    });
    // Approving again completes a handover that failed, and changes nothing that succeeded.
    await jsonOf(
      await send('POST', `/patients/${ANNA}/contributions/${submitted.contributionId}/approve`, 'anna'),
      200,
    );
    const entry = await requestAccess('dr.weber', ANNA, ['vital-signs']);
    const record = await (await get(`/grants/${entry.grantId ?? ''}/record`, 'dr.weber')).text();
    expect(record).toContain('contributed-pulse-marker');
  });

  it('are limited per clinician while pending (429 with Retry-After)', async () => {
    const outcomes: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 25 && limited === undefined; i++) {
      const response = await contribute('dr.weber', ANNA, observation(`quota-${i}`));
      outcomes.push(response.status);
      if (response.status === 429) limited = response;
    }
    // One contribution is already approved: twenty wait for Anna, the next is refused.
    expect(outcomes.filter((status) => status === 201)).toHaveLength(20);
    expect(limited).toBeDefined();
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited?.json()).toMatchObject({ code: 'RESOURCE_EXHAUSTED' });
  });
});

describe('8. a clinician’s words never go on-chain', () => {
  const marker = `Follow-up of the ${randomUUID()} marker visit`;

  it('keeps the reason off-chain: the patient reads it, verified against the salted hash on the ledger', async () => {
    const entry = await requestAccess('dr.weber', ANNA, ['allergies'], marker);
    expect(entry.reasonHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(entry)).not.toContain(marker);
    const log = await jsonOf<
      Page<AccessLogEntry & { reason?: { text: string; salt: string; verified: boolean } }>
    >(await get(`/patients/${ANNA}/access-log?pageSize=100`, 'anna'), 200);
    const logged = log.items.find((item) => item.entryId === entry.entryId);
    expect(logged?.reason).toMatchObject({ text: marker, verified: true });
    // Anyone holding the salt and the words can check them against the ledger.
    const salt = Buffer.from(logged?.reason?.salt ?? '', 'hex');
    expect(createHash('sha256').update(salt).update(marker).digest('hex')).toBe(entry.reasonHash);
  });

  it('leaves no trace of the words in the embedded network’s block files', () => {
    const chains = path.join(stack.dataDir, 'network', 'ledger', 'custodia', 'blocks', 'chains');
    const files = readdirSync(chains).filter((name) => name.startsWith('blockfile_'));
    expect(files.length).toBeGreaterThan(0);
    const words = Buffer.from(marker.split(' ')[3] ?? marker);
    for (const file of files) expect(readFileSync(path.join(chains, file)).includes(words)).toBe(false);
  });
});

describe('9. break-glass', () => {
  const asRossi = async (reason: string, key?: string) =>
    stack.call(
      'POST',
      '/api/v1/emergency-access',
      await token('dr.rossi'),
      { patientId: ANNA, categories: ['allergies'], reasonCode: 'unconscious', reason },
      key === undefined ? {} : { 'idempotency-key': key },
    );

  it('takes a reason code and at least a sentence: a word or a few characters are refused', async () => {
    await problemOf(await asRossi('help'), 400, 'VALIDATION_FAILED');
    await problemOf(await asRossi('unconsciousunconsciousunconscious'), 400, 'VALIDATION_FAILED');
    await problemOf(await asRossi('no time to x'), 400, 'VALIDATION_FAILED');
    const bogusCode = await stack.call('POST', '/api/v1/emergency-access', await token('dr.rossi'), {
      patientId: ANNA,
      categories: ['allergies'],
      reasonCode: 'curious',
      reason: 'I would like to see what is in this record.',
    });
    await problemOf(bogusCode, 400, 'VALIDATION_FAILED');
  });

  it('is limited to five per clinician and hour (429 with Retry-After); a retried request is not counted twice', async () => {
    const key = randomUUID();
    const first = await jsonOf<AccessLogEntry>(
      await asRossi('Found unconscious in the waiting room, no relatives.', key),
      201,
    );
    // The same request again (say, after a lost answer): the first answer, nothing new logged.
    const again = await jsonOf<AccessLogEntry>(
      await asRossi('Found unconscious in the waiting room, no relatives.', key),
      201,
    );
    expect(again.entryId).toBe(first.entryId);
    // The same key for other words is not a retry.
    await problemOf(await asRossi('Another story entirely, told with the same key.', key), 409, 'CONFLICT');
    for (let i = 2; i <= 5; i++)
      await jsonOf(await asRossi(`Patient collapsed again, attempt number ${i} today.`), 201);
    const refused = await asRossi('Patient collapsed once more, sixth time this hour.');
    const problem = await problemOf(refused, 429, 'RESOURCE_EXHAUSTED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(problem.detail.length).toBeGreaterThan(0);
  });

  it('shows auditors repeated break-glass flagged, with the clinician’s words', async () => {
    const log = await jsonOf<Page<AccessLogEntry & { flags: string[]; reason?: { verified: boolean } }>>(
      await get(
        `/audit/access-log?requesterMspId=HospitalITMSP&requesterId=clin-rossi&pageSize=100`,
        'auditor',
      ),
      200,
    );
    const emergencies = log.items.filter((item) => item.emergency);
    expect(emergencies.map((item) => item.emergencyRequests24h)).toEqual([1, 2, 3, 4, 5]);
    expect(emergencies.map((item) => item.flags)).toEqual([
      [],
      ['repeated-emergency-use'],
      ['repeated-emergency-use'],
      ['repeated-emergency-use'],
      ['repeated-emergency-use'],
    ]);
    expect(emergencies.every((item) => item.reason?.verified === true)).toBe(true);
  });
});

describe('idempotent creation', () => {
  it('answers a retried rule or access request with what the first created, once', async () => {
    const key = randomUUID();
    const rule = {
      effect: 'permit',
      grantee: { kind: 'practitioner', id: 'clin-dubois', mspId: FR },
      categories: ['results'],
      labels: [],
      purposes: ['TREAT'],
    };
    const first = await annaRule(rule, key);
    expect((await annaRule(rule, key)).ruleId).toBe(first.ruleId);
    const rules = await jsonOf<Page<StoredRule>>(
      await get(`/patients/${ANNA}/rules?pageSize=100`, 'anna'),
      200,
    );
    expect(rules.items.filter((item) => item.ruleId === first.ruleId)).toHaveLength(1);

    const ask = async () =>
      jsonOf<AccessLogEntry>(
        await stack.call(
          'POST',
          '/api/v1/access-requests',
          await token('dr.dubois'),
          { patientId: ANNA, categories: ['results'], purpose: 'TREAT' },
          { 'idempotency-key': 'dubois-results-1' },
        ),
        201,
      );
    const entry = await ask();
    expect((await ask()).entryId).toBe(entry.entryId);
    const log = await jsonOf<Page<AccessLogEntry>>(
      await get(`/patients/${ANNA}/access-log?pageSize=100`, 'anna'),
      200,
    );
    expect(log.items.filter((item) => item.entryId === entry.entryId)).toHaveLength(1);
  });
});

describe('disabling a user', () => {
  it('disables the identity on-chain as well: its grants end, and the chaincode refuses it', async () => {
    const created = await jsonOf<{ userId: string; ledgerId: string }>(
      await send('POST', '/admin/users', 'admin', {
        username: 'dr.leaving',
        password: 'a long enough password',
        displayName: 'Leaving',
        role: 'clinician',
      }),
      201,
    );
    const granted = await annaRule({
      effect: 'permit',
      grantee: { kind: 'practitioner', id: created.ledgerId, mspId: DE },
      categories: ['allergies'],
      labels: [],
      purposes: ['TREAT'],
    });
    expect(granted.status).toBe('active');
    const { accessToken } = await jsonOf<{ accessToken: string }>(
      await stack.call('POST', '/api/v1/auth/login', undefined, {
        username: 'dr.leaving',
        password: 'a long enough password',
      }),
      200,
    );
    const entry = await jsonOf<AccessLogEntry>(
      await stack.call('POST', '/api/v1/access-requests', accessToken, {
        patientId: ANNA,
        categories: ['allergies'],
        purpose: 'TREAT',
      }),
      201,
    );
    // An administrator cannot lock themselves out.
    const self = stack.platform.identity.listUsers().find((user) => user.username === 'admin');
    await problemOf(
      await send('POST', `/admin/users/${self?.userId ?? ''}/disable`, 'admin'),
      409,
      'CONFLICT',
    );

    await jsonOf(await send('POST', `/admin/users/${created.userId}/disable`, 'admin'), 200);
    const status = await (
      await organisationAdmin(DE)
    ).identities.status({ mspId: DE, role: 'clinician', id: created.ledgerId });
    expect(status).toMatchObject({ disabled: true });
    const grant = await (await organisationAdmin(DE)).access.getGrant(entry.grantId ?? '');
    expect(grant.status).toBe('revoked');
    // Another certificate of the same identity that the CA has not revoked is refused by the chaincode itself.
    const unrevoked = client.as(
      await issuedBy(DE, `${created.ledgerId}-copy`, {
        role: 'clinician',
        id: created.ledgerId,
        country: 'DE',
      }),
    );
    expect(await chaincodeCode(unrevoked.access.getGrant(entry.grantId ?? ''))).toBe('FORBIDDEN');
  });
});

describe('audit', () => {
  it('replays everything above with no discrepancy', async () => {
    const report = await jsonOf<ReplayReport>(await send('POST', '/audit/replay', 'auditor'), 200);
    expect(report.discrepancies).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
