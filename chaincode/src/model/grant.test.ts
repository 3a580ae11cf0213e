import fc from 'fast-check';
import { decide } from './decision';
import {
  coversGrant,
  denyCutsGrant,
  grantCovered,
  grantedCategories,
  grantExpiry,
  grantStatus,
  nextNarrowing,
} from './grant';
import type { AccessRequest, Grant, Rule } from './types';
import {
  AT,
  categoriesArb,
  clinician,
  hoursFrom,
  purposeArb,
  requesterArb,
  rule,
  rulesArb,
} from '../../test/fixtures/rules';

const DAY_MS = 24 * 3_600_000;
const request: AccessRequest = {
  requester: clinician,
  categories: ['allergies', 'problems'],
  purpose: 'TREAT',
};

function grantFrom(rules: readonly Rule[], ask: AccessRequest = request, issuedAt = AT): Grant {
  const decision = decide(rules, ask, issuedAt);
  return {
    grantId: 'g1',
    patientId: 'p1',
    requester: ask.requester,
    purpose: ask.purpose,
    emergency: false,
    requested: ask.categories,
    granted: grantedCategories(decision),
    denied: decision.denied,
    rules: decision.rules,
    issuedAt,
    expiresAt: grantExpiry(decision, rules, ask, issuedAt, DAY_MS),
  };
}

describe('grant expiry', () => {
  it('is the earliest of the permits’ notAfter and the bounded duration', () => {
    expect(grantFrom([rule()]).expiresAt).toBe(hoursFrom(AT, 24));
    expect(grantFrom([rule({ notAfter: hoursFrom(AT, 3) })]).expiresAt).toBe(hoursFrom(AT, 3));
    expect(grantFrom([rule({ notAfter: hoursFrom(AT, 300) })]).expiresAt).toBe(hoursFrom(AT, 24));
  });

  it('is cut at the notBefore of a scheduled deny that would withhold something granted', () => {
    const permit = rule({ categories: ['allergies', 'problems'], labels: ['PSY'] });
    const later = (hours: number, overrides: Partial<Rule>) =>
      rule({ effect: 'deny', notBefore: hoursFrom(AT, hours), ...overrides });
    expect(grantFrom([permit, later(2, { categories: ['problems'] })]).expiresAt).toBe(hoursFrom(AT, 2));
    expect(grantFrom([permit, later(3, { categories: ['problems'], labels: ['PSY'] })]).expiresAt).toBe(
      hoursFrom(AT, 3),
    );
    // The earliest of several.
    expect(
      grantFrom([permit, later(5, { categories: ['allergies'] }), later(4, { categories: ['problems'] })])
        .expiresAt,
    ).toBe(hoursFrom(AT, 4));
  });

  it('is not cut by a scheduled deny that would withhold nothing this grant holds', () => {
    const permit = rule({ categories: ['allergies', 'problems'], labels: ['PSY'] });
    const later = (overrides: Partial<Rule>) =>
      rule({ effect: 'deny', notBefore: hoursFrom(AT, 2), ...overrides });
    const unaffected = [
      later({ categories: ['results'] }),
      later({ categories: ['problems'], labels: ['HIV'] }),
      later({ categories: ['problems'], purposes: ['HRESCH'] }),
      later({ categories: ['problems'], grantee: { kind: 'organization', mspId: 'Org9MSP' } }),
      later({ categories: ['problems'], status: 'revoked' }),
      rule({ categories: ['problems'], notBefore: hoursFrom(AT, 2) }),
    ];
    for (const other of unaffected) expect(grantFrom([permit, other]).expiresAt).toBe(hoursFrom(AT, 24));
  });
});

describe('grant coverage and status', () => {
  it('is active until expiry, then expired; revoked wins; narrowed when no longer covered', () => {
    const grant = grantFrom([rule()]);
    expect(grantStatus(grant, AT, true)).toBe('active');
    expect(grantStatus(grant, hoursFrom(AT, 23.9), true)).toBe('active');
    expect(grantStatus(grant, hoursFrom(AT, 23.9), false)).toBe('narrowed');
    expect(grantStatus(grant, hoursFrom(AT, 24), false)).toBe('expired');
    expect(grantStatus({ ...grant, revoked: { at: AT, txId: 't', ruleId: 'r' } }, AT, true)).toBe('revoked');
  });

  it('covers a grant only when every category is still granted with every label it released', () => {
    const permit = rule({ categories: ['allergies', 'problems'], labels: ['PSY'] });
    const grant = grantFrom([permit]);
    const later = hoursFrom(AT, 1);
    expect(coversGrant(decide([permit], request, later), grant.granted)).toBe(true);
    const withholdPsy = rule({ effect: 'deny', categories: ['problems'], labels: ['PSY'] });
    expect(coversGrant(decide([permit, withholdPsy], request, later), grant.granted)).toBe(false);
    const narrower = rule({ categories: ['allergies'], labels: ['PSY', 'HIV'] });
    expect(coversGrant(decide([narrower], request, later), grant.granted)).toBe(false);
  });

  it('re-decides with the requester’s current registry country; a departed organisation covers nothing', () => {
    const deOnly = rule({ grantee: { kind: 'role', role: 'clinician', countries: ['DE'] } });
    const grant = grantFrom([deOnly]);
    expect(grant.granted).toHaveLength(1);
    expect(grantCovered(grant, [deOnly], undefined, 'DE', AT)).toBe(true);
    expect(grantCovered(grant, [deOnly], undefined, 'FR', AT)).toBe(false);
    expect(grantCovered(grant, [deOnly], undefined, undefined, AT)).toBe(false);
  });

  it('finds the next narrowing only among denies that come into force later', () => {
    const grant = grantFrom([rule({ categories: ['allergies'] })]);
    const deny = (hours: number) =>
      rule({ effect: 'deny', categories: ['allergies'], notBefore: hoursFrom(AT, hours) });
    expect(nextNarrowing([deny(-1), deny(0)], grant, AT)).toBeUndefined();
    expect(nextNarrowing([deny(6), deny(0.5)], grant, AT)).toBe(hoursFrom(AT, 0.5));
  });

  it('is cut by a new deny that withholds a granted category or released label, not by others', () => {
    const grant = grantFrom([rule({ categories: ['allergies', 'problems'], labels: ['PSY'] })]);
    const later = hoursFrom(AT, 1);
    expect(denyCutsGrant(rule({ effect: 'deny', categories: ['problems'] }), grant, later)).toBe(true);
    expect(
      denyCutsGrant(rule({ effect: 'deny', categories: ['problems'], labels: ['PSY'] }), grant, later),
    ).toBe(true);
    expect(
      denyCutsGrant(rule({ effect: 'deny', categories: ['problems'], labels: ['HIV'] }), grant, later),
    ).toBe(false);
    expect(denyCutsGrant(rule({ effect: 'deny', categories: ['results'] }), grant, later)).toBe(false);
    expect(
      denyCutsGrant(rule({ effect: 'deny', categories: ['problems'], purposes: ['HRESCH'] }), grant, later),
    ).toBe(false);
    const otherOrg = { kind: 'organization' as const, mspId: 'Org9MSP' };
    expect(denyCutsGrant(rule({ effect: 'deny', grantee: otherOrg }), grant, later)).toBe(false);
    expect(denyCutsGrant(rule({ effect: 'deny', notBefore: hoursFrom(AT, 2) }), grant, later)).toBe(false);
    expect(denyCutsGrant(rule({ categories: ['problems'] }), grant, later)).toBe(false);
  });
});

describe('grant expiry — properties', () => {
  const requestArb = fc.record({ requester: requesterArb, categories: categoriesArb, purpose: purposeArb });

  it('with the rules unchanged, a grant stays covered at every instant before it expires', () => {
    fc.assert(
      fc.property(
        rulesArb(10),
        requestArb,
        fc.integer({ min: -24, max: 24 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (rules, ask, issueHour, fraction) => {
          const issuedAt = hoursFrom(AT, issueHour);
          const grant = grantFrom(rules, ask, issuedAt);
          fc.pre(grant.granted.length > 0);
          const span = Date.parse(grant.expiresAt) - Date.parse(issuedAt);
          const t = new Date(Date.parse(issuedAt) + Math.floor(fraction * (span - 1))).toISOString();
          expect(coversGrant(decide(rules, ask, t), grant.granted)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
