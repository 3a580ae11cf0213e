import type { Page, RuleVersion, StoredRule } from '../src';
import { allPages, at, harness, PATIENT_A, PATIENT_B, T0 } from './fixtures/ledger';
import type { Harness } from './fixtures/ledger';
import { requestId, ruleCreation } from './fixtures/requests';

const permit = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    effect: 'permit',
    grantee: { kind: 'practitioner', id: 'dr-a', mspId: 'Org1MSP' },
    categories: ['allergies'],
    purposes: ['TREAT'],
    ...overrides,
  });

let h: Harness;
beforeEach(async () => {
  h = await harness();
});

describe('rules: create and read', () => {
  it("creates a version-1 rule owned by the caller's certificate id and announces it", async () => {
    const rule = await h.submit<StoredRule>(h.patientA, 'rules:createRule', [
      ruleCreation(permit({ labels: ['HIV'] })),
    ]);
    expect(rule).toMatchObject({
      patientId: PATIENT_A,
      version: 1,
      status: 'active',
      effect: 'permit',
      categories: ['allergies'],
      labels: ['HIV'],
      createdAt: T0.toISOString(),
    });
    expect(rule.ruleId).toBe(rule.txId);
    expect(h.lastEvent()).toEqual({
      eventName: 'custodia.rule.changed',
      payload: {
        patientId: PATIENT_A,
        ruleId: rule.ruleId,
        version: 1,
        change: 'created',
        revokedGrantIds: [],
      },
    });
    expect(await h.evaluate(h.patientA, 'rules:getRule', [rule.ruleId])).toEqual(rule);
    expect(await h.evaluate(h.auditor, 'rules:getRule', [rule.ruleId])).toEqual(rule);
  });

  it('never takes the patient from an argument', async () => {
    await h.rejects(
      h.patientA,
      'rules:createRule',
      [ruleCreation(permit({ patientId: PATIENT_B }))],
      'INVALID_ARGUMENT',
    );
  });

  it('lets only the owner and auditors read a rule', async () => {
    const rule = await h.submit<StoredRule>(h.patientA, 'rules:createRule', [ruleCreation(permit())]);
    await h.rejects(h.patientB, 'rules:getRule', [rule.ruleId], 'FORBIDDEN');
    await h.rejects(h.clinician, 'rules:getRule', [rule.ruleId], 'FORBIDDEN');
    await h.rejects(h.patientA, 'rules:getRule', ['no-such-rule'], 'NOT_FOUND');
  });

  it.each([
    ['clinician', 'clinician'],
    ['centre', 'centre'],
    ['auditor', 'auditor'],
    ['admin', 'admin'],
    ['certificate without Custodia attributes', 'stranger'],
  ] as const)('refuses createRule from a %s', async (_name, who) => {
    await h.rejects(h[who], 'rules:createRule', [ruleCreation(permit())], 'FORBIDDEN');
  });

  it.each([
    ['invalid JSON', '{"effect":'],
    [
      'a missing effect',
      ruleCreation({
        grantee: { kind: 'organization', mspId: 'Org1MSP' },
        categories: ['allergies'],
        purposes: ['TREAT'],
      }),
    ],
    ['a missing grantee', ruleCreation(permit({ grantee: undefined }))],
    ['an unknown category', ruleCreation(permit({ categories: ['allergies', 'astrology'] }))],
    ['an unknown label', ruleCreation(permit({ labels: ['TOPSECRET'] }))],
    ['no purpose', ruleCreation(permit({ purposes: [] }))],
    [
      'notAfter before notBefore',
      ruleCreation(permit({ notBefore: at(5).toISOString(), notAfter: at(4).toISOString() })),
    ],
    ['notAfter already past', ruleCreation(permit({ notAfter: at(-1).toISOString() }))],
    [
      'a grantee country that is not ISO 3166',
      ruleCreation(permit({ grantee: { kind: 'role', role: 'clinician', countries: ['Deutschland'] } })),
    ],
    [
      'too many countries',
      ruleCreation(
        permit({
          grantee: {
            kind: 'role',
            role: 'clinician',
            countries: Array.from({ length: 61 }, (_, i) =>
              String.fromCharCode(65 + Math.floor(i / 26), 65 + (i % 26)),
            ),
          },
        }),
      ),
    ],
    ['no request id', JSON.stringify({ rule: JSON.parse(permit()) })],
    ['a malformed request id', ruleCreation(permit(), 'req 1')],
    ['the rule without its envelope', permit()],
    // Valid JSON once parsed: only the size limit refuses it.
    ['an argument over 64 KiB', ruleCreation(permit()) + ' '.repeat(64 * 1024)],
  ])('rejects %s with INVALID_ARGUMENT and changes nothing', async (_name, arg) => {
    await h.rejects(h.patientA, 'rules:createRule', [arg], 'INVALID_ARGUMENT');
  });

  it('accepts the same rule padded to just under the argument limit', async () => {
    const arg = ruleCreation(permit());
    await h.submit(h.patientA, 'rules:createRule', [arg + ' '.repeat(64 * 1024 - Buffer.byteLength(arg))]);
  });
});

describe('rules: versions', () => {
  it('updates as a new version, keeps every version, restores an earlier one', async () => {
    const v1 = await h.submit<StoredRule>(h.patientA, 'rules:createRule', [ruleCreation(permit())]);
    const v2 = await h.submit<StoredRule>(
      h.patientA,
      'rules:updateRule',
      [v1.ruleId, permit({ categories: ['results'] })],
      at(1),
    );
    expect(v2).toMatchObject({
      ruleId: v1.ruleId,
      version: 2,
      categories: ['results'],
      createdAt: v1.createdAt,
      updatedAt: at(1).toISOString(),
    });
    const v3 = await h.submit<StoredRule>(h.patientA, 'rules:revokeRule', [v1.ruleId], at(2));
    expect(v3).toMatchObject({ version: 3, status: 'revoked', categories: ['results'] });
    expect(h.lastEvent()?.payload).toMatchObject({ change: 'revoked', version: 3 });

    const v4 = await h.submit<StoredRule>(h.patientA, 'rules:restoreRuleVersion', [v1.ruleId, '1'], at(3));
    expect(v4).toMatchObject({ version: 4, status: 'active', categories: ['allergies'] });
    expect(await h.evaluate(h.patientA, 'rules:getRule', [v1.ruleId])).toEqual(v4);

    const history = await allPages((bookmark) =>
      h.evaluate<Page<RuleVersion>>(h.auditor, 'rules:getRuleHistory', [v1.ruleId, '3', bookmark]),
    );
    expect(history.pages).toBe(2);
    expect(history.items.map((v) => [v.version, v.change, v.status, v.categories[0]])).toEqual([
      [1, 'created', 'active', 'allergies'],
      [2, 'updated', 'active', 'results'],
      [3, 'revoked', 'revoked', 'results'],
      [4, 'restored', 'active', 'allergies'],
    ]);
    expect(history.items[3]?.restoredFrom).toBe(1);
  });

  it("refuses to let patient B change or read the history of patient A's rule", async () => {
    const rule = await h.submit<StoredRule>(h.patientA, 'rules:createRule', [ruleCreation(permit())]);
    await h.rejects(
      h.patientB,
      'rules:updateRule',
      [rule.ruleId, permit({ categories: ['results'] })],
      'FORBIDDEN',
    );
    await h.rejects(h.patientB, 'rules:revokeRule', [rule.ruleId], 'FORBIDDEN');
    await h.rejects(h.patientB, 'rules:restoreRuleVersion', [rule.ruleId, '1'], 'FORBIDDEN');
    await h.rejects(h.patientB, 'rules:getRuleHistory', [rule.ruleId, '10', ''], 'FORBIDDEN');
    await h.rejects(h.clinician, 'rules:revokeRule', [rule.ruleId], 'FORBIDDEN');
  });

  it('refuses impossible changes with FAILED_PRECONDITION, unknown ones with NOT_FOUND', async () => {
    const rule = await h.submit<StoredRule>(h.patientA, 'rules:createRule', [ruleCreation(permit())]);
    await h.rejects(h.patientA, 'rules:restoreRuleVersion', [rule.ruleId, '1'], 'FAILED_PRECONDITION');
    await h.rejects(h.patientA, 'rules:restoreRuleVersion', [rule.ruleId, '7'], 'NOT_FOUND');
    await h.rejects(h.patientA, 'rules:restoreRuleVersion', [rule.ruleId, 'one'], 'INVALID_ARGUMENT');
    await h.rejects(h.patientA, 'rules:updateRule', ['no-such-rule', permit()], 'NOT_FOUND');
    await h.submit(h.patientA, 'rules:revokeRule', [rule.ruleId]);
    await h.rejects(h.patientA, 'rules:revokeRule', [rule.ruleId], 'FAILED_PRECONDITION');
    await h.rejects(h.patientA, 'rules:updateRule', [rule.ruleId, permit()], 'FAILED_PRECONDITION');
  });
});

describe('rules: listing', () => {
  it("pages through the caller's own rules only, with bookmarks", async () => {
    const created: string[] = [];
    for (let i = 0; i < 5; i++) {
      created.push(
        (await h.submit<StoredRule>(h.patientA, 'rules:createRule', [ruleCreation(permit())])).ruleId,
      );
    }
    const other = await h.submit<StoredRule>(h.patientB, 'rules:createRule', [ruleCreation(permit())]);

    const mine = await allPages((bookmark) =>
      h.evaluate<Page<StoredRule>>(h.patientA, 'rules:listMyRules', ['2', bookmark]),
    );
    expect(mine.pages).toBe(3);
    expect(mine.items.map((r) => r.ruleId).sort()).toEqual([...created].sort());

    const audited = await allPages((bookmark) =>
      h.evaluate<Page<StoredRule>>(h.auditor, 'rules:listPatientRules', [PATIENT_B, '10', bookmark]),
    );
    expect(audited.items.map((r) => r.ruleId)).toEqual([other.ruleId]);
  });

  it('refuses other callers, bad page sizes and bookmarks from another listing', async () => {
    for (let i = 0; i < 3; i++) await h.submit(h.patientA, 'rules:createRule', [ruleCreation(permit())]);
    await h.submit(h.patientB, 'rules:createRule', [ruleCreation(permit())]);
    await h.rejects(h.clinician, 'rules:listMyRules', ['10', ''], 'FORBIDDEN');
    await h.rejects(h.patientB, 'rules:listPatientRules', [PATIENT_A, '10', ''], 'FORBIDDEN');
    await h.rejects(h.patientA, 'rules:listMyRules', ['0', ''], 'INVALID_ARGUMENT');
    await h.rejects(h.patientA, 'rules:listMyRules', ['1000', ''], 'INVALID_ARGUMENT');
    await h.rejects(h.patientA, 'rules:listMyRules', ['10', 'not a bookmark!'], 'INVALID_ARGUMENT');

    // A's bookmark points into A's keys: B cannot use it to page into them.
    const first = await h.evaluate<Page<StoredRule>>(h.patientA, 'rules:listMyRules', ['1', '']);
    expect(first.bookmark).not.toBe('');
    await h.rejects(h.patientB, 'rules:listMyRules', ['10', first.bookmark], 'INVALID_ARGUMENT');
  });
});

describe('rules: client request ids', () => {
  it('answers a retried createRule with the rule as first created, writing nothing', async () => {
    const id = requestId();
    const first = await h.submit<StoredRule>(h.patientA, 'rules:createRule', [ruleCreation(permit(), id)]);
    await h.submit(
      h.patientA,
      'rules:updateRule',
      [first.ruleId, permit({ categories: ['results'] })],
      at(1),
    );
    const before = h.ledger.dump();
    const retried = await h.submit<StoredRule>(
      h.patientA,
      'rules:createRule',
      [ruleCreation(permit(), id)],
      at(2),
    );
    expect(retried).toEqual(first);
    expect(h.ledger.dump()).toEqual(before);
    expect(h.lastEvent()).toBeUndefined();
    const mine = await h.evaluate<Page<StoredRule>>(h.patientA, 'rules:listMyRules', ['10', '']);
    expect(mine.items).toHaveLength(1);
  });

  it('refuses the same request id for another rule, and keeps request ids per caller', async () => {
    const id = requestId();
    await h.submit(h.patientA, 'rules:createRule', [ruleCreation(permit(), id)]);
    await h.rejects(
      h.patientA,
      'rules:createRule',
      [ruleCreation(permit({ categories: ['results'] }), id)],
      'CONFLICT',
    );
    const other = await h.submit<StoredRule>(h.patientB, 'rules:createRule', [ruleCreation(permit(), id)]);
    expect(other.patientId).toBe(PATIENT_B);
  });
});
