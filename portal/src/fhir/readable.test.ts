import type { FhirBundle } from '../api/types';
import { conceptText, readableEntry, readableSections } from './readable';

describe('readableEntry', () => {
  it('reads the title, value, components, status and date of a resource', () => {
    expect(
      readableEntry({
        resourceType: 'Observation',
        status: 'final',
        code: { coding: [{ code: '85354-9', display: 'Blood pressure' }] },
        component: [
          { code: { text: 'Systolic' }, valueQuantity: { value: 138, unit: 'mm[Hg]' } },
          { code: { text: 'Diastolic' }, valueQuantity: { value: 85, unit: 'mm[Hg]' } },
        ],
        effectiveDateTime: '2026-09-14T08:00:00Z',
      }),
    ).toEqual({
      resourceType: 'Observation',
      id: undefined,
      title: 'Blood pressure',
      details: ['Systolic: 138 mm[Hg]', 'Diastolic: 85 mm[Hg]', 'final', '2026-09-14'],
    });
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
  it('follows the Composition’s sections, says why one is empty, and lists the rest under Other', () => {
    const bundle: FhirBundle = {
      resourceType: 'Bundle',
      entry: [
        {
          fullUrl: 'urn:c',
          resource: {
            resourceType: 'Composition',
            section: [
              { title: 'Problem List', entry: [{ reference: 'urn:p' }] },
              {
                title: 'Results',
                emptyReason: { coding: [{ code: 'withheld', display: 'Information Withheld' }] },
              },
            ],
          },
        },
        { fullUrl: 'urn:pt', resource: { resourceType: 'Patient' } },
        { fullUrl: 'urn:p', resource: { resourceType: 'Condition', code: { text: 'Hypertension' } } },
        { fullUrl: 'urn:x', resource: { resourceType: 'Procedure', code: { text: 'Appendectomy' } } },
      ],
    };
    expect(
      readableSections(bundle).map((s) => [s.title, s.entries.map((e) => e.title), s.emptyReason]),
    ).toEqual([
      ['Problem List', ['Hypertension'], undefined],
      ['Results', [], 'Information Withheld'],
      ['Other', ['Appendectomy'], undefined],
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
