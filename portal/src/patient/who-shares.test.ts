import { storedRule } from '../../test/support/ledger';
import { rulesSharing } from './who-shares';

describe('which rules share a part of the record', () => {
  const weber = storedRule({ ruleId: 'r-weber', categories: ['allergies', 'problems'], labels: [] });
  const psy = storedRule({ ruleId: 'r-psy', categories: ['problems'], labels: ['PSY'] });
  const revoked = storedRule({ ruleId: 'r-old', categories: ['problems'], status: 'revoked' });
  const deny = storedRule({ ruleId: 'r-deny', effect: 'deny', categories: ['problems'] });
  const rules = [weber, psy, revoked, deny];
  const ids = (found: readonly { ruleId: string }[]) => found.map((rule) => rule.ruleId);

  it('names the active permits of a category, never revoked rules or denies', () => {
    expect(ids(rulesSharing(rules, 'problems'))).toEqual(['r-weber', 'r-psy']);
    expect(ids(rulesSharing(rules, 'allergies'))).toEqual(['r-weber']);
    expect(rulesSharing(rules, 'imaging')).toEqual([]);
  });

  it('shares sensitive entries only through rules that name every label', () => {
    expect(ids(rulesSharing(rules, 'problems', ['PSY']))).toEqual(['r-psy']);
    expect(rulesSharing(rules, 'problems', ['PSY', 'HIV'])).toEqual([]);
  });
});
