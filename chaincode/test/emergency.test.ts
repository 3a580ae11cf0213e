import type { AccessLogEntry, EmergencyPolicy, GrantView, Page } from '../src';
import { at, harness, PATIENT_A, PATIENT_B, pseudonym, T0 } from './fixtures/ledger';
import type { Harness, Party } from './fixtures/ledger';
import { emergencyRequest, REASON_HASH, ruleCreation } from './fixtures/requests';

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
  time = T0,
  overrides: Record<string, unknown> = {},
): Promise<AccessLogEntry> {
  return h.submit<AccessLogEntry>(
    who,
    'access:requestEmergencyAccess',
    [emergencyRequest(categories, overrides)],
    time,
  );
}

describe('emergency policy', () => {
  it('is versioned, readable by the patient and auditors', async () => {
    const v1 = await h.submit<EmergencyPolicy>(h.patientA, 'emergency:setEmergencyPolicy', [policy()]);
    expect(v1).toMatchObject({ patientId: PATIENT_A, version: 1, labels: [], maxDurationMinutes: 30 });
    expect(h.lastEvent()).toEqual({
      eventName: 'custodia.emergency-policy.set',
      payload: { patientId: PATIENT_A, version: 1, revokedGrantIds: [] },
    });
    const v2 = await h.submit<EmergencyPolicy>(
      h.patientA,
      'emergency:setEmergencyPolicy',
      [policy({ enabled: false })],
      at(1),
    );
    expect(v2.version).toBe(2);
    expect(await h.evaluate(h.auditor, 'emergency:getEmergencyPolicy', [PATIENT_A])).toEqual(v2);
    const history = await h.evaluate<Page<EmergencyPolicy>>(
      h.patientA,
      'emergency:getEmergencyPolicyHistory',
      [PATIENT_A, '10', ''],
    );
    expect(history.items.map((p) => [p.version, p.enabled])).toEqual([
      [1, true],
      [2, false],
    ]);
    await h.rejects(h.patientB, 'emergency:getEmergencyPolicy', [PATIENT_A], 'FORBIDDEN');
    await h.rejects(h.clinician, 'emergency:getEmergencyPolicy', [PATIENT_A], 'FORBIDDEN');
    await h.rejects(h.patientB, 'emergency:getEmergencyPolicy', [PATIENT_B], 'NOT_FOUND');
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
      reasonCode: 'unconscious',
      reasonHash: REASON_HASH,
      emergencyPolicyVersion: 1,
      emergencyRequests24h: 1,
      grantId: entry.entryId,
      expiresAt: new Date(T0.getTime() + 30 * 60_000).toISOString(),
    });
    expect(entry.emergencyRefusal).toBeUndefined();
    expect(entry.decision.granted).toEqual(['allergies']);
    expect(entry.decision.rules).toEqual([{ ruleId: 'emergency-policy', version: 1, effect: 'permit' }]);
    expect(h.lastEvent()).toEqual({
      eventName: 'custodia.access.emergency',
      payload: {
        entryId: entry.entryId,
        patientId: PATIENT_A,
        requesterMspId: 'Org1MSP',
        requesterId: 'dr-a',
        emergency: true,
        grantId: entry.entryId,
        expiresAt: entry.expiresAt,
        emergencyRequests24h: 1,
      },
    });
    const grant = await h.evaluate<GrantView>(h.patientA, 'access:getGrant', [entry.entryId], at(0.6));
    expect(grant).toMatchObject({ emergency: true, status: 'expired' });
  });

  it('grants nothing, but logs the attempt, outside the policy', async () => {
    const none = await emergency(h.clinician, ['allergies']);
    expect(none.grantId).toBeUndefined();
    expect(none.emergencyPolicyVersion).toBeUndefined();
    expect(none.emergencyRefusal).toBe('no-policy');

    await h.submit(h.patientA, 'emergency:setEmergencyPolicy', [policy()]);
    const wrongCountry = await emergency(h.clinicianFr, ['allergies']);
    expect(wrongCountry.grantId).toBeUndefined();
    expect(wrongCountry.decision.denied).toEqual(['allergies']);
    expect(wrongCountry.emergencyRefusal).toBe('country-not-admitted');
    const notCovered = await emergency(h.clinician, ['problems']);
    expect(notCovered).toMatchObject({ emergencyRefusal: 'not-covered', emergencyPolicyVersion: 1 });
    expect(notCovered.grantId).toBeUndefined();

    await h.submit(h.patientA, 'emergency:setEmergencyPolicy', [policy({ roles: ['centre'] })]);
    expect((await emergency(h.clinician, ['allergies'])).emergencyRefusal).toBe('role-not-admitted');

    await h.submit(h.patientA, 'emergency:setEmergencyPolicy', [policy({ enabled: false })]);
    const disabled = await emergency(h.clinician, ['allergies']);
    expect(disabled.grantId).toBeUndefined();
    expect(disabled.emergencyRefusal).toBe('policy-disabled');

    const log = await h.evaluate<Page<AccessLogEntry>>(h.auditor, 'audit:listAccessLog', [
      JSON.stringify({ by: 'patient', patientId: PATIENT_A }),
      '10',
      '',
    ]);
    expect(log.items).toHaveLength(5);
    expect(log.items.every((e) => e.emergency)).toBe(true);
  });

  it("keeps the patient's ETREAT denies overriding the policy", async () => {
    await h.submit(h.patientA, 'emergency:setEmergencyPolicy', [policy()]);
    await h.submit(h.patientA, 'rules:createRule', [
      ruleCreation({
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
      patientId: PATIENT_A,
      version: 2,
      revokedGrantIds: [entry.entryId],
    });
    expect(
      (await h.evaluate<GrantView>(h.clinician, 'access:getGrant', [entry.entryId], at(0.1))).status,
    ).toBe('revoked');
  });

  it('requires a structured reason and a clinician', async () => {
    await h.submit(h.patientA, 'emergency:setEmergencyPolicy', [policy()]);
    const cases = [
      emergencyRequest(['allergies'], { reasonCode: undefined }),
      emergencyRequest(['allergies'], { reasonCode: 'curiosity' }),
      emergencyRequest(['allergies'], { reasonHash: undefined }),
      emergencyRequest(['allergies'], { reasonHash: 'x' }),
      emergencyRequest(['allergies'], {
        reasonHash: 'found unconscious at Gare de Lyon, suspected overdose',
      }),
      emergencyRequest(['allergies'], { reason: 'found unconscious' }),
      emergencyRequest(['allergies'], { patientId: 'patient-anna' }),
    ];
    for (const arg of cases) {
      await h.rejects(h.clinician, 'access:requestEmergencyAccess', [arg], 'INVALID_ARGUMENT');
    }
    await h.rejects(
      h.centre,
      'access:requestEmergencyAccess',
      [emergencyRequest(['allergies'])],
      'FORBIDDEN',
    );
    await h.rejects(
      h.patientB,
      'access:requestEmergencyAccess',
      [emergencyRequest(['allergies'])],
      'FORBIDDEN',
    );
    await h.rejects(
      h.clinician,
      'access:requestEmergencyAccess',
      [emergencyRequest(['allergies'], { patientId: pseudonym('z') })],
      'NOT_FOUND',
    );
  });
});

describe('repeated break-glass', () => {
  const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

  it('is limited per clinician to 5 emergency requests in any rolling hour, across patients', async () => {
    await h.submit(h.patientA, 'emergency:setEmergencyPolicy', [policy()]);
    for (let i = 0; i < 5; i++) {
      const patientId = i % 2 === 0 ? PATIENT_A : PATIENT_B;
      await emergency(h.clinician, ['allergies'], minutes(i * 10), { patientId });
    }
    const message = await h.rejects(
      h.clinician,
      'access:requestEmergencyAccess',
      [emergencyRequest(['allergies'])],
      'RESOURCE_EXHAUSTED',
      minutes(59),
    );
    expect(message).toContain('per hour');
    // Another clinician is not affected.
    await h.submit(h.patientA, 'emergency:setEmergencyPolicy', [policy({ countries: [] })], minutes(59));
    await emergency(h.clinicianFr, ['allergies'], minutes(59));
    // An hour after the first request, one slot is free again; the next minute is still full.
    const sixth = await emergency(h.clinician, ['allergies'], minutes(60));
    expect(sixth.emergencyRequests24h).toBe(6);
    await h.rejects(
      h.clinician,
      'access:requestEmergencyAccess',
      [emergencyRequest(['allergies'])],
      'RESOURCE_EXHAUSTED',
      minutes(61),
    );
  });

  it("keeps each clinician's count apart, even under an id crafted to look like a timestamp", async () => {
    await h.submit(h.patientA, 'emergency:setEmergencyPolicy', [policy()]);
    // An id that embeds what looks like a timestamp cannot fall into another clinician's window.
    const crafted = await h.member('Org1MSP', 'dr-a@2030-06-01T08', 'clinician');
    for (let i = 0; i < 5; i++) await emergency(crafted, ['allergies'], minutes(i));
    expect((await emergency(h.clinician, ['allergies'], minutes(6))).emergencyRequests24h).toBe(1);
  });

  it('records in each entry how many emergency requests its requester made in the last 24 hours', async () => {
    await h.submit(h.patientA, 'emergency:setEmergencyPolicy', [policy()]);
    const counts: number[] = [];
    for (const hour of [0, 2, 4, 23, 25, 30]) {
      counts.push((await emergency(h.clinician, ['allergies'], at(hour))).emergencyRequests24h ?? -1);
    }
    // At hour 25 the requests of hours 0 (exactly 25 h before) are out of the window, at 30 those of 2 and 4.
    expect(counts).toEqual([1, 2, 3, 4, 4, 3]);
    const log = await h.evaluate<Page<AccessLogEntry>>(h.auditor, 'audit:listAccessLog', [
      JSON.stringify({ by: 'requester', mspId: 'Org1MSP', requesterId: 'dr-a' }),
      '10',
      '',
    ]);
    expect(log.items.map((entry) => entry.emergencyRequests24h)).toEqual(counts);
  });

  it('answers a retried emergency request with its first answer, even when the limit is reached since', async () => {
    await h.submit(h.patientA, 'emergency:setEmergencyPolicy', [policy()]);
    const arg = emergencyRequest(['allergies']);
    const first = await h.submit<AccessLogEntry>(h.clinician, 'access:requestEmergencyAccess', [arg]);
    for (let i = 1; i < 5; i++) await emergency(h.clinician, ['allergies'], minutes(i));
    const before = h.ledger.dump();
    expect(await h.submit(h.clinician, 'access:requestEmergencyAccess', [arg], minutes(10))).toEqual(first);
    expect(h.ledger.dump()).toEqual(before);
  });
});
