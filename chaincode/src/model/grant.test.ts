import { decide } from './decision';
import { denyCutsGrant, grantedCategories, grantExpiry, grantStatus } from './grant';
import type { Grant } from './types';
import { AT, clinician, hoursFrom, rule } from '../../test/fixtures/rules';

const DAY_MS = 24 * 3_600_000;

function grantFrom(rules: Parameters<typeof decide>[0]): Grant {
  const decision = decide(
    rules,
    { requester: clinician, categories: ['allergies', 'problems'], purpose: 'TREAT' },
    AT,
  );
  return {
    grantId: 'g1',
    patientId: 'p1',
    requester: clinician,
    purpose: 'TREAT',
    emergency: false,
    requested: ['allergies', 'problems'],
    granted: grantedCategories(decision),
    denied: decision.denied,
    rules: decision.rules,
    issuedAt: AT,
    expiresAt: grantExpiry(decision, AT, DAY_MS),
  };
}

describe('grants', () => {
  it('expire at the earliest of the permits’ notAfter and the bounded duration', () => {
    expect(grantFrom([rule()]).expiresAt).toBe(hoursFrom(AT, 24));
    expect(grantFrom([rule({ notAfter: hoursFrom(AT, 3) })]).expiresAt).toBe(hoursFrom(AT, 3));
    expect(grantFrom([rule({ notAfter: hoursFrom(AT, 300) })]).expiresAt).toBe(hoursFrom(AT, 24));
  });

  it('are active until expiry, then expired; revoked wins', () => {
    const grant = grantFrom([rule()]);
    expect(grantStatus(grant, AT)).toBe('active');
    expect(grantStatus(grant, hoursFrom(AT, 23.9))).toBe('active');
    expect(grantStatus(grant, hoursFrom(AT, 24))).toBe('expired');
    expect(grantStatus({ ...grant, revoked: { at: AT, txId: 't', ruleId: 'r' } }, AT)).toBe('revoked');
  });

  it('are cut by a new deny that withholds a granted category or released label, not by others', () => {
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
