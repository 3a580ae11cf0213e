import type { ReadableEntry, ReadableSection } from './readable';
import { mergeDuplicates, newestFirst, recordOverview } from './record-overview';

const allergy = (source?: string, date = '2025-03-01'): ReadableEntry => ({
  resourceType: 'AllergyIntolerance',
  title: 'Allergy to penicillin',
  details: [{ kind: 'criticality', code: 'high' }],
  date,
  ...(source ? { source } : {}),
});

describe('mergeDuplicates', () => {
  it('shows the same content from two sources once, with both sources', () => {
    const merged = mergeDuplicates([
      allergy('urn:custodia:HospitalDEMSP'),
      allergy('urn:custodia:HospitalFRMSP'),
      allergy('urn:custodia:HospitalDEMSP'),
    ]);
    expect(merged).toHaveLength(1);
    expect(merged[0]).toMatchObject({
      sources: ['urn:custodia:HospitalDEMSP', 'urn:custodia:HospitalFRMSP'],
      copies: 3,
    });
  });

  it('keeps entries apart when anything shown differs', () => {
    expect(
      mergeDuplicates([allergy(undefined, '2025-03-01'), allergy(undefined, '2025-04-01')]),
    ).toHaveLength(2);
    expect(
      mergeDuplicates([allergy(), { ...allergy(), details: [{ kind: 'criticality', code: 'low' }] }]),
    ).toHaveLength(2);
  });
});

describe('newestFirst', () => {
  it('sorts by date, newest first, dates and instants alike, undated last in document order', () => {
    const entries = [
      { ...allergy(), title: 'undated-1', date: undefined },
      allergy(undefined, '2024-01-01'),
      { ...allergy(undefined, '2026-02-01T10:00:00Z'), title: 'newest' },
      { ...allergy(), title: 'undated-2', date: undefined },
      allergy(undefined, '2025-06-30'),
    ];
    expect(newestFirst(entries).map((e) => e.date ?? e.title)).toEqual([
      '2026-02-01T10:00:00Z',
      '2025-06-30',
      '2024-01-01',
      'undated-1',
      'undated-2',
    ]);
  });
});

describe('recordOverview', () => {
  it('keeps sections with entries and sums up the empty ones by why they are empty', () => {
    const sections: ReadableSection[] = [
      { category: 'allergies', title: 'Allergies', entries: [allergy('a'), allergy('b')] },
      { category: 'results', title: 'Results', entries: [], emptyReason: 'withheld' },
      { category: 'procedures', title: 'Procedures', entries: [], emptyReason: 'withheld' },
      { category: 'problems', title: 'Problems', entries: [], emptyReason: 'notasked' },
      { category: 'devices', title: 'Devices', entries: [] },
    ];
    const overview = recordOverview(sections);
    expect(overview.sections.map((s) => [s.category, s.entries.length])).toEqual([['allergies', 1]]);
    expect(overview.empty.withheld.map((s) => s.category)).toEqual(['results', 'procedures']);
    expect(overview.empty.notasked.map((s) => s.category)).toEqual(['problems']);
    expect(overview.empty.unavailable.map((s) => s.category)).toEqual(['devices']);
  });
});
