import type { Bundle, Resource } from '@medplum/fhirtypes';
import { CATEGORY_TAG_SYSTEM } from './categories';
import { planFhirRecords } from './fhir-records';
import { ACT_CODE_SYSTEM, CONFIDENTIALITY_SYSTEM } from '../labelling';

const now = new Date('2030-03-04T05:06:07Z');
const observationCategory = (code: string) => [
  { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code }] },
];

describe('planning records from a FHIR upload', () => {
  it('derives IPS categories from resource types and codes', () => {
    const cases: Array<[Resource, string[]]> = [
      [{ resourceType: 'AllergyIntolerance', patient: {} }, ['allergies']],
      [{ resourceType: 'MedicationStatement', status: 'active', subject: {} }, ['medications']],
      [{ resourceType: 'Condition', subject: {} }, ['problems']],
      [
        { resourceType: 'Immunization', status: 'completed', vaccineCode: {}, patient: {} },
        ['immunizations'],
      ],
      [
        {
          resourceType: 'Observation',
          status: 'final',
          code: {},
          category: observationCategory('vital-signs'),
        },
        ['vital-signs'],
      ],
      [
        {
          resourceType: 'Observation',
          status: 'final',
          code: {},
          category: observationCategory('laboratory'),
        },
        ['results'],
      ],
      [
        {
          resourceType: 'Observation',
          status: 'final',
          code: { coding: [{ system: 'http://loinc.org', code: '82810-3' }] },
        },
        ['pregnancy'],
      ],
      [
        {
          resourceType: 'DiagnosticReport',
          status: 'final',
          code: {},
          category: [{ coding: [{ code: 'RAD' }] }],
        },
        ['imaging'],
      ],
      [{ resourceType: 'Procedure', status: 'completed', subject: {} }, ['procedures']],
      [{ resourceType: 'DeviceUseStatement', status: 'active', subject: {}, device: {} }, ['devices']],
      [{ resourceType: 'CarePlan', status: 'active', intent: 'plan', subject: {} }, ['care-plan']],
      [{ resourceType: 'DocumentReference', status: 'current', content: [] }, ['documents']],
    ];
    for (const [resource, categories] of cases) {
      expect({
        type: resource.resourceType,
        categories: planFhirRecords(resource, 's', now).records[0]?.categories,
      }).toEqual({
        type: resource.resourceType,
        categories,
      });
    }
  });

  it('takes explicit category tags over derivation, keeps known labels and fails closed on unknown ones', () => {
    const plan = planFhirRecords(
      {
        resourceType: 'Observation',
        status: 'final',
        code: {},
        effectiveDateTime: '2029-05',
        meta: {
          tag: [{ system: CATEGORY_TAG_SYSTEM, code: 'social-history' }],
          security: [
            { system: ACT_CODE_SYSTEM, code: 'PSY' },
            { system: CONFIDENTIALITY_SYSTEM, code: 'R' },
            { system: 'http://example.org/other', code: 'X' },
          ],
        },
      },
      'src-1',
      now,
    );
    expect(plan.records[0]).toMatchObject({
      categories: ['social-history'],
      labels: ['R', 'V', 'PSY'],
      unrecognisedLabels: ['http://example.org/other|X'],
      effectiveDate: '2029-05-01',
      sourceId: 'src-1',
    });
  });

  it('splits a Bundle into one record per categorised entry and reports the rest', () => {
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { resource: { resourceType: 'Patient', id: 'p' } },
        { resource: { resourceType: 'AllergyIntolerance', id: 'a', patient: {} } },
        {
          resource: {
            resourceType: 'Condition',
            id: 'c',
            subject: {},
            meta: { security: [{ system: ACT_CODE_SYSTEM, code: 'HIV' }] },
          },
        },
      ],
    };
    const plan = planFhirRecords(bundle, 'visit-9', now);
    expect(plan.records.map((r) => [r.sourceId, r.categories, r.labels])).toEqual([
      ['visit-9/AllergyIntolerance/a', ['allergies'], []],
      ['visit-9/Condition/c', ['problems'], ['HIV']],
    ]);
    expect(plan.skipped).toEqual([{ index: 0, resourceType: 'Patient', reason: 'no-category' }]);
    expect(plan.records[0]?.effectiveDate).toBe('2030-03-04');
  });

  it('refuses an upload with nothing to categorise', () => {
    expect(() => planFhirRecords({ resourceType: 'Patient' }, 's', now)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });
});
