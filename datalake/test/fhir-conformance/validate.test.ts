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

describe('profile constraints catch what they claim to', () => {
  it('an IPS document without patient birth date, with a dangling reference and a non-IPS section', () => {
    const bundle = {
      resourceType: 'Bundle',
      identifier: { system: 'urn:x', value: '1' },
      type: 'document',
      timestamp: '2026-01-01T00:00:00Z',
      entry: [
        {
          fullUrl: 'urn:uuid:00000000-0000-4000-8000-000000000001',
          resource: {
            resourceType: 'Composition',
            id: '00000000-0000-4000-8000-000000000001',
            status: 'final',
            type: { coding: [{ system: 'http://loinc.org', code: '60591-5' }] },
            subject: { reference: 'urn:uuid:00000000-0000-4000-8000-000000000002' },
            date: '2026-01-01T00:00:00Z',
            author: [{ reference: 'Practitioner/elsewhere' }],
            title: 'x',
            section: [
              {
                title: 'Documents',
                code: { coding: [{ system: 'http://loinc.org', code: '11503-0' }] },
                text: {
                  status: 'generated',
                  div: '<div xmlns="http://www.w3.org/1999/xhtml">1 entries</div>',
                },
              },
            ],
          },
        },
        {
          fullUrl: 'urn:uuid:00000000-0000-4000-8000-000000000002',
          resource: { resourceType: 'Patient', id: 'other', name: [{ family: 'Keller' }] },
        },
      ],
    };
    const errors = conformanceErrors(bundle, ['ips']).join('\n');
    expect(errors).toContain('Patient-uv-ips: name 1..*, birthDate 1..1');
    expect(errors).toContain('Composition-uv-ips: sectionProblems 1..1');
    expect(errors).toContain('custodia-ips-sections');
    expect(errors).toContain('custodia-ips-ids');
    expect(errors).toContain(
      'unresolved reference: Bundle.entry[0].resource.author[0] → Practitioner/elsewhere',
    );
  });

  it('a BALP AuthZconsent event without its authorizer', () => {
    const event = {
      resourceType: 'AuditEvent',
      type: { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110113' },
      subtype: [
        { system: 'https://profiles.ihe.net/ITI/BALP/CodeSystem/AuthZsubType', code: 'AuthZ-Consent' },
      ],
      action: 'E',
      recorded: '2026-01-01T00:00:00Z',
      outcome: '0',
      agent: [
        {
          type: { coding: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110150' }] },
          requestor: false,
        },
      ],
      source: { observer: { display: 'ledger' } },
      entity: [{ what: { reference: 'Patient/p1' } }],
    };
    const errors = conformanceErrors(event, ['balp-authz-consent']).join('\n');
    expect(errors).toContain('AuthZconsent: agent[authorizer] 1..1');
    expect(errors).toContain('AuthZconsent: entity[patient] 1..1');
  });
});
