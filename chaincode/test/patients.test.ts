/**
 * The patient registry: a patient is registered once, by their home organisation, and only that
 * organisation's patient identity acts as them. Erasure ends everything the patient had on-chain.
 */
import type { AccessLogEntry, Contribution, GrantView, Page, PatientRegistration, StoredRule } from '../src';
import { at, harness, PATIENT_A, PATIENT_B, pseudonym, T0 } from './fixtures/ledger';
import type { Harness } from './fixtures/ledger';
import { accessRequest, contributionRequest, emergencyRequest, ruleCreation } from './fixtures/requests';

const permit = (overrides: Record<string, unknown> = {}) =>
  ruleCreation({
    effect: 'permit',
    grantee: { kind: 'role', role: 'clinician' },
    categories: ['allergies', 'problems'],
    purposes: ['TREAT'],
    ...overrides,
  });
const policy = JSON.stringify({
  enabled: true,
  roles: ['clinician'],
  categories: ['allergies'],
  maxDurationMinutes: 60,
});
const HASH = 'ab'.repeat(32);

let h: Harness;
beforeEach(async () => {
  h = await harness();
});

describe('patients: registration', () => {
  it('binds a pseudonym to the registering admin’s organisation, once', async () => {
    const id = pseudonym('c');
    const registration = await h.submit<PatientRegistration>(h.adminFr, 'patients:registerPatient', [id]);
    expect(registration).toEqual({
      patientId: id,
      mspId: 'Org2MSP',
      registeredBy: 'admin-fr',
      registeredAt: T0.toISOString(),
      txId: expect.any(String),
    });
    expect(h.lastEvent()).toEqual({
      eventName: 'custodia.patient.registered',
      payload: { patientId: id, mspId: 'Org2MSP' },
    });
    for (const reader of [h.auditor, h.admin, h.adminFr]) {
      expect(await h.evaluate(reader, 'patients:getPatient', [id])).toEqual(registration);
    }
    await h.rejects(h.clinician, 'patients:getPatient', [id], 'FORBIDDEN');
    await h.rejects(h.patientA, 'patients:getPatient', [id], 'FORBIDDEN');
    await h.rejects(h.admin, 'patients:getPatient', [pseudonym('z')], 'NOT_FOUND');
  });

  it('refuses another organisation registering an existing patient’s id, and a second registration at home', async () => {
    await h.rejects(h.adminFr, 'patients:registerPatient', [PATIENT_A], 'CONFLICT');
    await h.rejects(h.admin, 'patients:registerPatient', [PATIENT_A], 'CONFLICT');
    expect((await h.evaluate<PatientRegistration>(h.auditor, 'patients:getPatient', [PATIENT_A])).mspId).toBe(
      'Org1MSP',
    );
  });

  it('is for organisation admins only, and for pseudonyms only', async () => {
    for (const who of [h.clinician, h.centre, h.auditor, h.patientA, h.stranger]) {
      await h.rejects(who, 'patients:registerPatient', [pseudonym('c')], 'FORBIDDEN');
    }
    for (const readable of ['patient-anna', 'anna.schmidt', `pt-${'A'.repeat(26)}`]) {
      await h.rejects(h.admin, 'patients:registerPatient', [readable], 'INVALID_ARGUMENT');
    }
  });
});

describe('patients: impersonation by another organisation', () => {
  it('refuses every patient transaction to a certificate another organisation issued with the patient’s id', async () => {
    const rule = await h.submit<StoredRule>(h.patientA, 'rules:createRule', [permit()]);
    const entry = await h.submit<AccessLogEntry>(h.clinician, 'access:requestAccess', [
      accessRequest(['allergies']),
    ]);
    await h.submit(h.clinician, 'contributions:submitContribution', [contributionRequest()]);
    // HospitalFR's CA issues a patient certificate carrying patient A's ledger id.
    const impostor = await h.member('Org2MSP', PATIENT_A, 'patient');
    const attempts: [string, string[]][] = [
      ['rules:createRule', [permit()]],
      ['rules:revokeRule', [rule.ruleId]],
      ['rules:updateRule', [rule.ruleId, JSON.stringify(JSON.parse(permit()).rule)]],
      ['rules:getRule', [rule.ruleId]],
      ['rules:listMyRules', ['10', '']],
      ['rules:listPatientRules', [PATIENT_A, '10', '']],
      ['emergency:setEmergencyPolicy', [policy]],
      ['emergency:getEmergencyPolicy', [PATIENT_A]],
      ['access:getGrant', [entry.entryId]],
      [
        'access:previewAccess',
        [
          JSON.stringify({
            requester: { mspId: 'Org1MSP', role: 'clinician', id: 'dr-a' },
            categories: ['allergies'],
            purpose: 'TREAT',
          }),
        ],
      ],
      ['audit:listAccessLog', [JSON.stringify({ by: 'patient', patientId: PATIENT_A }), '10', '']],
      ['contributions:listContributions', [PATIENT_A, '10', '']],
      ['records:listRecordMeta', [PATIENT_A, '', '10', '']],
      ['patients:getPatient', [PATIENT_A]],
    ];
    for (const [fcn, args] of attempts) {
      const message = await h.rejects(impostor, fcn, args, 'FORBIDDEN');
      expect(message).toBe('not a patient registered by this organisation');
    }
    // The real patient's rule is untouched and still decides.
    expect((await h.evaluate<StoredRule>(h.patientA, 'rules:getRule', [rule.ruleId])).status).toBe('active');
  });

  it('refuses a patient certificate whose id no organisation registered', async () => {
    const unregistered = await h.member('Org1MSP', pseudonym('q'), 'patient');
    await h.rejects(unregistered, 'rules:createRule', [permit()], 'FORBIDDEN');
    await h.rejects(unregistered, 'rules:listMyRules', ['10', ''], 'FORBIDDEN');
  });
});

describe('patients: erasure', () => {
  async function plant(): Promise<{
    grantIds: string[];
    ordinaryGrantId: string;
    ruleIds: string[];
    contributionId: string;
  }> {
    const kept = await h.submit<StoredRule>(h.patientA, 'rules:createRule', [permit()]);
    const revoked = await h.submit<StoredRule>(h.patientA, 'rules:createRule', [
      permit({ categories: ['results'] }),
    ]);
    await h.submit(h.patientA, 'rules:revokeRule', [revoked.ruleId]);
    await h.submit(h.patientA, 'emergency:setEmergencyPolicy', [policy]);
    const ordinary = await h.submit<AccessLogEntry>(h.clinician, 'access:requestAccess', [
      accessRequest(['allergies']),
    ]);
    const emergency = await h.submit<AccessLogEntry>(h.clinicianFr, 'access:requestEmergencyAccess', [
      emergencyRequest(['allergies']),
    ]);
    const contribution = await h.submit<Contribution>(h.clinician, 'contributions:submitContribution', [
      contributionRequest(),
    ]);
    // Patient B's things must survive A's erasure.
    await h.submit(h.patientB, 'rules:createRule', [permit()]);
    await h.submit(h.clinician, 'access:requestAccess', [
      accessRequest(['allergies'], { patientId: PATIENT_B }),
    ]);
    return {
      grantIds: [ordinary.entryId, emergency.entryId].sort(),
      ordinaryGrantId: ordinary.entryId,
      ruleIds: [kept.ruleId],
      contributionId: contribution.contributionId,
    };
  }

  it('is refused to another organisation’s admin and to anyone but an admin', async () => {
    await plant();
    await h.rejects(h.adminFr, 'patients:markPatientErased', [PATIENT_A], 'FORBIDDEN');
    await h.rejects(h.clinician, 'patients:markPatientErased', [PATIENT_A], 'FORBIDDEN');
    await h.rejects(h.patientA, 'patients:markPatientErased', [PATIENT_A], 'FORBIDDEN');
    await h.rejects(h.admin, 'patients:markPatientErased', [pseudonym('z')], 'NOT_FOUND');
  });

  it('ends every grant, rule and pending contribution in the same transaction, and says so in one event', async () => {
    const planted = await plant();
    const erased = await h.submit<PatientRegistration>(
      h.admin,
      'patients:markPatientErased',
      [PATIENT_A],
      at(0.1),
    );
    expect(erased.erased).toEqual({ at: at(0.1).toISOString(), txId: expect.any(String) });
    const event = h.lastEvent() as { eventName: string; payload: Record<string, string[]> };
    expect(event.eventName).toBe('custodia.patient.erased');
    expect({ ...event.payload, revokedGrantIds: [...(event.payload.revokedGrantIds ?? [])].sort() }).toEqual({
      patientId: PATIENT_A,
      mspId: 'Org1MSP',
      revokedGrantIds: planted.grantIds,
      revokedRuleIds: planted.ruleIds,
      rejectedContributionIds: [planted.contributionId],
    });
    for (const grantId of planted.grantIds) {
      const grant = await h.evaluate<GrantView>(h.auditor, 'access:getGrant', [grantId], at(0.2));
      expect(grant.status).toBe('revoked');
      expect(grant.revoked?.ruleId).toBe('patient-erased');
    }
    const rules = await h.evaluate<Page<StoredRule>>(h.auditor, 'rules:listPatientRules', [
      PATIENT_A,
      '10',
      '',
    ]);
    expect(rules.items.map((rule) => rule.status)).toEqual(['revoked', 'revoked']);
    const contribution = await h.evaluate<Contribution>(h.auditor, 'contributions:getContribution', [
      PATIENT_A,
      planted.contributionId,
    ]);
    expect(contribution.status).toBe('rejected');
    // B is untouched.
    const bRules = await h.evaluate<Page<StoredRule>>(h.auditor, 'rules:listPatientRules', [
      PATIENT_B,
      '10',
      '',
    ]);
    expect(bRules.items.map((rule) => rule.status)).toEqual(['active']);
  });

  it('refuses from then on new requests, rule changes, records, contributions and deliveries', async () => {
    const planted = await plant();
    await h.submit(h.admin, 'patients:markPatientErased', [PATIENT_A], at(0.1));
    const later = at(0.2);
    const refused: [typeof h.clinician, string, string[]][] = [
      [h.clinician, 'access:requestAccess', [accessRequest(['allergies'])]],
      [h.clinicianFr, 'access:requestEmergencyAccess', [emergencyRequest(['allergies'])]],
      [h.clinician, 'access:recordDelivery', [planted.ordinaryGrantId, HASH]],
      [h.clinician, 'contributions:submitContribution', [contributionRequest()]],
      [h.patientA, 'rules:createRule', [permit()]],
      [h.patientA, 'rules:restoreRuleVersion', [planted.ruleIds[0] ?? '', '1']],
      [h.patientA, 'emergency:setEmergencyPolicy', [policy]],
      [h.patientA, 'contributions:approveContribution', [planted.contributionId]],
      [
        h.centre,
        'records:registerRecord',
        [
          JSON.stringify({
            recordId: 'rec-late',
            patientId: PATIENT_A,
            categories: ['results'],
            contentHash: 'c0'.repeat(32),
            effectiveDate: '2030-05-30',
          }),
        ],
      ],
      [h.admin, 'patients:markPatientErased', [PATIENT_A]],
    ];
    for (const [who, fcn, args] of refused) {
      await h.rejects(who, fcn, args, 'FAILED_PRECONDITION', later);
    }
    // The erased id cannot be registered again by anyone.
    await h.rejects(h.adminFr, 'patients:registerPatient', [PATIENT_A], 'CONFLICT', later);
  });
});
