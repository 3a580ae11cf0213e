/**
 * Every user journey over HTTP against the whole platform (the ledger — embedded, or the local Fabric network
 * under test:fabric —, data lake, gateway) seeded with the demo: a patient managing her rules, clinicians finding her and receiving her record, an auditor replaying
 * the chain, an administrator enrolling and disabling a user. The steps of a journey build on each other.
 */
import { connect, LedgerClientError, LedgerClientErrorCode } from '@custodia/ledger';
import type {
  AccessLogEntry,
  Contribution,
  Delivery,
  GrantView,
  Page,
  RuleVersion,
  StoredRule,
} from '@custodia/chaincode';
import type { ReplayReport } from '../src/audit';
import { jsonOf, problemOf } from './fixtures/answers';
import { API, demoApi } from './fixtures/api';
import { startTestPlatform } from './fixtures/platform';
import type { TestPlatform } from './fixtures/platform';
import { alterPeerBlockFiles, changeLetterCaseInBlockFile } from '../../network/test/fixtures/fabric-network';
import { itOnFabric } from '../../network/test/fixtures/test-network';

jest.setTimeout(180_000);

/** The demo patients' ledger ids: pseudonyms generated when the demo was seeded. */
let ANNA: string;
let MARCO: string;
/** A pseudonym nobody registered. */
const NOBODY = `pt-${'z'.repeat(26)}`;
const ROSSI = { kind: 'practitioner', id: 'clin-rossi', mspId: 'HospitalITMSP' } as const;

interface Preview {
  readonly decision: { readonly granted: string[]; readonly denied: string[] };
  readonly expiresAt?: string;
}
interface Bundle {
  readonly resourceType: string;
  readonly entry: { readonly resource: { readonly resourceType: string } }[];
}

let stack: TestPlatform;
const { token, get, send, requestAccess } = demoApi(() => stack);
const startedAt = new Date().toISOString();

beforeAll(async () => {
  stack = await startTestPlatform();
  ANNA = stack.patientId('anna');
  MARCO = stack.patientId('marco');
});
afterAll(async () => stack?.destroy());

/** A demo user's password without the TOTP code their role requires. */
const signInWithoutCode = (username: string): Promise<Response> =>
  stack.call('POST', `${API}/auth/login`, undefined, {
    username,
    password: stack.demo.find((entry) => entry.username === username)?.password,
  });

describe('patient: rules, versions, preview, emergency policy', () => {
  let rule: StoredRule;

  it('creates a rule, updates it, lists its history and restores the first version', async () => {
    rule = await jsonOf<StoredRule>(
      await send('POST', `/patients/${ANNA}/rules`, 'anna', {
        effect: 'permit',
        grantee: ROSSI,
        categories: ['immunizations'],
        labels: [],
        purposes: ['TREAT'],
      }),
      201,
    );
    expect(rule).toMatchObject({
      patientId: ANNA,
      version: 1,
      status: 'active',
      categories: ['immunizations'],
    });

    const updated = await jsonOf<StoredRule>(
      await send('PUT', `/patients/${ANNA}/rules/${rule.ruleId}`, 'anna', {
        effect: 'permit',
        grantee: ROSSI,
        categories: ['immunizations', 'vital-signs'],
        labels: [],
        purposes: ['TREAT'],
      }),
      200,
    );
    expect(updated).toMatchObject({ version: 2, categories: ['immunizations', 'vital-signs'] });

    const restored = await jsonOf<StoredRule>(
      await send('POST', `/patients/${ANNA}/rules/${rule.ruleId}/restore`, 'anna', { version: 1 }),
      200,
    );
    expect(restored).toMatchObject({ version: 3, status: 'active', categories: ['immunizations'] });

    const history = await jsonOf<Page<RuleVersion>>(
      await get(`/patients/${ANNA}/rules/${rule.ruleId}/history`, 'anna'),
      200,
    );
    expect(history.items.map((version) => [version.version, version.change, version.restoredFrom])).toEqual([
      [1, 'created', undefined],
      [2, 'updated', undefined],
      [3, 'restored', 1],
    ]);
    const current = await jsonOf<StoredRule>(
      await get(`/patients/${ANNA}/rules/${rule.ruleId}`, 'anna'),
      200,
    );
    expect(current.version).toBe(3);
    const all = await jsonOf<Page<StoredRule>>(await get(`/patients/${ANNA}/rules`, 'anna'), 200);
    expect(all.items.map((item) => item.ruleId)).toContain(rule.ruleId);
  });

  it('previews what a clinician would receive, without logging a request', async () => {
    const before = await jsonOf<Page<AccessLogEntry>>(await get(`/patients/${ANNA}/access-log`, 'anna'), 200);
    const preview = await jsonOf<Preview>(
      await send('POST', `/patients/${ANNA}/preview`, 'anna', {
        requester: { mspId: 'HospitalITMSP', role: 'clinician', id: 'clin-rossi' },
        categories: ['immunizations', 'vital-signs'],
        purpose: 'TREAT',
      }),
      200,
    );
    expect(preview.decision.granted).toEqual(['immunizations']);
    expect(preview.decision.denied).toEqual(['vital-signs']);
    expect(preview.expiresAt).toBeDefined();
    const after = await jsonOf<Page<AccessLogEntry>>(await get(`/patients/${ANNA}/access-log`, 'anna'), 200);
    expect(after.items).toHaveLength(before.items.length);
  });

  it('reads and changes the emergency policy (each change a new version)', async () => {
    const seeded = await jsonOf<{ version: number; enabled: boolean }>(
      await get(`/patients/${ANNA}/emergency-policy`, 'anna'),
      200,
    );
    expect(seeded).toMatchObject({ version: 1, enabled: true });
    const changed = await jsonOf<{ version: number; maxDurationMinutes: number }>(
      await send('PUT', `/patients/${ANNA}/emergency-policy`, 'anna', {
        enabled: true,
        roles: ['clinician'],
        countries: [],
        categories: ['allergies', 'medications', 'problems'],
        labels: [],
        maxDurationMinutes: 60,
      }),
      200,
    );
    expect(changed).toMatchObject({ version: 2, maxDurationMinutes: 60 });
    expect(
      await jsonOf<{ version: number }>(await get(`/patients/${ANNA}/emergency-policy`, 'anna'), 200),
    ).toMatchObject({ version: 2, categories: ['allergies', 'medications', 'problems'] });
  });

  it('is refused by the gateway, before any transaction, what the ledger would refuse: its limits are the ledger’s', async () => {
    const policy = {
      enabled: true,
      roles: ['clinician'],
      countries: [],
      categories: ['allergies'],
      labels: [],
    };
    // The ledger allows emergency grants of at most 24 hours: 2,000 minutes never reaches it.
    const tooLong = await problemOf(
      await send('PUT', `/patients/${ANNA}/emergency-policy`, 'anna', {
        ...policy,
        maxDurationMinutes: 2_000,
      }),
      400,
      'VALIDATION_FAILED',
    );
    expect(tooLong.detail).toMatch(/maxDurationMinutes must be <= 1440/);
    expect(
      await jsonOf<{ version: number; maxDurationMinutes: number }>(
        await get(`/patients/${ANNA}/emergency-policy`, 'anna'),
        200,
      ),
    ).toMatchObject({ version: 2, maxDurationMinutes: 60 });

    // A version number beyond any the ledger keeps.
    const anyRule = (await jsonOf<Page<StoredRule>>(await get(`/patients/${ANNA}/rules`, 'anna'), 200))
      .items[0];
    await problemOf(
      await send('POST', `/patients/${ANNA}/rules/${anyRule?.ruleId ?? ''}/restore`, 'anna', {
        version: 1_000_000_000,
      }),
      400,
      'VALIDATION_FAILED',
    );

    // Countries: as many as the ledger takes (60), not one more.
    const countries = (count: number) =>
      Array.from({ length: count }, (_, i) => String.fromCharCode(65 + Math.floor(i / 26), 65 + (i % 26)));
    const publicHealth = (count: number) => ({
      effect: 'permit',
      grantee: { kind: 'role', role: 'auditor', countries: countries(count) },
      categories: ['devices'],
      labels: [],
      purposes: ['PUBHLTH'],
    });
    await problemOf(
      await send('POST', `/patients/${ANNA}/rules`, 'anna', publicHealth(61)),
      400,
      'VALIDATION_FAILED',
    );
    const wide = await jsonOf<StoredRule>(
      await send('POST', `/patients/${ANNA}/rules`, 'anna', publicHealth(45)),
      201,
    );
    expect(wide.grantee.countries).toHaveLength(45);
    await jsonOf(await send('DELETE', `/patients/${ANNA}/rules/${wide.ruleId}`, 'anna'), 200);

    // A bookmark longer than any the ledger issues.
    await problemOf(
      await get(`/patients/${ANNA}/rules?bookmark=${'b'.repeat(2_049)}`, 'anna'),
      400,
      'VALIDATION_FAILED',
    );
  });
});

describe('clinician: find, request, receive, emergency, contribute, FHIR', () => {
  let grantId: string;

  it('finds a patient by id and by the code of her emergency card; a forged code finds no one', async () => {
    expect(await jsonOf(await get(`/patients/lookup?id=${ANNA}`, 'dr.weber'), 200)).toEqual({
      patientId: ANNA,
    });
    await problemOf(await get(`/patients/lookup?id=${NOBODY}`, 'dr.weber'), 404, 'NOT_FOUND');
    await problemOf(await get('/patients/lookup', 'dr.weber'), 400, 'VALIDATION_FAILED');

    const card = await jsonOf<{ code: string }>(await get(`/patients/${ANNA}/emergency-card`, 'anna'), 200);
    expect(
      await jsonOf(await get(`/patients/lookup?card=${encodeURIComponent(card.code)}`, 'dr.weber'), 200),
    ).toEqual({ patientId: ANNA });
    const [named] = card.code.split('.');
    const forged = `${Buffer.from(MARCO).toString('base64url')}.${card.code.split('.')[1] ?? ''}`;
    expect(named).not.toBe(forged.split('.')[0]);
    await problemOf(
      await get(`/patients/lookup?card=${encodeURIComponent(forged)}`, 'dr.weber'),
      404,
      'NOT_FOUND',
    );
  });

  it('requests access with a purpose and downloads the record it grants (labelled data withheld)', async () => {
    const entry = await requestAccess('dr.weber', ANNA, ['allergies', 'problems'], 'follow-up visit');
    expect(entry.decision.granted).toEqual(['allergies', 'problems']);
    grantId = entry.grantId ?? '';
    expect(grantId).toMatch(/^[0-9a-f]{64}$/);
    expect(await jsonOf<GrantView>(await get(`/grants/${grantId}`, 'dr.weber'), 200)).toMatchObject({
      status: 'active',
      patientId: ANNA,
    });

    const record = await get(`/grants/${grantId}/record`, 'dr.weber');
    expect(record.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    const text = await record.text();
    expect(record.status).toBe(200);
    const bundle = JSON.parse(text) as Bundle;
    expect(bundle.resourceType).toBe('Bundle');
    const types = bundle.entry.map((item) => item.resource.resourceType);
    expect(types).toEqual(expect.arrayContaining(['AllergyIntolerance', 'Condition']));
    expect(types).not.toContain('Observation');
    expect(text).toContain('38341003'); // hypertension: a problem without a label
    expect(text).not.toContain('35489007'); // the PSY-labelled condition: her rule releases no labels

    // The record is the requester's alone: another clinician signed in asking for it is told it is not theirs.
    await problemOf(await get(`/grants/${grantId}/record`, 'dr.dubois'), 403, 'NOT_REQUESTER');
    await problemOf(await get('/grants/no-such-grant/record', 'dr.weber'), 404, 'GRANT_NOT_FOUND');
  });

  it('gets emergency access with a reason, and the patient sees it and the reason in her log', async () => {
    await problemOf(
      await send('POST', '/emergency-access', 'dr.rossi', {
        patientId: ANNA,
        categories: ['allergies'],
        reasonCode: 'unconscious',
        reason: '',
      }),
      400,
      'VALIDATION_FAILED',
    );
    const entry = await jsonOf<AccessLogEntry>(
      await send('POST', '/emergency-access', 'dr.rossi', {
        patientId: ANNA,
        categories: ['allergies', 'results'],
        reasonCode: 'unconscious',
        reason: 'unconscious on arrival at the emergency department',
      }),
      201,
    );
    expect(entry).toMatchObject({ emergency: true, purpose: 'ETREAT', reasonCode: 'unconscious' });
    expect(entry.decision.granted).toEqual(['allergies']);
    expect(entry.decision.denied).toEqual(['results']);

    const log = await jsonOf<Page<AccessLogEntry>>(await get(`/patients/${ANNA}/access-log`, 'anna'), 200);
    expect(log.items).toContainEqual(
      expect.objectContaining({
        entryId: entry.entryId,
        emergency: true,
        reason: {
          text: 'unconscious on arrival at the emergency department',
          salt: expect.stringMatching(/^[0-9a-f]{64}$/),
          verified: true,
        },
        requester: expect.objectContaining({ id: 'clin-rossi', mspId: 'HospitalITMSP' }),
      }),
    );
    expect(log.items.map((item) => item.entryId)).toContain(grantId);
  });

  it('the patient sees whether her record was opened and by whom; no one else reads her grants by her paths', async () => {
    const grant = await jsonOf<GrantView>(await get(`/patients/${ANNA}/grants/${grantId}`, 'anna'), 200);
    expect(grant).toMatchObject({ grantId, patientId: ANNA, status: 'active' });
    const deliveries = await jsonOf<Page<Delivery>>(
      await get(`/patients/${ANNA}/grants/${grantId}/deliveries`, 'anna'),
      200,
    );
    // The clinician downloaded the record once above: one delivery, to him.
    expect(deliveries.items).toEqual([
      expect.objectContaining({
        grantId,
        patientId: ANNA,
        requester: expect.objectContaining({ id: 'clin-weber' }),
      }),
    ]);
    // An auditor reads the same; the auditor's path must name the grant's own patient.
    expect(
      (
        await jsonOf<Page<Delivery>>(
          await get(`/patients/${ANNA}/grants/${grantId}/deliveries`, 'auditor'),
          200,
        )
      ).items,
    ).toHaveLength(1);
    await problemOf(await get(`/patients/${MARCO}/grants/${grantId}`, 'auditor'), 404, 'NOT_FOUND');
    await problemOf(
      await get(`/patients/${MARCO}/grants/${grantId}/deliveries`, 'auditor'),
      404,
      'NOT_FOUND',
    );

    // Another patient: not through Anna's path, nor by naming Anna's grant under his own.
    await problemOf(await get(`/patients/${ANNA}/grants/${grantId}`, 'marco'), 403, 'NOT_OWNER');
    await problemOf(await get(`/patients/${MARCO}/grants/${grantId}`, 'marco'), 403, 'FORBIDDEN');
    await problemOf(await get(`/patients/${MARCO}/grants/${grantId}/deliveries`, 'marco'), 403, 'FORBIDDEN');
    // The clinician who holds the grant reads it by his own route, not by the patient's.
    await problemOf(
      await get(`/patients/${ANNA}/grants/${grantId}/deliveries`, 'dr.weber'),
      403,
      'FORBIDDEN',
    );
  });

  it('submits contributions the patient reads, then approves or rejects, once', async () => {
    const contribute = async (code: string): Promise<Contribution> =>
      jsonOf<Contribution>(
        await send('POST', `/patients/${ANNA}/contributions`, 'dr.weber', {
          categories: ['results'],
          labels: [],
          resource: { resourceType: 'Observation', status: 'final', code: { text: code } },
        }),
        201,
      );
    const first = await contribute('HbA1c');
    const second = await contribute('LDL');
    expect(first).toMatchObject({
      status: 'pending',
      patientId: ANNA,
      contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });

    const pending = await jsonOf<Page<Contribution>>(
      await get(`/patients/${ANNA}/contributions`, 'anna'),
      200,
    );
    expect(
      pending.items.filter((item) => item.status === 'pending').map((item) => item.contributionId),
    ).toEqual(expect.arrayContaining([first.contributionId, second.contributionId]));
    // She reads what was contributed before deciding.
    expect(
      await jsonOf(await get(`/patients/${ANNA}/contributions/${first.contributionId}/content`, 'anna'), 200),
    ).toEqual({ resourceType: 'Observation', status: 'final', code: { text: 'HbA1c' } });
    expect(
      await jsonOf(
        await send('POST', `/patients/${ANNA}/contributions/${first.contributionId}/approve`, 'anna'),
        200,
      ),
    ).toMatchObject({ status: 'approved' });
    expect(
      await jsonOf(
        await send('POST', `/patients/${ANNA}/contributions/${second.contributionId}/reject`, 'anna'),
        200,
      ),
    ).toMatchObject({ status: 'rejected' });
    await problemOf(
      await send('POST', `/patients/${ANNA}/contributions/${first.contributionId}/reject`, 'anna'),
      409,
      'FAILED_PRECONDITION',
    );
  });

  it('serves FHIR clients the summary Bundle under a grant, and an OperationOutcome without one', async () => {
    const summary = await stack.call('GET', `/fhir/Patient/${ANNA}/$summary`, await token('dr.weber'));
    expect(summary.status).toBe(200);
    expect(summary.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    expect(((await summary.json()) as Bundle).resourceType).toBe('Bundle');

    const refused = await stack.call('GET', `/fhir/Patient/${MARCO}/$summary`, await token('dr.dubois'));
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    const outcome = (await refused.json()) as { resourceType: string; issue: { code: string }[] };
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.issue[0]?.code).toBe('forbidden');

    const anonymous = await stack.call('GET', `/fhir/Patient/${ANNA}/$summary`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { resourceType: string }).resourceType).toBe('OperationOutcome');
  });
});

describe('auditor', () => {
  it('cannot sign in without a TOTP code', async () => {
    await problemOf(await signInWithoutCode('auditor'), 401, 'MFA_REQUIRED');
  });

  it('reads the access log by patient, by requester and by time', async () => {
    const byPatient = await jsonOf<Page<AccessLogEntry>>(
      await get(`/audit/access-log?patientId=${ANNA}&pageSize=100`, 'auditor'),
      200,
    );
    expect(byPatient.items.length).toBeGreaterThanOrEqual(2);
    expect(new Set(byPatient.items.map((item) => item.patientId))).toEqual(new Set([ANNA]));
    expect(byPatient.items.map((item) => item.requester.id)).toEqual(
      expect.arrayContaining(['clin-weber', 'clin-rossi']),
    );

    const byRequester = await jsonOf<Page<AccessLogEntry>>(
      await get('/audit/access-log?requesterMspId=HospitalITMSP&requesterId=clin-rossi', 'auditor'),
      200,
    );
    expect(byRequester.items.length).toBeGreaterThanOrEqual(1);
    expect(byRequester.items.every((item) => item.requester.id === 'clin-rossi' && item.emergency)).toBe(
      true,
    );

    const byTime = await jsonOf<Page<AccessLogEntry>>(
      await get(`/audit/access-log?from=${encodeURIComponent(startedAt)}&pageSize=100`, 'auditor'),
      200,
    );
    expect(byTime.items.length).toBe(byPatient.items.length);
    const future = await jsonOf<Page<AccessLogEntry>>(
      await get(`/audit/access-log?from=${encodeURIComponent('2999-01-01T00:00:00Z')}`, 'auditor'),
      200,
    );
    expect(future.items).toEqual([]);
    await problemOf(await get('/audit/access-log', 'auditor'), 400, 'VALIDATION_FAILED');
  });

  it('walks the blocks and opens a transaction of the access log', async () => {
    const page = await jsonOf<{
      height: number;
      blocks: { number: number; previousHash: string; hash: string }[];
    }>(await get('/audit/blocks?from=0&limit=5', 'auditor'), 200);
    expect(page.height).toBeGreaterThan(5);
    expect(page.blocks.map((block) => block.number)).toEqual([0, 1, 2, 3, 4]);
    expect(page.blocks[1]?.previousHash).toBe(page.blocks[0]?.hash);
    expect(await jsonOf(await get('/audit/blocks/1', 'auditor'), 200)).toMatchObject({ number: 1 });
    await problemOf(await get(`/audit/blocks/${page.height + 10}`, 'auditor'), 404, 'NOT_FOUND');

    const log = await jsonOf<Page<AccessLogEntry>>(
      await get('/audit/access-log?requesterMspId=HospitalDEMSP&requesterId=clin-weber', 'auditor'),
      200,
    );
    const txId = log.items[0]?.entryId ?? '';
    const tx = await jsonOf<{
      txId: string;
      functionName: string;
      validationCode: string;
      creatorMspId: string;
    }>(await get(`/audit/transactions/${txId}`, 'auditor'), 200);
    expect(tx).toMatchObject({ txId, validationCode: 'VALID', creatorMspId: 'HospitalDEMSP' });
    expect(tx.functionName).toMatch(/requestAccess$/);
  });

  it('replays the chain: an ok report with counts, and the same as CSV', async () => {
    const report = await jsonOf<ReplayReport>(await send('POST', '/audit/replay', 'auditor'), 200);
    expect(report.discrepancies).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.blocksChecked).toBeGreaterThan(5);
    expect(report.decisionsChecked).toBeGreaterThanOrEqual(2);
    expect(report.deliveriesChecked).toBeGreaterThanOrEqual(1);
    expect(report.manifestsChecked).toBeGreaterThanOrEqual(1);

    // Streamed: progress of blocks verified while it runs, then the same report.
    const streamed = await stack.call('POST', `${API}/audit/replay`, await token('auditor'), undefined, {
      accept: 'application/x-ndjson',
    });
    expect(streamed.status).toBe(200);
    expect(streamed.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = (await streamed.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const progress = lines.filter((line) => line.type === 'progress');
    expect(progress[0]).toMatchObject({ blocksVerified: 0 });
    const total = progress[0]?.totalBlocks as number;
    expect(total).toBeGreaterThanOrEqual(report.blocksChecked);
    // The last progress line: every block, then every delivery manifest verified.
    const last = progress.at(-1);
    expect(last).toMatchObject({ type: 'progress', blocksVerified: total, totalBlocks: total });
    expect(last?.deliveriesVerified).toBe(last?.totalDeliveries);
    const verified = progress.map((line) => line.blocksVerified as number);
    expect([...verified].sort((a, b) => a - b)).toEqual(verified);
    expect(lines.at(-1)).toMatchObject({ type: 'result', result: { ok: true, discrepancies: [] } });

    const csv = await stack.call('POST', `${API}/audit/replay`, await token('auditor'), undefined, {
      accept: 'text/csv',
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect((await csv.text()).trim()).toBe('kind,block,txId,detail');
  });
});

describe('auditor, on a real Fabric network', () => {
  // A Fabric peer serves what its block file holds; the replay must name a block changed there. Every peer's
  // copy is changed alike, since the platform's client reads from whichever peer it uses at the moment.
  itOnFabric(
    'names a block the peers serve altered: one byte changed in their block files on disk',
    async () => {
      const altered = new Set<number>();
      await alterPeerBlockFiles(
        stack.platform.network.profile.peers.map((peer) => peer.mspId),
        (bytes) => void altered.add(changeLetterCaseInBlockFile(bytes, '"permit"')),
      );
      expect(altered.size).toBe(1);
      const report = await jsonOf<ReplayReport>(await send('POST', '/audit/replay', 'auditor'), 200);
      expect(report.ok).toBe(false);
      expect(report.discrepancies).toEqual([
        expect.objectContaining({ kind: 'DATA_HASH_MISMATCH', block: [...altered][0] }),
      ]);
    },
  );
});

describe('admin', () => {
  const lena = {
    username: 'lena.weiss',
    password: 'a long demo passphrase',
    displayName: 'Lena Weiss',
    role: 'patient',
    mspId: 'HospitalDEMSP',
    country: 'DE',
  };

  it('cannot sign in without a TOTP code; lists the organisations', async () => {
    await problemOf(await signInWithoutCode('admin'), 401, 'MFA_REQUIRED');
    const organisations = await jsonOf<{ items: { mspId: string; country: string }[] }>(
      await get('/admin/organisations', 'admin'),
      200,
    );
    expect(organisations.items.map((item) => item.country).sort()).toEqual(['DE', 'FR', 'IT']);
  });

  it('creates a user who signs in and acts; disabling refuses the sign-in, the token and the ledger identity', async () => {
    const created = await jsonOf<{ userId: string; ledgerId: string; disabled: boolean }>(
      await send('POST', '/admin/users', 'admin', lena),
      201,
    );
    expect(created.disabled).toBe(false);
    // Her ledger id is a pseudonym the platform generated, not one the request chose.
    expect(created.ledgerId).toMatch(/^pt-[a-z2-7]{26}$/);
    const lenaId = created.ledgerId;
    const users = await jsonOf<{ items: { username: string }[] }>(await get('/admin/users', 'admin'), 200);
    expect(users.items.map((user) => user.username)).toContain(lena.username);

    const signIn = () =>
      stack.call('POST', `${API}/auth/login`, undefined, {
        username: lena.username,
        password: lena.password,
      });
    const { accessToken } = await jsonOf<{ accessToken: string }>(await signIn(), 200);
    const rule = await stack.call('POST', `${API}/patients/${lenaId}/rules`, accessToken, {
      effect: 'permit',
      grantee: { kind: 'role', role: 'clinician', countries: ['DE'] },
      categories: ['allergies'],
      labels: [],
      purposes: ['TREAT'],
    });
    expect(await jsonOf(rule, 201)).toMatchObject({ patientId: lenaId, version: 1 });
    const enrolment = await stack.platform.wallet.get(lena.mspId, lenaId);
    expect(enrolment).toBeDefined();

    expect(
      await jsonOf(await send('POST', `/admin/users/${created.userId}/disable`, 'admin'), 200),
    ).toMatchObject({ disabled: true });
    await problemOf(await signIn(), 401, 'INVALID_CREDENTIALS');
    await problemOf(
      await stack.call('GET', `${API}/patients/${lenaId}/rules`, accessToken),
      401,
      'TOKEN_INVALID',
    );

    // Her certificate is revoked at the CA: once the CA's revocations reach the peers, they refuse what it
    // signs, even outside the gateway.
    await stack.publishRevocations(lena.mspId);
    if (enrolment === undefined) throw new Error('no enrolment');
    const ledger = await connect({ identity: enrolment, profile: stack.platform.network.profile });
    try {
      const refused = await ledger.evaluate('rules:listMyRules', { arguments: ['10', ''] }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(LedgerClientError);
      expect((refused as LedgerClientError).code).toBe(LedgerClientErrorCode.Rejected);
    } finally {
      ledger.close();
    }
  });
});
