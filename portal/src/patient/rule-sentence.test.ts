import type { RuleSpec } from '@custodia/chaincode/model';
import { describeGrantee, describeRule } from './rule-sentence';

const base: RuleSpec = {
  effect: 'permit',
  grantee: { kind: 'practitioner', id: 'dr-1', mspId: 'HospitalDEMSP' },
  categories: ['allergies', 'medications'],
  labels: [],
  purposes: ['TREAT'],
};

describe('describeRule', () => {
  it('says who may see what, and why, for a permit', () => {
    expect(describeRule(base)).toBe(
      'Allow practitioner dr-1 to see your allergies and medicines for treating you.',
    );
  });

  it('uses the name the directory knows and the countries in full', () => {
    const spec: RuleSpec = {
      ...base,
      grantee: { kind: 'organization', mspId: 'HospitalFRMSP', countries: ['FR', 'BE'] },
    };
    expect(describeRule(spec, { organisation: () => 'Hôpital de Lyon' })).toBe(
      'Allow staff of Hôpital de Lyon in France and Belgium to see your allergies and medicines for treating you.',
    );
  });

  it('names the sensitive information a permit releases', () => {
    const spec: RuleSpec = { ...base, categories: ['problems'], labels: ['HIV', 'PSY'] };
    expect(describeRule(spec)).toContain('including HIV status and mental health');
  });

  it('says a deny wins over other rules, with its period', () => {
    const spec: RuleSpec = {
      ...base,
      effect: 'deny',
      grantee: { kind: 'role', role: 'clinician' },
      categories: ['results', 'imaging', 'documents'],
      purposes: [],
      notBefore: '2026-01-01T00:00:00.000Z',
      notAfter: '2026-07-01T00:00:00.000Z',
    };
    expect(describeRule(spec)).toBe(
      'Never show any of the clinicians your test results, scans and X-rays and documents from 1 January 2026 until 30 June 2026, even if another rule allows it.',
    );
  });

  it('says which labels a deny withholds', () => {
    const spec: RuleSpec = { ...base, effect: 'deny', labels: ['SUD'] };
    expect(describeRule(spec)).toBe(
      'Never show practitioner dr-1 any substance use in your allergies and medicines for treating you, even if another rule allows it.',
    );
  });
});

describe('describeGrantee', () => {
  it('names a practitioner from the directory', () => {
    expect(
      describeGrantee({ kind: 'practitioner', id: 'dr-1', mspId: 'M' }, { practitioner: () => 'Dr Weber' }),
    ).toBe('Dr Weber');
  });
});
