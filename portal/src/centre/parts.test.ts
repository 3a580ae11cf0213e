import { isFhirJson, partRanges, sourceIdFor } from './parts';

describe('partRanges', () => {
  it('cuts a file into 0-based parts of the gateway’s size, the last one shorter', () => {
    expect(partRanges(10, 4)).toEqual([
      { index: 0, start: 0, end: 4 },
      { index: 1, start: 4, end: 8 },
      { index: 2, start: 8, end: 10 },
    ]);
    expect(partRanges(8, 4)).toHaveLength(2);
    expect(() => partRanges(8, 0)).toThrow(RangeError);
  });
});

describe('sourceIdFor', () => {
  it('gives the same file the same id, within the characters the gateway accepts', () => {
    const file = { name: 'Scan (2) é.pdf', size: 12, lastModified: 1700000000000 };
    expect(sourceIdFor(file)).toBe('portal:Scan-2-.pdf:12:1700000000000');
    expect(sourceIdFor(file)).toMatch(/^[A-Za-z0-9][A-Za-z0-9._:/#@-]*$/);
    expect(sourceIdFor({ ...file, name: '...' })).toBe('portal:file:12:1700000000000');
  });
});

describe('isFhirJson', () => {
  it('recognises FHIR JSON by type or extension', () => {
    expect(isFhirJson({ name: 'a.JSON', type: '' })).toBe(true);
    expect(isFhirJson({ name: 'a', type: 'application/fhir+json' })).toBe(true);
    expect(isFhirJson({ name: 'scan.pdf', type: 'application/pdf' })).toBe(false);
  });
});
