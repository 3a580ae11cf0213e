import fc from 'fast-check';
import { decide, grantsNoMore } from './decision';
import type { AccessRequest, Decision, Rule } from './types';
import {
  AT,
  atArb,
  categoriesArb,
  clinician,
  hoursFrom,
  purposeArb,
  requesterArb,
  rule,
  ruleBodyArb,
  rulesArb,
} from '../../test/fixtures/rules';

const asks = (
  categories: AccessRequest['categories'],
  overrides: Partial<AccessRequest> = {},
): AccessRequest => ({
  requester: clinician,
  categories,
  purpose: 'TREAT',
  ...overrides,
});

const entry = (decision: Decision, category: string) =>
  decision.categories.find((c) => c.category === category);

describe('decide', () => {
  it('denies by default and names no rule', () => {
    const decision = decide([], asks(['allergies', 'medications']), AT);
    expect(decision.granted).toEqual([]);
    expect(decision.denied).toEqual(['allergies', 'medications']);
    expect(decision.rules).toEqual([]);
  });

  it('grants the categories a matching permit covers and names it', () => {
    const permit = rule({ categories: ['allergies', 'results'] });
    const decision = decide([permit], asks(['results', 'allergies', 'medications']), AT);
    expect(decision.granted).toEqual(['allergies', 'results']);
    expect(decision.denied).toEqual(['medications']);
    expect(entry(decision, 'allergies')?.rules).toEqual([
      { ruleId: permit.ruleId, version: 1, effect: 'permit' },
    ]);
    expect(entry(decision, 'medications')?.rules).toEqual([]);
  });

  it('lets a deny override a permit and names the deny', () => {
    const permit = rule({ categories: ['allergies', 'medications'] });
    const deny = rule({ effect: 'deny', categories: ['medications'], version: 3 });
    const decision = decide([permit, deny], asks(['allergies', 'medications']), AT);
    expect(decision.granted).toEqual(['allergies']);
    expect(entry(decision, 'medications')).toEqual({
      category: 'medications',
      granted: false,
      labels: [],
      rules: [{ ruleId: deny.ruleId, version: 3, effect: 'deny' }],
    });
  });

  it('releases a security label only when a permit names it, and a label deny withholds only that label', () => {
    const plain = rule({ categories: ['problems'] });
    expect(entry(decide([plain], asks(['problems']), AT), 'problems')?.labels).toEqual([]);

    const named = rule({ categories: ['problems'], labels: ['HIV', 'PSY', 'R'] });
    const withhold = rule({ effect: 'deny', categories: ['problems'], labels: ['PSY'] });
    const unrelated = rule({ effect: 'deny', categories: ['problems'], labels: ['SUD'] });
    const decision = decide([plain, named, withhold, unrelated], asks(['problems']), AT);
    expect(entry(decision, 'problems')?.granted).toBe(true);
    expect(entry(decision, 'problems')?.labels).toEqual(['R', 'HIV']);
    // The deny that withheld a label decided; the one naming an unreleased label did not.
    expect(decision.rules.map((ref) => ref.ruleId).sort()).toEqual(
      [plain.ruleId, named.ruleId, withhold.ruleId].sort(),
    );
  });

  it('treats notBefore as inclusive and notAfter as exclusive', () => {
    const windowed = rule({ notBefore: AT, notAfter: hoursFrom(AT, 1) });
    expect(decide([windowed], asks(['allergies']), AT).granted).toEqual(['allergies']);
    expect(decide([windowed], asks(['allergies']), hoursFrom(AT, -0.001)).granted).toEqual([]);
    expect(decide([windowed], asks(['allergies']), hoursFrom(AT, 1)).granted).toEqual([]);
  });

  it('never grants through a revoked rule', () => {
    expect(decide([rule({ status: 'revoked' })], asks(['allergies']), AT).granted).toEqual([]);
  });

  it('requires the purpose to be allowed', () => {
    const permit = rule({ purposes: ['TREAT'] });
    expect(decide([permit], asks(['allergies'], { purpose: 'HRESCH' }), AT).granted).toEqual([]);
  });

  it('matches a practitioner by id within its MSP only', () => {
    const permit = rule({ grantee: { kind: 'practitioner', id: 'dr-a', mspId: 'Org1MSP' } });
    expect(decide([permit], asks(['allergies']), AT).granted).toEqual(['allergies']);
    const sameIdOtherOrg = { ...clinician, mspId: 'Org2MSP' };
    expect(decide([permit], asks(['allergies'], { requester: sameIdOtherOrg }), AT).granted).toEqual([]);
  });

  it('matches an organisation by MSP id and a role by certificate role', () => {
    const org = rule({ grantee: { kind: 'organization', mspId: 'Org2MSP' } });
    const byRole = rule({ grantee: { kind: 'role', role: 'clinician' }, categories: ['results'] });
    const other = { ...clinician, id: 'dr-z', mspId: 'Org2MSP' };
    expect(decide([org, byRole], asks(['allergies', 'results'], { requester: other }), AT).granted).toEqual([
      'allergies',
      'results',
    ]);
    const centre = { ...clinician, role: 'centre' as const };
    expect(decide([byRole], asks(['results'], { requester: centre }), AT).granted).toEqual([]);
  });

  it("applies country limits to the requester's certificate country", () => {
    const permit = rule({ grantee: { kind: 'role', role: 'clinician', countries: ['FR', 'IT'] } });
    expect(decide([permit], asks(['allergies']), AT).granted).toEqual([]);
    const french = { ...clinician, country: 'FR' };
    expect(decide([permit], asks(['allergies'], { requester: french }), AT).granted).toEqual(['allergies']);
    const stateless = { mspId: clinician.mspId, role: clinician.role, id: clinician.id };
    expect(decide([permit], asks(['allergies'], { requester: stateless }), AT).granted).toEqual([]);
  });

  it('reports the earliest notAfter among the permits that granted', () => {
    const early = rule({ categories: ['allergies'], notAfter: hoursFrom(AT, 2) });
    const late = rule({ categories: ['results'], notAfter: hoursFrom(AT, 5) });
    const unused = rule({ categories: ['devices'], notAfter: hoursFrom(AT, 1) });
    expect(decide([early, late, unused], asks(['allergies', 'results']), AT).notAfter).toBe(hoursFrom(AT, 2));
    expect(decide([rule()], asks(['allergies']), AT).notAfter).toBeUndefined();
  });
});

describe('decide — properties', () => {
  const runs = { numRuns: 500 };
  const requestArb = fc.record({ requester: requesterArb, categories: categoriesArb, purpose: purposeArb });

  it('adding a deny never grants more', () => {
    fc.assert(
      fc.property(rulesArb(), ruleBodyArb('deny'), requestArb, atArb, (rules, deny, request, at) => {
        const before = decide(rules, request, at);
        const after = decide([...rules, { ...deny, ruleId: 'added-deny' }], request, at);
        return grantsNoMore(after, before);
      }),
      runs,
    );
  });

  it('revoking a permit never grants more', () => {
    fc.assert(
      fc.property(rulesArb(), fc.nat(), requestArb, atArb, (rules, pick, request, at) => {
        fc.pre(rules.length > 0);
        const index = pick % rules.length;
        const revoked = rules.map((r, i) => (i === index ? { ...r, status: 'revoked' as const } : r));
        const before = decide(rules, request, at);
        const after = decide(revoked, request, at);
        return rules[index]?.effect === 'deny' || grantsNoMore(after, before);
      }),
      runs,
    );
  });

  it('a rule outside its period changes nothing and is never named', () => {
    const outside = fc
      .tuple(ruleBodyArb(), fc.boolean(), fc.integer({ min: 0, max: 48 }), atArb)
      .map(([body, expired, hours, at]): [Rule, string] => {
        const period = expired
          ? { notBefore: hoursFrom(at, -hours - 10), notAfter: hoursFrom(at, -hours) }
          : { notBefore: hoursFrom(at, hours + 0.001), notAfter: hoursFrom(at, hours + 10) };
        return [{ ...body, ...period, ruleId: 'outside' }, at];
      });
    fc.assert(
      fc.property(rulesArb(), outside, requestArb, (rules, [extra, at], request) => {
        const without = decide(rules, request, at);
        const withIt = decide([...rules, extra], request, at);
        expect(withIt).toEqual(without);
        expect(withIt.rules.some((ref) => ref.ruleId === 'outside')).toBe(false);
      }),
      runs,
    );
  });

  it('is independent of rule order', () => {
    fc.assert(
      fc.property(
        rulesArb().chain((rules) =>
          fc.tuple(fc.constant(rules), fc.shuffledSubarray(rules, { minLength: rules.length })),
        ),
        requestArb,
        atArb,
        ([rules, shuffled], request, at) => {
          expect(decide(shuffled, request, at)).toEqual(decide(rules, request, at));
        },
      ),
      runs,
    );
  });

  it('releases a label only when an applicable permit deciding the category names it', () => {
    fc.assert(
      fc.property(rulesArb(), requestArb, atArb, (rules, request, at) => {
        const decision = decide(rules, request, at);
        for (const category of decision.categories) {
          for (const label of category.labels) {
            const namers = category.rules.filter((ref) => {
              const source = rules.find((r) => r.ruleId === ref.ruleId);
              return (
                ref.effect === 'permit' &&
                source?.labels.includes(label) &&
                source.categories.includes(category.category)
              );
            });
            expect(namers.length).toBeGreaterThan(0);
          }
        }
      }),
      runs,
    );
  });

  it('never grants anything without a permit', () => {
    fc.assert(
      fc.property(rulesArb(), requestArb, atArb, (rules, request, at) => {
        const denies = rules.filter((r) => r.effect === 'deny');
        return decide(denies, request, at).granted.length === 0;
      }),
      runs,
    );
  });
});
