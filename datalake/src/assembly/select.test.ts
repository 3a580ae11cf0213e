import type { RecordDocument } from '../zones/record-document';
import { releasedCategories } from './select';

const base = {
  schema: 2,
  version: 1,
  recordId: 'rec-1',
  patientId: 'p-1',
  organisation: 'HospitalA',
  country: 'DE',
  kind: 'fhir',
  resourceType: 'Observation',
  effectiveDate: '2030-01-01',
  contentHash: 'a'.repeat(64),
  resource: {
    objectId: 'obj-00000001',
    contentType: 'application/fhir+json',
    size: 1,
    sha256: 'b'.repeat(64),
  },
  state: 'published',
  createdAt: '2030-01-01T00:00:00.000Z',
} as const;

function doc(overrides: Partial<RecordDocument>): RecordDocument {
  return { ...base, categories: ['results'], labels: [], ...overrides };
}

describe('record release', () => {
  const grant = {
    patientId: 'p-1',
    granted: [
      { category: 'results' as const, labels: ['PSY' as const] },
      { category: 'imaging' as const, labels: [] },
    ],
  };

  it('releases under a granted category when the grant names every label of the record', () => {
    expect(releasedCategories(doc({}), grant)).toEqual(['results']);
    expect(releasedCategories(doc({ labels: ['PSY'] }), grant)).toEqual(['results']);
    expect(releasedCategories(doc({ labels: ['PSY', 'HIV'] }), grant)).toEqual([]);
    expect(releasedCategories(doc({ categories: ['problems'] }), grant)).toEqual([]);
  });

  it('releases a record of several categories only when every one of them is granted (issue #11, 5)', () => {
    expect(releasedCategories(doc({ categories: ['results', 'imaging'] }), grant)).toEqual([
      'results',
      'imaging',
    ]);
    // `problems` granted, `documents` denied: the record carries both, so it is withheld.
    const problemsOnly = {
      patientId: 'p-1',
      granted: [{ category: 'problems' as const, labels: [] }],
    };
    expect(releasedCategories(doc({ categories: ['problems', 'documents'] }), problemsOnly)).toEqual([]);
  });

  it('withholds a labelled record unless the label is released for each of its categories', () => {
    // PSY is released for results only: an imaging + results record carrying PSY stays withheld.
    expect(releasedCategories(doc({ categories: ['results', 'imaging'], labels: ['PSY'] }), grant)).toEqual(
      [],
    );
  });

  it("never releases another patient's or an unpublished record", () => {
    expect(releasedCategories(doc({ patientId: 'p-2' }), grant)).toEqual([]);
    expect(releasedCategories(doc({ state: 'pending' }), grant)).toEqual([]);
  });
});
