import type { FhirBundle } from '../api/types';
import { conceptText, readableEntry, readableSections } from './readable';

describe('readableEntry', () => {
  it('reads the title, value, components, status, date and source of a resource', () => {
    expect(
      readableEntry({
        resourceType: 'Observation',
        status: 'final',
        meta: { source: 'urn:custodia:HospitalDEMSP' },
        code: { coding: [{ code: '85354-9', display: 'Blood pressure' }] },
        component: [
          { code: { text: 'Systolic' }, valueQuantity: { value: 138, unit: 'mm[Hg]' } },
          { code: { text: 'Diastolic' }, valueQuantity: { value: 85, unit: 'mm[Hg]' } },
        ],
        effectiveDateTime: '2026-09-14T08:00:00Z',
      }),
    ).toEqual({
      resourceType: 'Observation',
      title: 'Blood pressure',
      details: [
        { kind: 'component', name: 'Systolic', text: '138 mm[Hg]' },
        { kind: 'component', name: 'Diastolic', text: '85 mm[Hg]' },
        { kind: 'status', code: 'final', text: 'final' },
      ],
      date: '2026-09-14T08:00:00Z',
      source: 'urn:custodia:HospitalDEMSP',
    });
  });

  it('reads an allergy’s criticality, reactions and clinical status by code', () => {
    const entry = readableEntry({
      resourceType: 'AllergyIntolerance',
      clinicalStatus: { coding: [{ code: 'active', display: 'Active' }] },
      criticality: 'high',
      code: { text: 'Penicillin' },
      reaction: [{ manifestation: [{ text: 'Hives' }] }],
    });
    expect(entry.details).toEqual([
      { kind: 'criticality', code: 'high' },
      { kind: 'reaction', text: 'Hives' },
      { kind: 'status', code: 'active', text: 'Active' },
    ]);
  });

  it('keeps a document’s attachment and its link', () => {
    const entry = readableEntry({
      resourceType: 'DocumentReference',
      id: 'rec-1',
      description: 'Discharge summary',
      content: [
        {
          attachment: {
            title: 'discharge.pdf',
            contentType: 'application/pdf',
            size: 2048,
            url: '/v1/grants/g/binaries/rec-1?expires=1&sig=s',
          },
        },
      ],
    });
    expect(entry.title).toBe('Discharge summary');
    expect(entry.attachment).toEqual({
      title: 'discharge.pdf',
      contentType: 'application/pdf',
      size: 2048,
      url: '/v1/grants/g/binaries/rec-1?expires=1&sig=s',
    });
  });
});

describe('readableSections', () => {
  it('follows the Composition’s sections by their LOINC codes, says why one is empty, and lists the rest last', () => {
    const bundle: FhirBundle = {
      resourceType: 'Bundle',
      entry: [
        {
          fullUrl: 'urn:c',
          resource: {
            resourceType: 'Composition',
            section: [
              {
                title: 'Problem List',
                code: { coding: [{ system: 'http://loinc.org', code: '11450-4' }] },
                entry: [{ reference: 'urn:p' }],
              },
              {
                title: 'Results',
                code: { coding: [{ system: 'http://loinc.org', code: '30954-2' }] },
                emptyReason: { coding: [{ code: 'withheld', display: 'Information Withheld' }] },
              },
              { title: 'Local notes', code: { coding: [{ system: 'urn:local', code: 'x' }] } },
            ],
          },
        },
        { fullUrl: 'urn:pt', resource: { resourceType: 'Patient' } },
        { fullUrl: 'urn:p', resource: { resourceType: 'Condition', code: { text: 'Hypertension' } } },
        { fullUrl: 'urn:x', resource: { resourceType: 'Procedure', code: { text: 'Appendectomy' } } },
      ],
    };
    expect(
      readableSections(bundle).map((s) => [
        s.category,
        s.title,
        s.entries.map((e) => e.title),
        s.emptyReason,
      ]),
    ).toEqual([
      ['problems', 'Problem List', ['Hypertension'], undefined],
      ['results', 'Results', [], 'withheld'],
      [undefined, 'Local notes', [], 'unavailable'],
      [undefined, '', ['Appendectomy'], undefined],
    ]);
  });
});

describe('conceptText', () => {
  it('prefers the text, then the first display or code', () => {
    expect(conceptText({ text: 'A', coding: [{ display: 'B' }] })).toBe('A');
    expect(conceptText({ coding: [{ code: 'X' }] })).toBe('X');
    expect(conceptText('nope')).toBeUndefined();
  });
});
