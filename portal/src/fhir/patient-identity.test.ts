import type { FhirBundle, FhirResource } from '../api/types';
import { patientIdentity } from './patient-identity';

const bundle = (...resources: FhirResource[]): FhirBundle => ({
  resourceType: 'Bundle',
  entry: resources.map((resource) => ({ resource })),
});

describe('the record’s patient', () => {
  it('names the person by their official name and birth date', () => {
    expect(
      patientIdentity(
        bundle(
          { resourceType: 'Composition' },
          {
            resourceType: 'Patient',
            name: [
              { use: 'nickname', given: ['Annie'] },
              { use: 'official', family: 'Keller', given: ['Anna', 'Maria'] },
            ],
            birthDate: '1981-03-14',
          },
        ),
      ),
    ).toEqual({ name: 'Anna Maria Keller', birthDate: '1981-03-14' });
    expect(patientIdentity(bundle({ resourceType: 'Patient', name: [{ text: 'Marco Bianchi' }] }))).toEqual({
      name: 'Marco Bianchi',
    });
  });

  it('gives nothing for a record identified by pseudonym only, or a malformed name', () => {
    expect(
      patientIdentity(bundle({ resourceType: 'Patient', identifier: [{ value: 'pt-x' }] })),
    ).toBeUndefined();
    expect(patientIdentity(bundle({ resourceType: 'Patient', name: 'Anna' }))).toBeUndefined();
    expect(patientIdentity(bundle({ resourceType: 'Observation' }))).toBeUndefined();
  });
});
