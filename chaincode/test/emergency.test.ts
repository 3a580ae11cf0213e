import type { AccessLogEntry, EmergencyPolicy, GrantView, Page } from '../src';
import { at, harness, T0 } from './fixtures/ledger';
import type { Harness, Party } from './fixtures/ledger';

const policy = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    enabled: true,
    roles: ['clinician'],
    countries: ['DE'],
    categories: ['allergies', 'medications'],
    maxDurationMinutes: 30,
    ...overrides,
  });

let h: Harness;
beforeEach(async () => {
  h = await harness();
});

function emergency(
  who: Party,
  categories: string[],
  reason = 'unconscious on arrival',
  time = T0,
): Promise<AccessLogEntry> {
  return h.submit<AccessLogEntry>(
    who,
    'access:requestEmergencyAccess',
    ['patient-a', JSON.stringify(categories), reason],
    time,
  );
}

describe('emergency policy', () => {
  it('is versioned, readable by the patient and auditors', async () => {
    const v1 = await h.submit<EmergencyPolicy>(h.patientA, 'emergency:setEmergencyPolicy', [policy()]);
    expect(v1).toMatchObject({ patientId: 'patient-a', version: 1, labels: [], maxDurationMinutes: 30 });
    expect(h.lastEvent()).toEqual({
      eventName: 'custodia.emergency-policy.set',
      payload: { patientId: 'patient-a', version: 1, revokedGrantIds: [] },
    });
    const v2 = await h.submit<EmergencyPolicy>(
      h.patientA,
      'emergency:setEmergencyPolicy',
      [policy({ enabled: false })],
      at(1),
    );
    expect(v2.version).toBe(2);
    expect(await h.evaluate(h.auditor, 'emergency:getEmergencyPolicy', ['patient-a'])).toEqual(v2);
    const history = await h.evaluate<Page<EmergencyPolicy>>(
      h.patientA,
      'emergency:getEmergencyPolicyHistory',
      ['patient-a', '10', ''],
    );
    expect(history.items.map((p) => [p.version, p.enabled])).toEqual([
      [1, true],
      [2, false],
    ]);
    await h.rejects(h.patientB, 'emergency:getEmergencyPolicy', ['patient-a'], 'FORBIDDEN');
    await h.rejects(h.clinician, 'emergency:getEmergencyPolicy', ['patient-a'], 'FORBIDDEN');
    await h.rejects(h.patientB, 'emergency:getEmergencyPolicy', ['patient-b'], 'NOT_FOUND');
  });

  it.each([
    ['enabled without roles', policy({ roles: [] })],
    ['an unknown role', policy({ roles: ['janitor'] })],
    ['a zero duration', policy({ maxDurationMinutes: 0 })],
    ['a duration over a day', policy({ maxDurationMinutes: 1441 })],
    ['a missing field', JSON.stringify({ enabled: true, roles: ['clinician'], categories: ['allergies'] })],
  ])('rejects a policy with %s', async (_name, arg) => {
    await h.rejects(h.patientA, 'emergency:setEmergencyPolicy', [arg], 'INVALID_ARGUMENT');
  });

  it('is set by patients only', async () => {
    await h.rejects(h.clinician, 'emergency:setEmergencyPolicy', [policy()], 'FORBIDDEN');
    await h.rejects(h.auditor, 'emergency:setEmergencyPolicy', [policy()], 'FORBIDDEN');
  });
});

describe('requestEmergencyAccess', () => {
  it('grants the policy categories for its maximum duration, flagged, and announces it', async () => {
    await h.submit(h.patientA, 'emergency:setEmergencyPolicy', [policy()]);
    const entry = await emergency(h.clinician, ['allergies', 'problems']);
    expect(entry).toMatchObject({
      emergency: true,
      purpose: 'ETREAT',
      reason: 'unconscious on arrival',
      emergencyPolicyVersion: 1,
      grantId: entry.entryId,
      expiresAt: new Date(T0.getTime() + 30 * 60_000).toISOString(),
    });
    expect(entry.decision.granted).toEqual(['allergies']);
    expect(entry.decision.rules).toEqual([{ ruleId: 'emergency-policy', version: 1, effect: 'permit' }]);
    expect(h.lastEvent()).toEqual({
      eventName: 'custodia.access.emergency',
      payload: {
        entryId: entry.entryId,
        patientId: 'patient-a',
        requesterMspId: 'Org1MSP',
        requesterId: 'dr-a',
        emergency: true,
        grantId: entry.entryId,
        expiresAt: entry.expiresAt,
      },
    });
    const grant = await h.evaluate<GrantView>(h.patientA, 'access:getGrant', [entry.entryId], at(0.6));
    expect(grant).toMatchObject({ emergency: true, status: 'expired' });
  });

  it('grants nothing, but logs the attempt, outside the policy', async () => {
    const none = await emergency(h.clinician, ['allergies']);
    expect(none.grantId).toBeUndefined();
    expect(none.emergencyPolicyVersion).toBeUndefined();

    await h.submit(h.patientA, 'emergency:setEmergencyPolicy', [policy()]);
    const wrongCountry = await emergency(h.clinicianFr, ['allergies']);
    expect(wrongCountry.grantId).toBeUndefined();
    expect(wrongCountry.decision.denied).toEqual(['allergies']);

    await h.submit(h.patientA, 'emergency:setEmergencyPolicy', [policy({ enabled: false })]);
    expect((await emergency(h.clinician, ['allergies'])).grantId).toBeUndefined();

    const log = await h.evaluate<Page<AccessLogEntry>>(h.auditor, 'audit:listAccessLog', [
      JSON.stringify({ by: 'patient', patientId: 'patient-a' }),
      '10',
      '',
    ]);
    expect(log.items).toHaveLength(3);
    expect(log.items.every((e) => e.emergency)).toBe(true);
  });

  it("keeps the patient's ETREAT denies overriding the policy", async () => {
    await h.submit(h.patientA, 'emergency:setEmergencyPolicy', [policy()]);
    await h.submit(h.patientA, 'rules:createRule', [
      JSON.stringify({
        effect: 'deny',
        grantee: { kind: 'role', role: 'clinician' },
        categories: ['medications'],
        purposes: ['ETREAT'],
      }),
    ]);
    expect((await emergency(h.clinician, ['allergies', 'medications'])).decision.granted).toEqual([
      'allergies',
    ]);
  });

  it('a policy change revokes the emergency grants made under the previous one', async () => {
    await h.submit(h.patientA, 'emergency:setEmergencyPolicy', [policy()]);
    const entry = await emergency(h.clinician, ['allergies']);
    await h.submit(
      h.patientA,
      'emergency:setEmergencyPolicy',
      [policy({ categories: ['medications'] })],
      at(0.1),
    );
    expect(h.lastEvent()?.payload).toEqual({
      patientId: 'patient-a',
      version: 2,
      revokedGrantIds: [entry.entryId],
    });
    expect(
      (await h.evaluate<GrantView>(h.clinician, 'access:getGrant', [entry.entryId], at(0.1))).status,
    ).toBe('revoked');
  });

  it('requires a reason and a clinician', async () => {
    await h.submit(h.patientA, 'emergency:setEmergencyPolicy', [policy()]);
    await h.rejects(
      h.clinician,
      'access:requestEmergencyAccess',
      ['patient-a', '["allergies"]', ''],
      'INVALID_ARGUMENT',
    );
    await h.rejects(
      h.clinician,
      'access:requestEmergencyAccess',
      ['patient-a', '["allergies"]', '   '],
      'INVALID_ARGUMENT',
    );
    await h.rejects(
      h.centre,
      'access:requestEmergencyAccess',
      ['patient-a', '["allergies"]', 'x'],
      'FORBIDDEN',
    );
    await h.rejects(
      h.patientB,
      'access:requestEmergencyAccess',
      ['patient-a', '["allergies"]', 'x'],
      'FORBIDDEN',
    );
  });
});
