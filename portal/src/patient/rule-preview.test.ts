import { storedRule } from '../../test/support/ledger';
import { previewDraft } from './rule-preview';

const AT = '2026-11-23T12:00:00.000Z';

describe('previewDraft', () => {
  it('releases what the draft permits, except what another rule denies', () => {
    const deny = storedRule({
      ruleId: 'd',
      effect: 'deny',
      grantee: { kind: 'role', role: 'clinician' },
      categories: ['medications'],
    });
    const decision = previewDraft(
      [deny],
      {
        effect: 'permit',
        grantee: { kind: 'practitioner', id: 'dr-2', mspId: 'HospitalFRMSP' },
        categories: ['allergies', 'medications'],
        labels: ['PSY'],
        purposes: ['TREAT'],
      },
      AT,
    );
    expect(decision.granted).toEqual(['allergies']);
    expect(decision.categories.find((c) => c.category === 'allergies')?.labels).toEqual(['PSY']);
  });

  it('previews a change without the rule it replaces', () => {
    const current = storedRule({ categories: ['allergies', 'results'] });
    const decision = previewDraft([current], { ...current, categories: ['allergies'] }, AT, current.ruleId);
    expect(decision.granted).toEqual(['allergies']);
  });
});
