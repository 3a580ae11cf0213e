import { storedRule } from '../../test/support/ledger';
import type { RuleVersion } from '../api/types';
import { historyDiffs, ruleDiff } from './rule-diff';

const v1: RuleVersion = { ...storedRule(), change: 'created' };
const v2: RuleVersion = {
  ...storedRule({
    version: 2,
    categories: ['allergies'],
    grantee: { kind: 'role', role: 'clinician', countries: ['FR'] },
  }),
  change: 'updated',
};

describe('ruleDiff', () => {
  it('names the fields that changed with their values before and after', () => {
    expect(ruleDiff(v1, v2)).toEqual([
      { field: 'grantee', before: 'practitioner dr-2@HospitalFRMSP', after: 'role clinician in FR' },
      { field: 'categories', before: 'allergies, medications', after: 'allergies' },
    ]);
  });

  it('shows a first version as added fields, and orders a history by version', () => {
    const diffs = historyDiffs([v2, v1]);
    expect(diffs.map((d) => d.version.version)).toEqual([1, 2]);
    expect(diffs[0]?.changes.map((c) => c.field)).toEqual([
      'status',
      'effect',
      'grantee',
      'categories',
      'purposes',
    ]);
  });
});
