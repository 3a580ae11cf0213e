import { conformanceErrors } from '../../../datalake/test/fhir-conformance/validate';
import { capabilityStatement } from './capability';

describe('the CapabilityStatement', () => {
  const statement = capabilityStatement({
    baseUrl: 'https://custodia.example.org',
    version: '1.2.3',
    date: '2030-01-01T00:00:00.000Z',
  });

  it('is valid R4 (FHIR.js, the R4 schema, the R4 invariants)', () => {
    // R4 is 4.0.1; the R4 JSON schema the validator ships is the 4.0.0 edition, whose FHIRVersion enum stops at
    // 4.0.0 (its only complaint). Everything else is checked on the statement as served.
    expect(statement.fhirVersion).toBe('4.0.1');
    expect(conformanceErrors({ ...statement, fhirVersion: '4.0.0' })).toEqual([]);
  });

  it('lists exactly what the endpoint supports', () => {
    const rest = statement.rest?.[0];
    expect(
      rest?.resource?.map((resource) => [
        resource.type,
        resource.interaction?.map((each) => each.code) ?? [],
        resource.operation?.map((each) => each.name) ?? [],
      ]),
    ).toEqual([
      ['Patient', [], ['summary']],
      ['Consent', ['search-type'], []],
      ['AuditEvent', ['search-type'], []],
    ]);
    expect(statement.format).toEqual(['application/fhir+json', 'json']);
  });
});
