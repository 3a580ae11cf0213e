import type { RuleSpec } from '@custodia/chaincode/model';
import { wordsFor } from '../i18n/i18n';
import { describeGrantee, describeRule } from './rule-sentence';

const en = wordsFor('en', 'UTC');
const base: RuleSpec = {
  effect: 'permit',
  grantee: { kind: 'practitioner', id: 'dr-1', mspId: 'HospitalDEMSP' },
  categories: ['allergies', 'medications'],
  labels: [],
  purposes: ['TREAT'],
};

describe('describeRule', () => {
  it('says who may see what, and why, for a permit', () => {
    expect(describeRule(en, base)).toBe(
      'Allow practitioner dr-1 to see your allergies and medicines for treating you.',
    );
  });

  it('uses the name the directory knows and the countries in full', () => {
    const spec: RuleSpec = {
      ...base,
      grantee: { kind: 'organization', mspId: 'HospitalFRMSP', countries: ['FR', 'BE'] },
    };
    expect(describeRule(en, spec, { organisation: () => 'Hôpital de Lyon' })).toBe(
      'Allow staff of Hôpital de Lyon in France and Belgium to see your allergies and medicines for treating you.',
    );
  });

  it('names the sensitive information a permit releases', () => {
    const spec: RuleSpec = { ...base, categories: ['problems'], labels: ['HIV', 'PSY'] };
    expect(describeRule(en, spec)).toBe(
      'Allow practitioner dr-1 to see your health problems, including HIV status and mental health, for treating you.',
    );
  });

  it('says a deny wins over other rules, with its period (the last day included)', () => {
    const spec: RuleSpec = {
      ...base,
      effect: 'deny',
      grantee: { kind: 'role', role: 'clinician' },
      categories: ['results', 'imaging', 'documents'],
      purposes: [],
      notBefore: '2026-01-01T00:00:00.000Z',
      notAfter: '2026-07-01T00:00:00.000Z',
    };
    expect(describeRule(en, spec)).toBe(
      'Never show any of the clinicians your test results, scans and X-rays and documents from 1 January 2026 until 30 June 2026, even if another rule allows it.',
    );
  });

  it('says which labels a deny withholds', () => {
    const spec: RuleSpec = { ...base, effect: 'deny', labels: ['SUD'] };
    expect(describeRule(en, spec)).toBe(
      'Never show practitioner dr-1 any substance use in your allergies and medicines for treating you, even if another rule allows it.',
    );
  });

  it('says the same rules in German, French and Italian, dates as each language writes them', () => {
    const spec: RuleSpec = {
      ...base,
      grantee: { kind: 'role', role: 'clinician', countries: ['FR'] },
      categories: ['allergies', 'medications', 'problems'],
      notAfter: '2026-07-01T00:00:00.000Z',
    };
    expect(describeRule(wordsFor('de', 'UTC'), spec)).toBe(
      'Zugriff erlauben für alle Ärztinnen und Ärzte (nur Frankreich): Allergien, Medikamente und Erkrankungen – Zweck: Ihre Behandlung, bis einschließlich 30. Juni 2026.',
    );
    expect(describeRule(wordsFor('fr', 'UTC'), spec)).toBe(
      'Autoriser tous les professionnels de santé (France uniquement) à consulter : allergies, médicaments et problèmes de santé – motif : vos soins, jusqu’au 30 juin 2026 inclus.',
    );
    expect(describeRule(wordsFor('it', 'UTC'), { ...spec, effect: 'deny', notAfter: undefined })).toBe(
      'Bloccare per tutti i medici (solo Francia): allergie, farmaci e problemi di salute – finalità: le Sue cure, anche se un’altra regola lo consente.',
    );
  });

  it('keeps a rule’s last day whatever the reader’s time zone', () => {
    const spec: RuleSpec = { ...base, notAfter: '2026-07-01T00:00:00.000Z' };
    expect(describeRule(wordsFor('en', 'America/Los_Angeles'), spec)).toContain('until 30 June 2026');
    expect(describeRule(wordsFor('en', 'Pacific/Kiritimati'), spec)).toContain('until 30 June 2026');
  });
});

describe('describeGrantee', () => {
  it('names a practitioner from the directory', () => {
    expect(
      describeGrantee(
        en,
        { kind: 'practitioner', id: 'dr-1', mspId: 'M' },
        { practitioner: () => 'Dr Weber' },
      ),
    ).toBe('Dr Weber');
  });
});
