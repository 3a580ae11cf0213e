import { decideEmergency, EMERGENCY_POLICY_RULE_ID } from './emergency';
import type { EmergencyPolicySpec } from './types';
import { AT, clinician, rule } from '../../test/fixtures/rules';

const policy: EmergencyPolicySpec & { version: number } = {
  version: 2,
  enabled: true,
  roles: ['clinician'],
  countries: ['DE', 'FR'],
  categories: ['allergies', 'medications'],
  labels: [],
  maxDurationMinutes: 60,
};

describe('decideEmergency', () => {
  it('grants the policy categories to admitted roles and countries, naming the policy version', () => {
    const decision = decideEmergency([], policy, clinician, ['allergies', 'medications', 'problems'], AT);
    expect(decision.purpose).toBe('ETREAT');
    expect(decision.granted).toEqual(['allergies', 'medications']);
    expect(decision.rules).toEqual([{ ruleId: EMERGENCY_POLICY_RULE_ID, version: 2, effect: 'permit' }]);
  });

  it('grants nothing without an enabled policy admitting the role and country', () => {
    const ask = (p: typeof policy | undefined, requester = clinician) =>
      decideEmergency([], p, requester, ['allergies'], AT).granted;
    expect(ask(undefined)).toEqual([]);
    expect(ask({ ...policy, enabled: false })).toEqual([]);
    expect(ask({ ...policy, roles: ['centre'] })).toEqual([]);
    expect(ask(policy, { ...clinician, country: 'IT' })).toEqual([]);
    expect(ask({ ...policy, countries: [] }, { ...clinician, country: 'IT' })).toEqual(['allergies']);
  });

  it("keeps the patient's ETREAT denies overriding and adds their ETREAT permits", () => {
    const deny = rule({ effect: 'deny', categories: ['medications'], purposes: ['ETREAT'] });
    const permit = rule({ categories: ['results'], labels: ['HIV'], purposes: ['ETREAT'] });
    const treatOnly = rule({ categories: ['problems'], purposes: ['TREAT'] });
    const decision = decideEmergency(
      [deny, permit, treatOnly],
      policy,
      clinician,
      ['allergies', 'medications', 'problems', 'results'],
      AT,
    );
    expect(decision.granted).toEqual(['allergies', 'results']);
    expect(decision.categories.find((c) => c.category === 'results')?.labels).toEqual(['HIV']);
    // Sensitive data is not released by the policy unless it names the label.
    expect(decision.categories.find((c) => c.category === 'allergies')?.labels).toEqual([]);
  });
});
