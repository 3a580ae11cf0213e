import type { Resource } from '@medplum/fhirtypes';
import { LABELS } from '@custodia/chaincode';
import type { Label } from '@custodia/chaincode';
import { sensitiveCorpus } from '../../test/fixtures/sensitive-corpus';
import { decideLabels, withLabels } from './label-resource';
import { SensitivityValueSets, SHIPPED_VALUE_SETS } from './value-sets';

const corpus = sensitiveCorpus();
const resourceAt = (fullUrl: string): Resource => {
  const entry = corpus.bundle.entry?.find((each) => each.fullUrl === fullUrl);
  if (entry?.resource === undefined) throw new Error(`no entry ${fullUrl}`);
  return entry.resource;
};

const condition = (extra: Record<string, unknown>): Resource =>
  ({
    resourceType: 'Condition',
    subject: { reference: 'Patient/p' },
    code: { coding: [{ system: 'http://snomed.info/sct', code: '38341003' }] },
    ...extra,
  }) as Resource;

describe('the security labelling service', () => {
  it('holds a value set per sensitivity class, each citing the source of every entry', () => {
    expect(SHIPPED_VALUE_SETS.map((file) => file.label).sort()).toEqual(
      ['ETH', 'HIV', 'PSY', 'SDV', 'STD', 'SUD'].sort(),
    );
    for (const file of SHIPPED_VALUE_SETS) {
      expect(file.version).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      for (const entry of [...file.codes, ...file.prefixes]) expect(file.sources[entry.source]).toBeDefined();
    }
  });

  it('has a corpus of at least 50 unlabelled sensitive resources, several per class', () => {
    const sensitive = corpus.entries.filter((entry) => entry.labels.length > 0);
    expect(sensitive.length).toBeGreaterThanOrEqual(50);
    for (const label of ['PSY', 'SUD', 'ETH', 'HIV', 'STD', 'SDV'] as const)
      expect(sensitive.filter((entry) => entry.labels.includes(label)).length).toBeGreaterThanOrEqual(4);
    for (const entry of corpus.bundle.entry ?? []) expect(entry.resource?.meta?.security).toBeUndefined();
  });

  describe.each(['PSY', 'SUD', 'ETH', 'HIV', 'STD', 'SDV'] as const)('class %s', (label) => {
    const members = corpus.entries.filter((entry) => entry.labels.includes(label));
    it.each(members.map((entry) => [entry.resourceType, entry.fullUrl] as const))(
      '%s %s is labelled from its codes',
      (_type, fullUrl) => {
        const decision = decideLabels(resourceAt(fullUrl));
        expect(decision.labels).toEqual([label]);
        expect(decision.derived).toEqual([label]);
        expect(decision.unrecognised).toEqual([]);
      },
    );
  });

  it('leaves the controls unlabelled', () => {
    for (const entry of corpus.entries.filter((each) => each.labels.length === 0))
      expect(decideLabels(resourceAt(entry.fullUrl)).labels).toEqual([]);
  });

  it('reads every standard form of a label: canonical URL, OID, old FHIR URL and a bare known code', () => {
    const forms: Array<[object, Label]> = [
      [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'PSY' }, 'PSY'],
      [{ system: 'urn:oid:2.16.840.1.113883.5.4', code: 'PSY' }, 'PSY'],
      [{ system: 'http://hl7.org/fhir/v3/ActCode', code: 'HIV' }, 'HIV'],
      [{ code: 'PSY' }, 'PSY'],
      [{ code: 'SDV' }, 'SDV'],
      [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }, 'R'],
      [{ system: 'urn:oid:2.16.840.1.113883.5.25', code: 'V' }, 'V'],
      [{ system: 'http://hl7.org/fhir/v3/Confidentiality', code: 'R' }, 'R'],
      [{ code: 'R' }, 'R'],
    ];
    for (const [coding, label] of forms) {
      const decision = decideLabels(condition({ meta: { security: [coding] } }));
      expect({ coding, labels: decision.labels, unrecognised: decision.unrecognised }).toEqual({
        coding,
        labels: [label],
        unrecognised: [],
      });
    }
    // Normal confidentiality is understood and adds nothing.
    expect(decideLabels(condition({ meta: { security: [{ code: 'N' }] } })).labels).toEqual([]);
  });

  it('fails closed on a security label it does not understand, and says which', () => {
    const attempts = [
      { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'GDIS' },
      { system: 'urn:oid:2.16.840.1.113883.5.4', code: 'psy' },
      { system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'X' },
      { system: 'http://example.org/local-sensitivity', code: 'SECRET' },
      { code: 'TABOO' },
      { system: 'urn:oid:2.16.840.1.113883.5.4' },
    ];
    for (const coding of attempts) {
      const decision = decideLabels(condition({ meta: { security: [coding] } }));
      expect({ coding, labels: decision.labels }).toEqual({ coding, labels: ['V'] });
      expect(decision.unrecognised).toEqual([`${coding.system ?? ''}|${coding.code ?? ''}`]);
    }
  });

  it('keeps source labels and adds derived ones, never lowering', () => {
    const decision = decideLabels(
      condition({
        meta: {
          security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'V' }],
        },
        code: { coding: [{ system: 'http://snomed.info/sct', code: '86406008' }] },
      }),
    );
    expect(decision.labels).toEqual(['V', 'HIV']);
    expect(decision.derived).toEqual(['HIV']);
    // A source saying "normal" next to a sensitive code does not take the label away.
    expect(
      decideLabels(
        condition({
          meta: { security: [{ code: 'N' }] },
          code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'F10.20' }] },
        }),
      ).labels,
    ).toEqual(['ETH']);
  });

  it('reads labels from the envelope, contained resources and DocumentReference.securityLabel', () => {
    expect(
      decideLabels(condition({}), { inherited: [{ system: 'urn:oid:2.16.840.1.113883.5.25', code: 'R' }] })
        .labels,
    ).toEqual(['R']);
    expect(
      decideLabels(
        condition({
          contained: [
            {
              resourceType: 'Observation',
              id: 'o',
              status: 'final',
              code: {},
              meta: { security: [{ code: 'STD' }] },
            },
          ],
        }),
      ).labels,
    ).toEqual(['STD']);
    expect(
      decideLabels({
        resourceType: 'DocumentReference',
        status: 'current',
        content: [],
        securityLabel: [{ coding: [{ system: 'urn:oid:2.16.840.1.113883.5.4', code: 'SUD' }] }],
      } as Resource).labels,
    ).toEqual(['SUD']);
  });

  it('matches codes in any spelling of their system and ICD-10 codes with or without the dot', () => {
    const coded = (system: string, code: string) =>
      decideLabels(condition({ code: { coding: [{ system, code }] } })).labels;
    expect(coded('urn:oid:2.16.840.1.113883.6.96', '370143000')).toEqual(['PSY']);
    expect(coded('http://fhir.de/CodeSystem/bfarm/icd-10-gm', 'F32.1')).toEqual(['PSY']);
    expect(coded('http://hl7.org/fhir/sid/icd-10-cm', 'f321')).toEqual(['PSY']);
    expect(coded('urn:oid:2.16.840.1.113883.6.73', 'N07BB01')).toEqual(['ETH']);
    // F17 (tobacco) is not a protected class; F0 (dementia) is not PSY here.
    expect(coded('http://hl7.org/fhir/sid/icd-10', 'F17.2')).toEqual([]);
    expect(coded('http://hl7.org/fhir/sid/icd-10', 'F01')).toEqual([]);
    // A code without a system means nothing.
    expect(decideLabels(condition({ code: { coding: [{ code: '370143000' }] } })).labels).toEqual([]);
  });

  it('adds the confidentiality a class calls for', () => {
    const valueSets = new SensitivityValueSets([
      {
        label: 'SUD',
        title: 'test',
        version: '2026-01-01',
        sources: { t: 'test' },
        confidentiality: 'R',
        codes: [{ system: 'http://snomed.info/sct', code: '5602001', display: 'Opioid abuse', source: 't' }],
        prefixes: [],
      },
    ]);
    expect(
      decideLabels(condition({ code: { coding: [{ system: 'http://snomed.info/sct', code: '5602001' }] } }), {
        valueSets,
      }).labels,
    ).toEqual(['R', 'SUD']);
    expect(() => new SensitivityValueSets([{ ...SHIPPED_VALUE_SETS[0]!, label: 'SECRET' }])).toThrow();
  });

  it('writes the decided labels into meta.security after the source’s own codings', () => {
    const source = { system: 'urn:oid:2.16.840.1.113883.5.4', code: 'PSY' };
    const labelled = withLabels(condition({ meta: { security: [source] } }), ['PSY', 'V']);
    expect(labelled.meta?.security).toEqual([
      source,
      { system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'V' },
      { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'PSY' },
    ]);
    expect(LABELS).toContain('PSY');
  });
});
