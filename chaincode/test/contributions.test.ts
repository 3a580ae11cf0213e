import { LIMITS } from '../src';
import type { AccessLogEntry, Contribution, Page, RecordMeta, StoredRule } from '../src';
import { at, harness, PATIENT_A, PATIENT_B, pseudonym, T0 } from './fixtures/ledger';
import type { Harness, Party } from './fixtures/ledger';
import {
  accessRequest,
  contributionRequest,
  emergencyRequest,
  requestId,
  ruleCreation,
} from './fixtures/requests';

const permit = (overrides: Record<string, unknown> = {}) =>
  ruleCreation({
    effect: 'permit',
    grantee: { kind: 'role', role: 'clinician' },
    categories: ['allergies', 'problems'],
    purposes: ['TREAT'],
    ...overrides,
  });

let h: Harness;
let rule: StoredRule;
beforeEach(async () => {
  h = await harness();
  rule = await h.submit<StoredRule>(h.patientA, 'rules:createRule', [permit()]);
});

/** A grant for the clinician on patient A. */
async function grantFor(who: Party, time = T0): Promise<AccessLogEntry> {
  const entry = await h.submit<AccessLogEntry>(
    who,
    'access:requestAccess',
    [accessRequest(['allergies'])],
    time,
  );
  expect(entry.grantId).toBeDefined();
  return entry;
}

function submit(who: Party, overrides: Record<string, unknown> = {}, time = T0): Promise<Contribution> {
  return h.submit<Contribution>(
    who,
    'contributions:submitContribution',
    [contributionRequest(overrides)],
    time,
  );
}

describe('contributions', () => {
  it('are held as pending until the patient approves them, once', async () => {
    await grantFor(h.clinician);
    const pending = await submit(h.clinician);
    expect(pending).toMatchObject({
      patientId: PATIENT_A,
      status: 'pending',
      labels: [],
      submitter: { mspId: 'Org1MSP', role: 'clinician', id: 'dr-a', country: 'DE' },
    });
    expect(h.lastEvent()).toEqual({
      eventName: 'custodia.contribution.submitted',
      payload: { contributionId: pending.contributionId, patientId: PATIENT_A, status: 'pending' },
    });
    const approved = await h.submit<Contribution>(
      h.patientA,
      'contributions:approveContribution',
      [pending.contributionId],
      at(1),
    );
    expect(approved).toMatchObject({ status: 'approved', decidedAt: at(1).toISOString() });
    await h.rejects(
      h.patientA,
      'contributions:approveContribution',
      [pending.contributionId],
      'FAILED_PRECONDITION',
    );
    await h.rejects(
      h.patientA,
      'contributions:rejectContribution',
      [pending.contributionId],
      'FAILED_PRECONDITION',
    );
  });

  it('become, on approval and in the same transaction, a record of the patient from the contributing organisation', async () => {
    await grantFor(h.clinicianFr);
    const pending = await submit(h.clinicianFr, { categories: ['problems'], labels: ['PSY'] });
    const approved = await h.submit<Contribution>(
      h.patientA,
      'contributions:approveContribution',
      [pending.contributionId],
      at(1),
    );
    const recordId = `contribution-${pending.contributionId}`;
    expect(approved.recordId).toBe(recordId);
    expect(h.lastEvent()).toEqual({
      eventName: 'custodia.contribution.decided',
      payload: { contributionId: pending.contributionId, patientId: PATIENT_A, status: 'approved', recordId },
    });
    const meta = await h.evaluate<RecordMeta>(h.admin, 'records:getRecordMeta', [recordId]);
    expect(meta).toEqual({
      recordId,
      patientId: PATIENT_A,
      categories: ['problems'],
      labels: ['PSY'],
      contentHash: pending.contentHash,
      effectiveDate: pending.submittedAt,
      sourceMspId: 'Org2MSP',
      country: 'FR',
      registeredBy: 'dr-fr',
      registeredAt: at(1).toISOString(),
      txId: approved.decidedTxId,
    });
    const listed = await h.evaluate<Page<RecordMeta>>(h.patientA, 'records:listRecordMeta', [
      PATIENT_A,
      '',
      '10',
      '',
    ]);
    expect(listed.items.map((m) => m.recordId)).toEqual([recordId]);
  });

  it('can be rejected by the patient, registering nothing', async () => {
    await grantFor(h.clinician);
    const pending = await submit(h.clinician);
    expect(
      (await h.submit<Contribution>(h.patientA, 'contributions:rejectContribution', [pending.contributionId]))
        .status,
    ).toBe('rejected');
    const listed = await h.evaluate<Page<RecordMeta>>(h.patientA, 'records:listRecordMeta', [
      PATIENT_A,
      '',
      '10',
      '',
    ]);
    expect(listed.items).toEqual([]);
  });

  it('are decided by their patient only and submitted by clinicians only', async () => {
    await grantFor(h.clinician);
    const pending = await submit(h.clinician);
    await h.rejects(h.patientB, 'contributions:approveContribution', [pending.contributionId], 'NOT_FOUND');
    await h.rejects(h.clinician, 'contributions:approveContribution', [pending.contributionId], 'FORBIDDEN');
    await h.rejects(h.auditor, 'contributions:rejectContribution', [pending.contributionId], 'FORBIDDEN');
    await h.rejects(h.centre, 'contributions:submitContribution', [contributionRequest()], 'FORBIDDEN');
    await h.rejects(h.patientA, 'contributions:submitContribution', [contributionRequest()], 'FORBIDDEN');
  });

  it('are readable by submitter, patient, auditors and the data lake; listed per patient', async () => {
    await grantFor(h.clinician);
    await grantFor(h.clinicianFr);
    const pending = await submit(h.clinician);
    await submit(h.clinicianFr, { categories: ['problems'] });
    for (const reader of [h.clinician, h.patientA, h.auditor, h.admin]) {
      expect(
        await h.evaluate(reader, 'contributions:getContribution', [PATIENT_A, pending.contributionId]),
      ).toEqual(pending);
    }
    await h.rejects(
      h.clinicianFr,
      'contributions:getContribution',
      [PATIENT_A, pending.contributionId],
      'FORBIDDEN',
    );
    await h.rejects(
      h.patientB,
      'contributions:getContribution',
      [PATIENT_A, pending.contributionId],
      'FORBIDDEN',
    );
    const list = await h.evaluate<Page<Contribution>>(h.patientA, 'contributions:listContributions', [
      PATIENT_A,
      '10',
      '',
    ]);
    expect(list.items).toHaveLength(2);
    await h.rejects(h.clinician, 'contributions:listContributions', [PATIENT_A, '10', ''], 'FORBIDDEN');
  });

  it.each([
    ['a malformed hash', contributionRequest({ contentHash: 'xyz' })],
    ['no category', contributionRequest({ categories: [] })],
    ['an unknown label', contributionRequest({ labels: ['GOSSIP'] })],
    ['free text', contributionRequest({ note: 'patient says…' })],
    ['a readable patient id', contributionRequest({ patientId: 'patient-anna' })],
    ['no request id', contributionRequest({ requestId: undefined })],
  ])('rejects %s with INVALID_ARGUMENT', async (_name, arg) => {
    await grantFor(h.clinician);
    await h.rejects(h.clinician, 'contributions:submitContribution', [arg], 'INVALID_ARGUMENT');
  });
});

describe('contributions: who may submit', () => {
  it('refuses a clinician without a grant for the patient, keeping nothing', async () => {
    await h.rejects(h.clinician, 'contributions:submitContribution', [contributionRequest()], 'FORBIDDEN');
    // A grant for another patient does not count.
    await h.submit(h.patientB, 'rules:createRule', [permit()]);
    await h.submit(h.clinician, 'access:requestAccess', [
      accessRequest(['allergies'], { patientId: PATIENT_B }),
    ]);
    await h.rejects(h.clinician, 'contributions:submitContribution', [contributionRequest()], 'FORBIDDEN');
    // Nor does another clinician's grant.
    await grantFor(h.clinicianFr);
    await h.rejects(h.clinician, 'contributions:submitContribution', [contributionRequest()], 'FORBIDDEN');
  });

  it('refuses a clinician whose grant expired, was revoked or is no longer covered by the rules', async () => {
    const entry = await grantFor(h.clinician);
    await h.rejects(
      h.clinician,
      'contributions:submitContribution',
      [contributionRequest()],
      'FORBIDDEN',
      at(24),
    );
    // Narrowed: a deny created later, in force from hour 2.
    await h.submit(
      h.patientA,
      'rules:createRule',
      [
        ruleCreation({
          effect: 'deny',
          grantee: { kind: 'role', role: 'clinician' },
          categories: ['allergies'],
          purposes: ['TREAT'],
          notBefore: at(2).toISOString(),
        }),
      ],
      at(1),
    );
    await submit(h.clinician, {}, at(1.5));
    await h.rejects(
      h.clinician,
      'contributions:submitContribution',
      [contributionRequest()],
      'FORBIDDEN',
      at(2),
    );
    await h.submit(h.patientA, 'rules:revokeRule', [rule.ruleId], at(1.6));
    expect(
      (await h.evaluate<{ status: string }>(h.clinician, 'access:getGrant', [entry.entryId], at(1.6))).status,
    ).toBe('revoked');
    await h.rejects(
      h.clinician,
      'contributions:submitContribution',
      [contributionRequest()],
      'FORBIDDEN',
      at(1.7),
    );
  });

  it('accepts a clinician holding an emergency grant', async () => {
    await h.submit(h.patientA, 'emergency:setEmergencyPolicy', [
      JSON.stringify({
        enabled: true,
        roles: ['clinician'],
        categories: ['allergies'],
        maxDurationMinutes: 30,
      }),
    ]);
    await h.submit(h.clinicianFr, 'access:requestEmergencyAccess', [emergencyRequest(['allergies'])]);
    expect((await submit(h.clinicianFr)).status).toBe('pending');
  });

  it('answers NOT_FOUND for a patient nobody registered, keeping nothing', async () => {
    await grantFor(h.clinician);
    await h.rejects(
      h.clinician,
      'contributions:submitContribution',
      [contributionRequest({ patientId: pseudonym('z') })],
      'NOT_FOUND',
    );
  });

  it(`holds at most ${LIMITS.maxPendingContributionsPerClinician} pending contributions per clinician`, async () => {
    await grantFor(h.clinician);
    const pending: Contribution[] = [];
    for (let i = 0; i < LIMITS.maxPendingContributionsPerClinician; i++)
      pending.push(await submit(h.clinician));
    await h.rejects(
      h.clinician,
      'contributions:submitContribution',
      [contributionRequest()],
      'RESOURCE_EXHAUSTED',
    );
    // Another clinician has its own quota; a decision frees a place.
    await grantFor(h.clinicianFr);
    await submit(h.clinicianFr);
    await h.submit(h.patientA, 'contributions:rejectContribution', [pending[0]?.contributionId ?? '']);
    await submit(h.clinician);
    await h.rejects(
      h.clinician,
      'contributions:submitContribution',
      [contributionRequest()],
      'RESOURCE_EXHAUSTED',
    );
  });

  it('answers a retried submission with the contribution it created, and refuses the id for other content', async () => {
    await grantFor(h.clinician);
    const id = requestId();
    const first = await submit(h.clinician, { requestId: id });
    const before = h.ledger.dump();
    expect(await submit(h.clinician, { requestId: id })).toEqual(first);
    expect(h.ledger.dump()).toEqual(before);
    await h.rejects(
      h.clinician,
      'contributions:submitContribution',
      [contributionRequest({ requestId: id, categories: ['problems'] })],
      'CONFLICT',
    );
  });

  it('cannot be pre-empted: a centre cannot register the record id an approval will use', async () => {
    await grantFor(h.clinician);
    const pending = await submit(h.clinician);
    await h.rejects(
      h.centre,
      'records:registerRecord',
      [
        JSON.stringify({
          recordId: `contribution-${pending.contributionId}`,
          patientId: PATIENT_A,
          categories: ['results'],
          contentHash: 'c0'.repeat(32),
          effectiveDate: '2030-05-30',
        }),
      ],
      'INVALID_ARGUMENT',
    );
  });
});
