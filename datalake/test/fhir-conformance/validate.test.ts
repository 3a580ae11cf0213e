import { conformanceErrors } from './validate';

/** The validators themselves must catch what they claim to (a validator that passes everything is no check). */
describe('independent FHIR validation', () => {
  const patient = {
    resourceType: 'Patient',
    id: 'p1',
    text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml"><p>Anna Keller</p></div>' },
    name: [{ family: 'Keller', given: ['Anna'] }],
    birthDate: '1981-03-14',
  };

  it('accepts a valid resource', () => {
    expect(conformanceErrors(patient)).toEqual([]);
  });

  it('catches structure, data type, invariant and narrative errors', () => {
    const bad = {
      ...patient,
      gender: 'bogus',
      unknownElement: 1,
      text: {
        status: 'generated',
        div: '<div xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></div>',
      },
      contact: [{ period: { start: '2020-02-01', end: '2020-01-01' } }],
    };
    const errors = conformanceErrors(bad).join('\n');
    expect(errors).toMatch(/FHIR.js: .*gender/);
    expect(errors).toMatch(/schema: /);
    expect(errors).toMatch(/invariant per-1/);
    expect(errors).toMatch(/txt-1: element <script> is not allowed/);
  });
});
