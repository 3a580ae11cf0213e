/**
 * No grant outlives the rules: a grant expires at the next scheduled change that could narrow it, and
 * every read and delivery re-decides it with the rules in force at that moment.
 */
import fc from 'fast-check';
import { coversGrant, decide, decideEmergency } from '../src';
import type { AccessLogEntry, Delivery, EmergencyPolicy, GrantView, Page, Rule, StoredRule } from '../src';
import { AT, categoriesArb, hoursFrom, ruleBodyArb } from './fixtures/rules';
import { at, harness, T0 } from './fixtures/ledger';
import type { Harness, Party } from './fixtures/ledger';
import { accessRequest, emergencyRequest, ruleCreation } from './fixtures/requests';

const HASH = 'ab'.repeat(32);
const seconds = (n: number) => new Date(T0.getTime() + n * 1000);
const permit = (overrides: Record<string, unknown> = {}) =>
  ruleCreation({
    effect: 'permit',
    grantee: { kind: 'role', role: 'clinician' },
    categories: ['problems', 'documents'],
    labels: ['PSY'],
    purposes: ['TREAT', 'ETREAT'],
    ...overrides,
  });
const deny = (overrides: Record<string, unknown> = {}) =>
  permit({ effect: 'deny', labels: [], ...overrides });

describe('grant lifetime', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });

  const request = (time: Date, categories = ['problems', 'documents']) =>
    h.submit<AccessLogEntry>(h.clinician, 'access:requestAccess', [accessRequest(categories)], time);
  const status = async (grantId: string, time: Date) =>
    (await h.evaluate<GrantView>(h.admin, 'access:getGrant', [grantId], time)).status;

  it('a deny scheduled after the grant was issued cuts it at its notBefore: no read, no delivery from then on', async () => {
    await h.submit(h.patientA, 'rules:createRule', [permit()]);
    const grant = await request(seconds(0));
    expect(grant.expiresAt).toBe(at(24).toISOString());
    // Eight seconds ahead, the patient withholds one of the two granted categories.
    await h.submit(
      h.patientA,
      'rules:createRule',
      [deny({ categories: ['documents'], notBefore: seconds(10).toISOString() })],
      seconds(2),
    );
    expect(await status(grant.entryId, seconds(9.999))).toBe('active');
    await h.submit<Delivery>(h.clinician, 'access:recordDelivery', [grant.entryId, HASH], seconds(9));
    expect(await status(grant.entryId, seconds(10))).toBe('narrowed');
    expect(
      await h.rejects(
        h.clinician,
        'access:recordDelivery',
        [grant.entryId, HASH],
        'FAILED_PRECONDITION',
        seconds(10),
      ),
    ).toBe('grant is narrowed');
    expect((await request(seconds(11))).decision.granted).toEqual(['problems']);
  });

  it('a label withheld later narrows only the grants that released it', async () => {
    await h.submit(h.patientA, 'rules:createRule', [permit()]);
    const withPsy = await request(seconds(0), ['problems']);
    await h.submit(h.patientA, 'rules:createRule', [
      permit({ labels: [], grantee: { kind: 'organization', mspId: 'Org2MSP' } }),
    ]);
    const withoutPsy = await h.submit<AccessLogEntry>(h.clinicianFr, 'access:requestAccess', [
      accessRequest(['problems']),
    ]);
    expect(withoutPsy.decision.categories[0]?.labels).toEqual(['PSY']);
    await h.submit(
      h.patientA,
      'rules:createRule',
      [
        deny({
          categories: ['problems'],
          labels: ['PSY'],
          grantee: { kind: 'practitioner', id: 'dr-a', mspId: 'Org1MSP' },
          notBefore: seconds(10).toISOString(),
        }),
      ],
      seconds(1),
    );
    expect(await status(withPsy.entryId, seconds(10))).toBe('narrowed');
    expect(await status(withoutPsy.entryId, seconds(10))).toBe('active');
  });

  it('a deny already scheduled when the grant is issued caps its expiry', async () => {
    await h.submit(h.patientA, 'rules:createRule', [permit()]);
    await h.submit(h.patientA, 'rules:createRule', [
      deny({ categories: ['problems'], notBefore: at(2).toISOString() }),
    ]);
    await h.submit(h.patientA, 'rules:createRule', [
      deny({ categories: ['results'], notBefore: at(1).toISOString() }),
    ]);
    const grant = await request(T0);
    expect(grant.expiresAt).toBe(at(2).toISOString());
    expect(await status(grant.entryId, at(2))).toBe('expired');
    const preview = await h.evaluate<{ expiresAt: string }>(h.patientA, 'access:previewAccess', [
      JSON.stringify({
        requester: { mspId: 'Org1MSP', role: 'clinician', id: 'dr-a' },
        categories: ['problems', 'documents'],
        purpose: 'TREAT',
      }),
    ]);
    expect(preview.expiresAt).toBe(at(2).toISOString());
  });

  it('an emergency grant is re-decided with the patient’s scheduled ETREAT denies too', async () => {
    await h.submit(h.patientA, 'emergency:setEmergencyPolicy', [
      JSON.stringify({
        enabled: true,
        roles: ['clinician'],
        categories: ['problems', 'documents'],
        maxDurationMinutes: 120,
      }),
    ]);
    const grant = await h.submit<AccessLogEntry>(h.clinician, 'access:requestEmergencyAccess', [
      emergencyRequest(['problems', 'documents']),
    ]);
    await h.submit(
      h.patientA,
      'rules:createRule',
      [deny({ categories: ['documents'], purposes: ['ETREAT'], notBefore: seconds(30).toISOString() })],
      seconds(5),
    );
    expect(await status(grant.entryId, seconds(29))).toBe('active');
    expect(await status(grant.entryId, seconds(30))).toBe('narrowed');
  });
});

/**
 * The property, through the real chaincode: for random rule sets, random requests and random schedules
 * of rule changes, a grant the ledger reports `active` at t never holds a category or label that
 * `decide` over the rules in force at t would not grant — and a delivery is recorded exactly then.
 */
describe('grant lifetime — property over schedules of rule changes', () => {
  let h: Harness;
  let patients = 0;
  beforeAll(async () => {
    h = await harness();
  });

  const letters = 'abcdefghijklmnopqrstuvwxyz234567';
  async function freshPatient(): Promise<Party> {
    patients += 1;
    let n = patients;
    let id = '';
    for (let i = 0; i < 26; i++, n = Math.floor(n / 32)) id = letters[n % 32] + id;
    const patientId = `pt-${id}`;
    await h.registerPatient('Org1MSP', patientId);
    return h.member('Org1MSP', patientId, 'patient');
  }

  type Body = Omit<Rule, 'ruleId'>;
  // Each run happens two hours after the previous one, so the clinician's break-glass rate limit
  // (5 per rolling hour) never interferes; rule periods move with it.
  let offsetMs = 0;
  const shifted = (instant: string) => new Date(Date.parse(instant) + offsetMs).toISOString();
  const specOf = (body: Body) => ({
    effect: body.effect,
    grantee: body.grantee,
    categories: body.categories,
    labels: body.labels,
    purposes: body.purposes,
    ...(body.notBefore ? { notBefore: shifted(body.notBefore) } : {}),
    ...(body.notAfter ? { notAfter: shifted(body.notAfter) } : {}),
  });
  /** A rule's period relative to the moment of the change: often starting later, to schedule a narrowing. */
  interface Window {
    readonly startMinutes?: number;
    readonly lengthMinutes?: number;
  }
  const windowArb: fc.Arbitrary<Window> = fc.record(
    {
      startMinutes: fc.integer({ min: -30, max: 240 }),
      lengthMinutes: fc.integer({ min: 1, max: 600 }),
    },
    { requiredKeys: [] },
  );
  const anchored = (body: Body, window: Window, at: number): Body => {
    const start = at + (window.startMinutes ?? 0) * 60_000;
    const period = {
      ...(window.startMinutes === undefined ? {} : { notBefore: new Date(start - offsetMs).toISOString() }),
      ...(window.lengthMinutes === undefined
        ? {}
        : { notAfter: new Date(start + window.lengthMinutes * 60_000 - offsetMs).toISOString() }),
    };
    return { ...body, notBefore: undefined, notAfter: undefined, ...period };
  };
  type Step =
    | { readonly kind: 'create'; readonly body: Body; readonly window: Window }
    | { readonly kind: 'revoke'; readonly pick: number }
    | { readonly kind: 'update'; readonly pick: number; readonly body: Body; readonly window: Window }
    | { readonly kind: 'wait' };
  const stepArb: fc.Arbitrary<{ minutes: number; step: Step }> = fc.record({
    minutes: fc.integer({ min: 1, max: 4 * 60 }),
    step: fc.oneof(
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant('create' as const),
          body: ruleBodyArb('deny'),
          window: windowArb,
        }),
      },
      fc.record({ kind: fc.constant('create' as const), body: ruleBodyArb(), window: windowArb }),
      fc.record({ kind: fc.constant('revoke' as const), pick: fc.nat() }),
      fc.record({
        kind: fc.constant('update' as const),
        pick: fc.nat(),
        body: ruleBodyArb(),
        window: windowArb,
      }),
      { weight: 2, arbitrary: fc.constant({ kind: 'wait' as const }) },
    ),
  });
  const policyArb = fc.record({
    categories: categoriesArb,
    labels: fc.subarray(['R', 'V', 'HIV', 'PSY']),
  });

  it('never reports active a grant the rules in force no longer cover', async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(ruleBodyArb(), { minLength: 1, maxLength: 6 }),
        categoriesArb,
        fc.option(policyArb, { nil: undefined }),
        fc.array(stepArb, { minLength: 1, maxLength: 8 }),
        async (bodies, categories, emergencyPolicy, steps) => {
          const patient = await freshPatient();
          const patientId = patient.id;
          offsetMs = patients * 2 * 3_600_000;
          const setUp = new Date(shifted(hoursFrom(AT, -72)));
          const ruleIds: string[] = [];
          for (const body of bodies) {
            const rule = await h.submit<StoredRule>(
              patient,
              'rules:createRule',
              [ruleCreation(specOf(body))],
              setUp,
            );
            ruleIds.push(rule.ruleId);
            if (body.status === 'revoked') await h.submit(patient, 'rules:revokeRule', [rule.ruleId], setUp);
          }
          if (emergencyPolicy) {
            const policy = {
              enabled: true,
              roles: ['clinician'],
              ...emergencyPolicy,
              maxDurationMinutes: 1440,
            };
            await h.submit(patient, 'emergency:setEmergencyPolicy', [JSON.stringify(policy)], setUp);
          }
          const issuedAt = new Date(shifted(AT));
          const entry = emergencyPolicy
            ? await h.submit<AccessLogEntry>(
                h.clinician,
                'access:requestEmergencyAccess',
                [emergencyRequest(categories, { patientId })],
                issuedAt,
              )
            : await h.submit<AccessLogEntry>(
                h.clinician,
                'access:requestAccess',
                [accessRequest(categories, { patientId })],
                issuedAt,
              );
          if (entry.grantId === undefined) return;

          let t = issuedAt.getTime();
          for (const { minutes, step } of steps) {
            t += minutes * 60_000;
            const now = new Date(t);
            const pick = (n: number) => ruleIds[n % ruleIds.length] ?? '';
            // Changes the chaincode refuses (a notAfter already past, a revoked rule) change nothing.
            if (step.kind === 'create') {
              const result = await h.ledger.submit(
                patient.identity,
                'rules:createRule',
                [ruleCreation(specOf(anchored(step.body, step.window, t)))],
                { timestamp: now },
              );
              if (result.status === 200) ruleIds.push((JSON.parse(result.payload) as StoredRule).ruleId);
            } else if (step.kind === 'revoke') {
              await h.ledger.submit(patient.identity, 'rules:revokeRule', [pick(step.pick)], {
                timestamp: now,
              });
            } else if (step.kind === 'update') {
              await h.ledger.submit(
                patient.identity,
                'rules:updateRule',
                [pick(step.pick), JSON.stringify(specOf(anchored(step.body, step.window, t)))],
                { timestamp: now },
              );
            }
            const probe = new Date(t + 1);
            const grant = await h.evaluate<GrantView>(h.admin, 'access:getGrant', [entry.entryId], probe);
            const rules = await h.evaluate<Page<StoredRule>>(
              h.auditor,
              'rules:listPatientRules',
              [patientId, '100', ''],
              probe,
            );
            const requester = { ...grant.requester, country: 'DE' };
            const held = grant.granted.map((g) => g.category);
            const policy = emergencyPolicy
              ? await h.evaluate<EmergencyPolicy>(
                  h.auditor,
                  'emergency:getEmergencyPolicy',
                  [patientId],
                  probe,
                )
              : undefined;
            const instant = probe.toISOString();
            const decision = grant.emergency
              ? decideEmergency(rules.items, policy, requester, held, instant)
              : decide(rules.items, { requester, categories: held, purpose: grant.purpose }, instant);
            if (grant.status === 'active') {
              checked += 1;
              expect(coversGrant(decision, grant.granted)).toBe(true);
            }
            const delivery = await h.ledger.submit(
              h.clinician.identity,
              'access:recordDelivery',
              [entry.entryId, HASH],
              { timestamp: probe },
            );
            expect(delivery.status === 200).toBe(grant.status === 'active');
          }
        },
      ),
      { numRuns: 100 },
    );
    // The property was exercised on live grants, not only on denied requests.
    expect(checked).toBeGreaterThan(10);
  }, 180_000);
});
