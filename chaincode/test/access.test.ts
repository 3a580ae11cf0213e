import type { AccessLogEntry, Delivery, GrantView, Page, StoredRule } from '../src';
import { at, harness, PATIENT_A, pseudonym, T0 } from './fixtures/ledger';
import type { Harness, Party } from './fixtures/ledger';
import { accessRequest, REASON_HASH, requestId, ruleCreation } from './fixtures/requests';

const rule = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    effect: 'permit',
    grantee: { kind: 'practitioner', id: 'dr-a', mspId: 'Org1MSP' },
    categories: ['allergies', 'medications', 'problems'],
    labels: ['HIV'],
    purposes: ['TREAT'],
    ...overrides,
  });
const HASH = 'ab'.repeat(32);

let h: Harness;
beforeEach(async () => {
  h = await harness();
});

function request(who: Party, categories: string[], time = T0, purpose = 'TREAT'): Promise<AccessLogEntry> {
  return h.submit<AccessLogEntry>(
    who,
    'access:requestAccess',
    [accessRequest(categories, { purpose })],
    time,
  );
}

describe('access: requestAccess', () => {
  it('decides, logs and grants in one transaction, naming the deciding rule and version', async () => {
    const permit = await h.submit<StoredRule>(h.patientA, 'rules:createRule', [
      ruleCreation(rule({ notAfter: at(10).toISOString() })),
    ]);
    const entry = await h.submit<AccessLogEntry>(h.clinician, 'access:requestAccess', [
      accessRequest(['problems', 'allergies', 'imaging'], { reasonHash: REASON_HASH }),
    ]);
    expect(entry).toMatchObject({
      patientId: PATIENT_A,
      requester: { mspId: 'Org1MSP', role: 'clinician', id: 'dr-a', country: 'DE' },
      purpose: 'TREAT',
      emergency: false,
      reasonHash: REASON_HASH,
      requested: ['allergies', 'problems', 'imaging'],
      grantId: entry.entryId,
      expiresAt: at(10).toISOString(),
    });
    expect(entry.decision.granted).toEqual(['allergies', 'problems']);
    expect(entry.decision.denied).toEqual(['imaging']);
    expect(entry.decision.rules).toEqual([{ ruleId: permit.ruleId, version: 1, effect: 'permit' }]);
    expect(h.lastEvent()).toEqual({
      eventName: 'custodia.access.requested',
      payload: {
        entryId: entry.entryId,
        patientId: PATIENT_A,
        requesterMspId: 'Org1MSP',
        requesterId: 'dr-a',
        emergency: false,
        grantId: entry.entryId,
        expiresAt: at(10).toISOString(),
      },
    });

    const grant = await h.evaluate<GrantView>(h.clinician, 'access:getGrant', [entry.entryId]);
    expect(grant).toMatchObject({
      status: 'active',
      granted: [
        { category: 'allergies', labels: ['HIV'] },
        { category: 'problems', labels: ['HIV'] },
      ],
      denied: ['imaging'],
      expiresAt: at(10).toISOString(),
    });
  });

  it('bounds a grant to 24 hours and reports it expired afterwards', async () => {
    await h.submit(h.patientA, 'rules:createRule', [ruleCreation(rule())]);
    const entry = await request(h.clinician, ['allergies']);
    expect(entry.expiresAt).toBe(at(24).toISOString());
    expect(
      (await h.evaluate<GrantView>(h.clinician, 'access:getGrant', [entry.entryId], at(23.9))).status,
    ).toBe('active');
    expect(
      (await h.evaluate<GrantView>(h.clinician, 'access:getGrant', [entry.entryId], at(24))).status,
    ).toBe('expired');
    await h.rejects(
      h.clinician,
      'access:recordDelivery',
      [entry.entryId, HASH],
      'FAILED_PRECONDITION',
      at(25),
    );
  });

  it('logs a fully denied request without a grant', async () => {
    await h.submit(h.patientA, 'rules:createRule', [ruleCreation(rule())]);
    const before = h.ledger.dump().size;
    const entry = await request(h.clinicianFr, ['allergies']);
    expect(entry.grantId).toBeUndefined();
    expect(entry.decision.denied).toEqual(['allergies']);
    expect(h.ledger.dump().size).toBeGreaterThan(before);
    expect(h.lastEvent()?.payload).not.toHaveProperty('grantId');
    const log = await h.evaluate<Page<AccessLogEntry>>(h.patientA, 'audit:listAccessLog', [
      JSON.stringify({ by: 'patient', patientId: PATIENT_A }),
      '10',
      '',
    ]);
    expect(log.items.map((e) => e.entryId)).toEqual([entry.entryId]);
    await h.rejects(h.clinicianFr, 'access:getGrant', [entry.entryId], 'NOT_FOUND');
  });

  it('lets a deny override the permit and withholds a label a deny names', async () => {
    await h.submit(h.patientA, 'rules:createRule', [ruleCreation(rule({ labels: ['HIV', 'PSY'] }))]);
    await h.submit(h.patientA, 'rules:createRule', [
      ruleCreation(rule({ effect: 'deny', categories: ['medications'], labels: [] })),
    ]);
    await h.submit(h.patientA, 'rules:createRule', [
      ruleCreation(rule({ effect: 'deny', categories: ['problems'], labels: ['PSY'] })),
    ]);
    const entry = await request(h.clinician, ['allergies', 'medications', 'problems']);
    expect(entry.decision.granted).toEqual(['allergies', 'problems']);
    expect(entry.decision.categories.find((c) => c.category === 'problems')?.labels).toEqual(['HIV']);
    expect(entry.decision.categories.find((c) => c.category === 'allergies')?.labels).toEqual(['HIV', 'PSY']);
  });

  it('grants nothing before notBefore and grants from then on', async () => {
    await h.submit(h.patientA, 'rules:createRule', [ruleCreation(rule({ notBefore: at(2).toISOString() }))]);
    expect((await request(h.clinician, ['allergies'], at(1))).decision.granted).toEqual([]);
    expect((await request(h.clinician, ['allergies'], at(2))).decision.granted).toEqual(['allergies']);
  });

  it("applies country limits to the country of the requester's organisation in the registry", async () => {
    await h.submit(h.patientA, 'rules:createRule', [
      ruleCreation(rule({ grantee: { kind: 'role', role: 'clinician', countries: ['FR'] } })),
    ]);
    expect((await request(h.clinicianFr, ['allergies'])).decision.granted).toEqual(['allergies']);
    expect((await request(h.clinician, ['allergies'])).decision.granted).toEqual([]);
    expect((await request(h.clinicianNoCountry, ['allergies'])).decision.granted).toEqual([]);
    await h.submit(h.patientA, 'rules:createRule', [
      ruleCreation(rule({ grantee: { kind: 'role', role: 'clinician', countries: ['DE'] } })),
    ]);
    const entry = await request(h.clinicianNoCountry, ['allergies']);
    expect(entry.requester.country).toBe('DE');
    expect(entry.decision.granted).toEqual(['allergies']);
  });

  it('matches an organisation grantee by MSP id', async () => {
    await h.submit(h.patientA, 'rules:createRule', [
      ruleCreation(rule({ grantee: { kind: 'organization', mspId: 'Org2MSP' } })),
    ]);
    expect((await request(h.clinicianFr, ['allergies'])).decision.granted).toEqual(['allergies']);
    expect((await request(h.clinician, ['allergies'])).decision.granted).toEqual([]);
  });

  it.each([
    ['centre', 'centre'],
    ['patient', 'patientA'],
    ['auditor', 'auditor'],
    ['admin', 'admin'],
  ] as const)('refuses requestAccess from a %s', async (_name, who) => {
    await h.rejects(h[who], 'access:requestAccess', [accessRequest(['allergies'])], 'FORBIDDEN');
  });

  it.each([
    ['a request that is not JSON', 'allergies'],
    ['categories not a list', accessRequest([], { categories: 'allergies' })],
    ['no category', accessRequest([])],
    ['an unknown category', accessRequest(['allergies', 'genome'])],
    ['an unknown purpose', accessRequest(['allergies'], { purpose: 'CURIOSITY' })],
    ['the emergency purpose', accessRequest(['allergies'], { purpose: 'ETREAT' })],
    ['a malformed patient id', accessRequest(['allergies'], { patientId: 'patient a' })],
    ['a readable patient id', accessRequest(['allergies'], { patientId: 'patient-anna' })],
    ['no request id', JSON.stringify({ patientId: PATIENT_A, categories: ['allergies'], purpose: 'TREAT' })],
    ['a malformed request id', accessRequest(['allergies'], { requestId: 'req/1' })],
    ['an argument over 64 KiB', accessRequest(['allergies'], { requestId: 'x'.repeat(65 * 1024) })],
  ])('rejects %s with INVALID_ARGUMENT and logs nothing', async (_name, arg) => {
    await h.rejects(h.clinician, 'access:requestAccess', [arg], 'INVALID_ARGUMENT');
  });

  it('refuses a request for a patient nobody registered, logging nothing', async () => {
    await h.rejects(
      h.clinician,
      'access:requestAccess',
      [accessRequest(['allergies'], { patientId: pseudonym('z') })],
      'NOT_FOUND',
    );
  });
});

describe('access: revocation', () => {
  it('revoking a rule revokes the grants it decided and blocks the next request', async () => {
    const permit = await h.submit<StoredRule>(h.patientA, 'rules:createRule', [ruleCreation(rule())]);
    const entry = await request(h.clinician, ['allergies']);
    await h.submit(h.patientA, 'rules:revokeRule', [permit.ruleId], at(1));
    expect(h.lastEvent()?.payload).toMatchObject({ change: 'revoked', revokedGrantIds: [entry.entryId] });

    const grant = await h.evaluate<GrantView>(h.patientA, 'access:getGrant', [entry.entryId], at(1));
    expect(grant.status).toBe('revoked');
    expect(grant.revoked).toEqual({
      at: at(1).toISOString(),
      txId: expect.any(String),
      ruleId: permit.ruleId,
    });
    await h.rejects(
      h.clinician,
      'access:recordDelivery',
      [entry.entryId, HASH],
      'FAILED_PRECONDITION',
      at(1),
    );
    expect((await request(h.clinician, ['allergies'], at(1))).decision.granted).toEqual([]);
  });

  it('updating a rule revokes the grants its old version decided', async () => {
    const permit = await h.submit<StoredRule>(h.patientA, 'rules:createRule', [ruleCreation(rule())]);
    const first = await request(h.clinician, ['allergies']);
    await h.submit(h.patientA, 'rules:updateRule', [permit.ruleId, rule({ categories: ['results'] })], at(1));
    expect(h.lastEvent()?.payload).toMatchObject({
      change: 'updated',
      version: 2,
      revokedGrantIds: [first.entryId],
    });
    expect((await h.evaluate<GrantView>(h.clinician, 'access:getGrant', [first.entryId], at(1))).status).toBe(
      'revoked',
    );
    const second = await request(h.clinician, ['allergies', 'results'], at(1));
    expect(second.decision.granted).toEqual(['results']);
    expect(second.decision.rules).toEqual([{ ruleId: permit.ruleId, version: 2, effect: 'permit' }]);
  });

  it('a new deny cuts the live grants it narrows, and only those', async () => {
    await h.submit(h.patientA, 'rules:createRule', [
      ruleCreation(rule({ grantee: { kind: 'role', role: 'clinician' } })),
    ]);
    const de = await request(h.clinician, ['problems']);
    const fr = await request(h.clinicianFr, ['problems']);
    await h.submit(
      h.patientA,
      'rules:createRule',
      [
        ruleCreation(
          rule({
            effect: 'deny',
            grantee: { kind: 'organization', mspId: 'Org2MSP' },
            categories: ['problems'],
            labels: [],
          }),
        ),
      ],
      at(1),
    );
    expect(h.lastEvent()?.payload).toMatchObject({ change: 'created', revokedGrantIds: [fr.entryId] });
    expect((await h.evaluate<GrantView>(h.auditor, 'access:getGrant', [fr.entryId], at(1))).status).toBe(
      'revoked',
    );
    expect((await h.evaluate<GrantView>(h.auditor, 'access:getGrant', [de.entryId], at(1))).status).toBe(
      'active',
    );
  });
});

describe('access: a patient ends a grant ("end now")', () => {
  it('revokes the grant at once, names why, announces it, and lists it no more', async () => {
    await h.submit(h.patientA, 'rules:createRule', [
      ruleCreation(rule({ grantee: { kind: 'role', role: 'clinician' } })),
    ]);
    const kept = await request(h.clinician, ['allergies']);
    const ended = await request(h.clinicianFr, ['allergies']);
    const live = await h.evaluate<Page<GrantView>>(h.patientA, 'access:listMyGrants', ['10', ''], at(1));
    expect(live.items.map((grant) => [grant.grantId, grant.status])).toEqual(
      expect.arrayContaining([
        [kept.entryId, 'active'],
        [ended.entryId, 'active'],
      ]),
    );

    const view = await h.submit<GrantView>(h.patientA, 'access:endGrant', [ended.entryId], at(1));
    expect(view).toMatchObject({
      grantId: ended.entryId,
      status: 'revoked',
      revoked: { at: at(1).toISOString(), ruleId: 'ended-by-patient' },
    });
    expect(h.lastEvent()).toEqual({
      eventName: 'custodia.grant.ended',
      payload: { patientId: PATIENT_A, grantId: ended.entryId, revokedGrantIds: [ended.entryId] },
    });
    expect(
      (await h.evaluate<GrantView>(h.clinicianFr, 'access:getGrant', [ended.entryId], at(1))).status,
    ).toBe('revoked');
    // The requester can no longer have the record delivered; the other grant is untouched.
    await h.rejects(
      h.clinicianFr,
      'access:recordDelivery',
      [ended.entryId, HASH],
      'FAILED_PRECONDITION',
      at(1),
    );
    const after = await h.evaluate<Page<GrantView>>(h.patientA, 'access:listMyGrants', ['10', ''], at(1));
    expect(after.items.map((grant) => grant.grantId)).toEqual([kept.entryId]);
    await h.rejects(h.patientA, 'access:endGrant', [ended.entryId], 'FAILED_PRECONDITION', at(2));
  });

  it('refuses another patient, the requester, auditors and the platform: the grant stays active', async () => {
    await h.submit(h.patientA, 'rules:createRule', [ruleCreation(rule())]);
    const { entryId } = await request(h.clinician, ['allergies']);
    for (const attacker of [h.patientB, h.clinician, h.clinicianFr, h.auditor, h.admin, h.centre]) {
      await h.rejects(attacker, 'access:endGrant', [entryId], 'FORBIDDEN', at(1));
    }
    await h.rejects(h.patientA, 'access:endGrant', ['no-such-grant'], 'NOT_FOUND', at(1));
    expect((await h.evaluate<GrantView>(h.clinician, 'access:getGrant', [entryId], at(1))).status).toBe(
      'active',
    );
    // Another patient's list never shows it; clinicians have no list of patients' grants.
    expect(
      (await h.evaluate<Page<GrantView>>(h.patientB, 'access:listMyGrants', ['10', ''], at(1))).items,
    ).toEqual([]);
    await h.rejects(h.clinician, 'access:listMyGrants', ['10', ''], 'FORBIDDEN', at(1));
  });

  it('refuses to end a grant that already expired', async () => {
    await h.submit(h.patientA, 'rules:createRule', [ruleCreation(rule({ notAfter: at(1).toISOString() }))]);
    const { entryId } = await request(h.clinician, ['allergies']);
    await h.rejects(h.patientA, 'access:endGrant', [entryId], 'FAILED_PRECONDITION', at(2));
  });
});

describe('access: grants and deliveries', () => {
  it('lets the requester, the patient, auditors and the data lake read a grant, nobody else', async () => {
    await h.submit(h.patientA, 'rules:createRule', [ruleCreation(rule())]);
    const { entryId } = await request(h.clinician, ['allergies']);
    for (const reader of [h.clinician, h.patientA, h.auditor, h.admin]) {
      expect((await h.evaluate<GrantView>(reader, 'access:getGrant', [entryId])).grantId).toBe(entryId);
    }
    for (const other of [h.patientB, h.clinicianFr, h.centre, h.stranger]) {
      await h.rejects(other, 'access:getGrant', [entryId], 'FORBIDDEN');
    }
  });

  it('records deliveries by the requester of an active grant only', async () => {
    await h.submit(h.patientA, 'rules:createRule', [
      ruleCreation(rule({ grantee: { kind: 'role', role: 'clinician' } })),
    ]);
    const { entryId } = await request(h.clinician, ['allergies']);
    const delivery = await h.submit<Delivery>(h.clinician, 'access:recordDelivery', [entryId, HASH], at(1));
    expect(delivery).toMatchObject({
      grantId: entryId,
      patientId: PATIENT_A,
      manifestHash: HASH,
      deliveredAt: at(1).toISOString(),
    });
    expect(h.lastEvent()).toEqual({
      eventName: 'custodia.delivery.recorded',
      payload: { deliveryId: delivery.deliveryId, grantId: entryId, patientId: PATIENT_A },
    });
    await h.rejects(h.clinicianFr, 'access:recordDelivery', [entryId, HASH], 'FORBIDDEN');
    await h.rejects(h.patientA, 'access:recordDelivery', [entryId, HASH], 'FORBIDDEN');
    await h.rejects(h.clinician, 'access:recordDelivery', [entryId, 'not-a-hash'], 'INVALID_ARGUMENT');
    await h.rejects(h.clinician, 'access:recordDelivery', ['no-such-grant', HASH], 'NOT_FOUND');

    const deliveries = await h.evaluate<Page<Delivery>>(h.auditor, 'access:listDeliveries', [
      entryId,
      '10',
      '',
    ]);
    expect(deliveries.items).toEqual([delivery]);
    await h.rejects(h.patientB, 'access:listDeliveries', [entryId, '10', ''], 'FORBIDDEN');
  });
});

describe('access: previewAccess', () => {
  const query = (requester: Record<string, string>, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ requester, categories: ['allergies', 'results'], purpose: 'TREAT', ...extra });

  it('shows the patient what a described requester would get, without writing anything', async () => {
    await h.submit(h.patientA, 'rules:createRule', [
      ruleCreation(rule({ grantee: { kind: 'organization', mspId: 'Org2MSP' } })),
    ]);
    const before = h.ledger.dump();
    const preview = await h.evaluate<{ decision: AccessLogEntry['decision']; expiresAt?: string }>(
      h.patientA,
      'access:previewAccess',
      [query({ mspId: 'Org2MSP', role: 'clinician', id: 'anyone' })],
    );
    expect(preview.decision.granted).toEqual(['allergies']);
    expect(preview.expiresAt).toBe(at(24).toISOString());
    const later = await h.evaluate<{ decision: AccessLogEntry['decision'] }>(
      h.patientA,
      'access:previewAccess',
      [query({ mspId: 'Org1MSP', role: 'clinician', id: 'dr-a' }, { at: at(5).toISOString() })],
    );
    expect(later.decision.granted).toEqual([]);
    expect(h.ledger.dump()).toEqual(before);
  });

  it("takes the requester's country from the registry, never from the query", async () => {
    await h.submit(h.patientA, 'rules:createRule', [
      ruleCreation(rule({ grantee: { kind: 'role', role: 'clinician', countries: ['FR'] } })),
    ]);
    const french = await h.evaluate<{ decision: AccessLogEntry['decision'] }>(
      h.patientA,
      'access:previewAccess',
      [query({ mspId: 'Org2MSP', role: 'clinician', id: 'anyone' })],
    );
    expect(french.decision.granted).toEqual(['allergies']);
    await h.rejects(
      h.patientA,
      'access:previewAccess',
      [query({ mspId: 'Org1MSP', role: 'clinician', id: 'dr-a', country: 'FR' })],
      'INVALID_ARGUMENT',
    );
  });

  it('is for patients only, about their own rules', async () => {
    await h.rejects(
      h.clinician,
      'access:previewAccess',
      [query({ mspId: 'Org1MSP', role: 'clinician', id: 'dr-a' })],
      'FORBIDDEN',
    );
    await h.rejects(
      h.patientA,
      'access:previewAccess',
      [query({ mspId: 'Org1MSP', role: 'wizard', id: 'x' })],
      'INVALID_ARGUMENT',
    );
  });
});

describe('access: no free text on the ledger', () => {
  const words = 'unconscious at Gare de Lyon, suspected overdose';

  it.each([
    ['a free-text reason', accessRequest(['allergies'], { reason: words })],
    ['free text where the reason hash goes', accessRequest(['allergies'], { reasonHash: words })],
    [
      'a hash that is not lowercase hex SHA-256',
      accessRequest(['allergies'], { reasonHash: 'AB'.repeat(32) }),
    ],
    ['a truncated hash', accessRequest(['allergies'], { reasonHash: 'ab'.repeat(31) })],
  ])('refuses %s with INVALID_ARGUMENT and logs nothing', async (_name, arg) => {
    await h.submit(h.patientA, 'rules:createRule', [ruleCreation(rule())]);
    const message = await h.rejects(h.clinician, 'access:requestAccess', [arg], 'INVALID_ARGUMENT');
    expect(message).not.toContain('Gare');
  });

  it('keeps only the salted hash of the reason in world state', async () => {
    await h.submit(h.patientA, 'rules:createRule', [ruleCreation(rule())]);
    const entry = await h.submit<AccessLogEntry>(h.clinician, 'access:requestAccess', [
      accessRequest(['allergies'], { reasonHash: REASON_HASH }),
    ]);
    expect(entry).not.toHaveProperty('reason');
    const stored = [...h.ledger.dump().values()].filter((value) => value.includes(entry.entryId));
    expect(stored.some((value) => value.includes(REASON_HASH))).toBe(true);
  });
});

describe('access: client request ids', () => {
  it('answers a retried request with the first answer and records nothing twice', async () => {
    const permit = await h.submit<StoredRule>(h.patientA, 'rules:createRule', [ruleCreation(rule())]);
    const id = requestId();
    const first = await h.submit<AccessLogEntry>(h.clinician, 'access:requestAccess', [
      accessRequest(['allergies'], { requestId: id }),
    ]);
    // The retry comes after the rules changed: it still answers what was decided, and decides nothing new.
    await h.submit(h.patientA, 'rules:revokeRule', [permit.ruleId], at(0.5));
    const before = h.ledger.dump();
    const retried = await h.submit<AccessLogEntry>(
      h.clinician,
      'access:requestAccess',
      [accessRequest(['allergies'], { requestId: id })],
      at(1),
    );
    expect(retried).toEqual(first);
    expect(h.ledger.dump()).toEqual(before);
    expect(h.lastEvent()).toBeUndefined();
    const log = await h.evaluate<Page<AccessLogEntry>>(h.auditor, 'audit:listAccessLog', [
      JSON.stringify({ by: 'patient', patientId: PATIENT_A }),
      '10',
      '',
    ]);
    expect(log.items.map((e) => e.entryId)).toEqual([first.entryId]);
  });

  it('refuses the same request id for a different request; another clinician has its own ids', async () => {
    await h.submit(h.patientA, 'rules:createRule', [
      ruleCreation(rule({ grantee: { kind: 'role', role: 'clinician' } })),
    ]);
    const id = requestId();
    await h.submit(h.clinician, 'access:requestAccess', [accessRequest(['allergies'], { requestId: id })]);
    await h.rejects(
      h.clinician,
      'access:requestAccess',
      [accessRequest(['allergies', 'problems'], { requestId: id })],
      'CONFLICT',
    );
    const other = await h.submit<AccessLogEntry>(h.clinicianFr, 'access:requestAccess', [
      accessRequest(['allergies'], { requestId: id }),
    ]);
    expect(other.requester.id).toBe('dr-fr');
  });
});
