/**
 * With the data lake stopped, what lives on the ledger keeps working — patients manage their rules, auditors audit,
 * clinicians' requests are decided and logged — while everything that needs the data answers 503 with a clear
 * problem (DATALAKE_UNAVAILABLE), and readiness says which component is down.
 */
import type { AccessLogEntry, Page, StoredRule } from '@custodia/chaincode';
import type { ReplayReport } from '../src/audit';
import { jsonOf, problemOf } from './fixtures/answers';
import { API, demoApi } from './fixtures/api';
import type { ProblemBody } from './fixtures/answers';
import { startTestPlatform } from './fixtures/platform';
import type { TestPlatform } from './fixtures/platform';

jest.setTimeout(180_000);

/** The demo patients' pseudonyms. */
let ANNA: string;

let stack: TestPlatform;
const { token, get, send, requestAccess } = demoApi(() => stack);
/** A grant decided and delivered while the lake ran. */
let deliveredGrant: string;

async function unavailable(response: Response): Promise<ProblemBody> {
  const problem = await problemOf(response, 503, 'DATALAKE_UNAVAILABLE');
  expect(problem.detail).toMatch(/data lake/i);
  return problem;
}

beforeAll(async () => {
  stack = await startTestPlatform();
  ANNA = stack.patientId('anna');
  const entry = await requestAccess('dr.weber', ANNA, ['allergies']);
  deliveredGrant = entry.grantId ?? '';
  expect((await get(`/grants/${deliveredGrant}/record`, 'dr.weber')).status).toBe(200);
  // Every role signs in while all is up; then the lake goes away.
  await Promise.all(['anna', 'dr.weber', 'centre.berlin', 'auditor', 'admin'].map(token));
  await stack.platform.stopDatalake();
});
afterAll(async () => stack?.destroy());

describe('with the data lake stopped', () => {
  it('is alive but not ready, naming the data lake', async () => {
    expect((await stack.call('GET', '/healthz')).status).toBe(200);
    const ready = await stack.call('GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'degraded', components: { datalake: false } });
  });

  it('patients still create, change, revoke and preview their rules and set their emergency policy', async () => {
    const rule = await jsonOf<StoredRule>(
      await send('POST', `/patients/${ANNA}/rules`, 'anna', {
        effect: 'permit',
        grantee: { kind: 'organization', mspId: 'HospitalITMSP' },
        categories: ['immunizations'],
        labels: [],
        purposes: ['TREAT'],
      }),
      201,
    );
    expect(
      await jsonOf(
        await send('PUT', `/patients/${ANNA}/rules/${rule.ruleId}`, 'anna', {
          effect: 'permit',
          grantee: { kind: 'organization', mspId: 'HospitalITMSP' },
          categories: ['immunizations', 'allergies'],
          labels: [],
          purposes: ['TREAT'],
        }),
        200,
      ),
    ).toMatchObject({ version: 2 });
    const preview = await jsonOf<{ decision: { granted: string[] } }>(
      await send('POST', `/patients/${ANNA}/preview`, 'anna', {
        requester: { mspId: 'HospitalITMSP', role: 'clinician', id: 'clin-rossi' },
        categories: ['immunizations'],
        purpose: 'TREAT',
      }),
      200,
    );
    expect(preview.decision.granted).toEqual(['immunizations']);
    expect(
      await jsonOf(await send('DELETE', `/patients/${ANNA}/rules/${rule.ruleId}`, 'anna'), 200),
    ).toMatchObject({ status: 'revoked' });
    const rules = await jsonOf<Page<StoredRule>>(await get(`/patients/${ANNA}/rules`, 'anna'), 200);
    expect(rules.items.find((item) => item.ruleId === rule.ruleId)?.status).toBe('revoked');
    expect(
      await jsonOf(
        await send('PUT', `/patients/${ANNA}/emergency-policy`, 'anna', {
          enabled: true,
          roles: ['clinician'],
          countries: [],
          categories: ['allergies'],
          labels: [],
          maxDurationMinutes: 30,
        }),
        200,
      ),
    ).toMatchObject({ version: 2 });
    expect((await get(`/patients/${ANNA}/access-log`, 'anna')).status).toBe(200);
  });

  it('auditors still read the access log, blocks, transactions and rule histories', async () => {
    const log = await jsonOf<Page<AccessLogEntry>>(
      await get(`/audit/access-log?patientId=${ANNA}`, 'auditor'),
      200,
    );
    expect(log.items.map((item) => item.entryId)).toContain(deliveredGrant);
    const blocks = await jsonOf<{ height: number }>(await get('/audit/blocks?limit=2', 'auditor'), 200);
    expect(blocks.height).toBeGreaterThan(1);
    expect(await jsonOf(await get(`/audit/transactions/${deliveredGrant}`, 'auditor'), 200)).toMatchObject({
      txId: deliveredGrant,
      validationCode: 'VALID',
    });
    const rules = await jsonOf<Page<StoredRule>>(await get(`/patients/${ANNA}/rules`, 'auditor'), 200);
    const first = rules.items[0]?.ruleId ?? '';
    expect((await get(`/audit/rules/${first}/history`, 'auditor')).status).toBe(200);
  });

  it('clinicians’ requests are still decided and logged on the ledger', async () => {
    const entry = await requestAccess('dr.weber', ANNA, ['medications']);
    expect(entry.decision.granted).toEqual(['medications']);
    expect(await jsonOf(await get(`/grants/${entry.grantId ?? ''}`, 'dr.weber'), 200)).toMatchObject({
      status: 'active',
    });
  });

  it('answers 503 DATALAKE_UNAVAILABLE wherever data is needed', async () => {
    await unavailable(await get(`/grants/${deliveredGrant}/record`, 'dr.weber'));
    await unavailable(await send('POST', `/grants/${deliveredGrant}/assembly`, 'dr.weber'));
    await unavailable(
      await stack.call(
        'POST',
        `${API}/patients/${stack.patientId('marco')}/records?sourceId=lab-offline-1`,
        await token('centre.berlin'),
        JSON.stringify({ resourceType: 'Observation', status: 'final', code: { text: 'glucose' } }),
        { 'content-type': 'application/fhir+json' },
      ),
    );
    const fhir = await stack.call('GET', `/fhir/Patient/${ANNA}/$summary`, await token('dr.weber'));
    expect(fhir.status).toBe(503);
    const outcome = (await fhir.json()) as { resourceType: string; issue: { code: string }[] };
    expect(outcome).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'transient' }] });
  });

  it('keeps a binary upload’s parts when completing fails, so it can be completed later', async () => {
    const content = Buffer.from('%PDF-1.4\n%%EOF\n');
    const upload = await jsonOf<{ uploadId: string }>(
      await send('POST', '/uploads', 'centre.berlin', {
        patientId: ANNA,
        sourceId: 'offline-scan-1',
        fileName: 'scan.pdf',
        contentType: 'application/pdf',
        size: content.length,
        documentReference: { resourceType: 'DocumentReference', status: 'current' },
      }),
      201,
    );
    const part = await stack.call(
      'PUT',
      `${API}/uploads/${upload.uploadId}/parts/0`,
      await token('centre.berlin'),
      content,
      { 'content-type': 'application/octet-stream' },
    );
    expect(part.status).toBe(200);
    await unavailable(await send('POST', `/uploads/${upload.uploadId}/complete`, 'centre.berlin'));
    expect(await jsonOf(await get(`/uploads/${upload.uploadId}`, 'centre.berlin'), 200)).toMatchObject({
      status: 'receiving',
      parts: [0],
      error: 'DATALAKE_UNAVAILABLE',
    });
  });

  it('auditors still replay the chain: decisions re-derived, the unreachable manifest named, not hidden', async () => {
    const report = await jsonOf<ReplayReport>(await send('POST', '/audit/replay', 'auditor'), 200);
    expect(report.blocksChecked).toBeGreaterThan(1);
    expect(report.decisionsChecked).toBeGreaterThanOrEqual(2);
    expect(report.deliveriesChecked).toBeGreaterThanOrEqual(1);
    // The delivery made while the lake ran cannot have its manifest checked now: the report says so.
    expect(report.ok).toBe(false);
    expect(report.discrepancies.map((item) => item.kind)).toEqual(
      report.discrepancies.map(() => 'MANIFEST_UNAVAILABLE'),
    );
    expect(report.discrepancies.length).toBeGreaterThanOrEqual(1);
  });

  it('an admin cannot create a patient the lake does not know: 503, and no account is left behind', async () => {
    await unavailable(
      await send('POST', '/admin/users', 'admin', {
        username: 'late.patient',
        password: 'a-long-enough-password',
        displayName: 'Late Patient',
        role: 'patient',
        mspId: 'HospitalDEMSP',
        country: 'DE',
      }),
    );
    expect(stack.platform.identity.listUsers().map((user) => user.username)).not.toContain('late.patient');
    // Staff accounts do not need the lake.
    await jsonOf(
      await send('POST', '/admin/users', 'admin', {
        username: 'new.clinician',
        password: 'a-long-enough-password',
        displayName: 'New Clinician',
        role: 'clinician',
        mspId: 'HospitalDEMSP',
        country: 'DE',
      }),
      201,
    );
  });
});
