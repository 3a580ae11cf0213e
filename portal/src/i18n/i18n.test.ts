import { en } from './messages/en';
import { wordsFor, withManyPlurals } from './i18n';

describe('plurals', () => {
  it('counts in French and Italian also for round millions (CLDR "many"), in their own words', () => {
    expect(wordsFor('fr').t('log.count', { count: 1_000_000 })).toBe('1000000 entrées');
    expect(wordsFor('it').t('log.count', { count: 2_000_000 })).toBe('2000000 voci');
    expect(wordsFor('fr').t('log.count', { count: 0 })).toBe('0 entrée');
    expect(wordsFor('de').t('log.count', { count: 1 })).toBe('1 Eintrag');
  });

  it('reads a missing "many" form as "other", keeping one that is written', () => {
    expect(withManyPlurals({ a_one: '1', a_other: 'n', b: { c_other: 'x', c_many: 'm' } })).toEqual({
      a_one: '1',
      a_other: 'n',
      a_many: 'n',
      b: { c_other: 'x', c_many: 'm' },
    });
  });
});

describe('catalogues', () => {
  /** Formats of codes and numbers, the same in every language. */
  const FORMATS = [
    'vocabulary.requester',
    'vocabulary.requesterInCountry',
    'vocabulary.requesterNamed',
    'vocabulary.requesterNamedInCountry',
    'picker.practitionerLine',
    'picker.organisationLine',
    'rules.versionOf',
    'rules.versionLine',
    'ruleHistory.version',
    'log.ruleVersion',
    'upload.kindFhir',
  ];
  /** Words the language shares with English, checked one by one. */
  const SAME: Readonly<Record<'de' | 'fr' | 'it', readonly string[]>> = {
    de: [
      ...FORMATS,
      'chart.organisation',
      'chain.block',
      'chain.blockNumber',
      'chain.hash',
      'chain.organisation',
      'replay.block',
      'replay.detail',
    ],
    fr: [
      ...FORMATS,
      'vocabulary.category.allergies',
      'vocabulary.category.immunizations',
      'vocabulary.category.documents',
      'vocabulary.section.documents',
      'vocabulary.roles.patient',
      'vocabulary.role.patient',
      'vocabulary.ruleStatus.active',
      'rules.versions',
      'chart.organisation',
      'chart.total',
      'clinician.title',
      'clinician.patient',
      'contribution.note',
      'upload.kindDocument',
      'upload.forPatient',
      'auditor.nav',
      'log.patient',
      'chain.transactions',
      'chain.transaction',
      'chain.organisation',
      'chain.validation',
      'replay.transaction',
    ],
    it: [...FORMATS, 'signIn.password', 'chain.hash'],
  };

  it('say every English message in German, French and Italian, not left in English', () => {
    // The compiler checks the keys; this checks no message was left in English by mistake.
    const leaves = (value: object, path = ''): [string, string][] =>
      Object.entries(value).flatMap(([key, v]) =>
        typeof v === 'string'
          ? [[`${path}${key}`, v] as [string, string]]
          : leaves(v as object, `${path}${key}.`),
      );
    for (const language of ['de', 'fr', 'it'] as const) {
      const { t } = wordsFor(language);
      const untranslated = leaves(en)
        .filter(
          ([key, text]) =>
            !SAME[language].includes(key.replace(/_(one|other)$/, '')) && t(key as never) === text,
        )
        .map(([key]) => key);
      expect({ language, untranslated }).toEqual({ language, untranslated: [] });
    }
  });
});
