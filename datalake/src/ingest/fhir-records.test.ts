import type { Bundle, Resource } from '@medplum/fhirtypes';
import { CATEGORY_TAG_SYSTEM } from './categories';
import { planFhirRecords } from './fhir-records';
import { ACT_CODE_SYSTEM, CONFIDENTIALITY_SYSTEM } from '../labelling';

const now = new Date('2030-03-04T05:06:07Z');
const P = { reference: 'Patient/p1' };
const observationCategory = (code: string) => [
  { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code }] },
];

describe('planning records from a FHIR upload', () => {
  it('derives IPS categories from resource types and codes', () => {
    const cases: Array<[Resource, string[]]> = [
      [{ resourceType: 'AllergyIntolerance', patient: P }, ['allergies']],
      [{ resourceType: 'MedicationStatement', status: 'active', subject: P }, ['medications']],
      [{ resourceType: 'Condition', subject: P }, ['problems']],
      [{ resourceType: 'Immunization', status: 'completed', vaccineCode: {}, patient: P }, ['immunizations']],
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
      [{ resourceType: 'Procedure', status: 'completed', subject: P }, ['procedures']],
      [{ resourceType: 'DeviceUseStatement', status: 'active', subject: P, device: {} }, ['devices']],
      [{ resourceType: 'CarePlan', status: 'active', intent: 'plan', subject: P }, ['care-plan']],
      [{ resourceType: 'DocumentReference', status: 'current', content: [] }, ['documents']],
    ];
    for (const [resource, categories] of cases) {
      expect({
        type: resource.resourceType,
        categories: planFhirRecords(resource, 's', now, 'p1').records[0]?.categories,
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
      'p1',
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
        { resource: { resourceType: 'AllergyIntolerance', id: 'a', patient: P } },
        {
          resource: {
            resourceType: 'Condition',
            id: 'c',
            subject: P,
            meta: { security: [{ system: ACT_CODE_SYSTEM, code: 'HIV' }] },
          },
        },
      ],
    };
    const plan = planFhirRecords(bundle, 'visit-9', now, 'p1');
    expect(plan.records.map((r) => [r.sourceId, r.categories, r.labels])).toEqual([
      ['visit-9/AllergyIntolerance/a', ['allergies'], []],
      ['visit-9/Condition/c', ['problems'], ['HIV']],
    ]);
    expect(plan.skipped).toEqual([{ index: 0, resourceType: 'Patient', reason: 'no-category' }]);
    expect(plan.records[0]?.effectiveDate).toBe('2030-03-04');
  });

  it('refuses an upload with nothing to categorise', () => {
    expect(() => planFhirRecords({ resourceType: 'Patient' }, 's', now, 'p1')).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });
});

describe('subject binding', () => {
  const plan = (resource: Resource) => () => planFhirRecords(resource, 'up', now, 'patient-anna');
  const issuesOf = (run: () => unknown): unknown => {
    try {
      run();
    } catch (error) {
      return {
        code: (error as { code?: string }).code,
        issues: (error as { details?: { issues?: unknown } }).details?.issues,
      };
    }
    return 'accepted';
  };
  const condition = (extra: Record<string, unknown>): Resource =>
    ({ resourceType: 'Condition', code: { text: 'c' }, ...extra }) as Resource;

  it('refuses a resource about another patient, naming the element but not the value', () => {
    expect(issuesOf(plan(condition({ subject: { reference: 'Patient/patient-marco' } })))).toEqual({
      code: 'WRONG_PATIENT',
      issues: [{ element: 'Condition.subject', reason: 'not-this-patient' }],
    });
    expect(
      JSON.stringify(issuesOf(plan(condition({ subject: { reference: 'Patient/patient-marco' } })))),
    ).not.toContain('marco');
  });

  it('refuses the attacker’s ways round it: absolute URLs, identifiers, contained patients, other elements', () => {
    const attempts: Record<string, unknown>[] = [
      { subject: { reference: 'https://other.example/fhir/Patient/patient-anna' } },
      { subject: { identifier: { system: 'urn:x', value: 'patient-anna' } } },
      { subject: { display: 'Anna' } },
      { subject: { reference: '#p' }, contained: [{ resourceType: 'Patient', id: 'p' }] },
      { subject: { reference: 'Patient/patient-anna' }, asserter: { reference: 'Patient/patient-marco' } },
      {
        subject: { reference: 'Patient/patient-anna' },
        contained: [
          {
            resourceType: 'Observation',
            id: 'o',
            status: 'final',
            code: {},
            subject: { reference: 'Patient/patient-marco' },
          },
        ],
      },
      { subject: { reference: 'Patient/patient-anna/_history/1/../../patient-marco' } },
    ];
    for (const extra of attempts)
      expect({ extra, outcome: (issuesOf(plan(condition(extra))) as { code?: string }).code }).toEqual({
        extra,
        outcome: 'WRONG_PATIENT',
      });
  });

  it('accepts the patient’s own ledger reference and, in a Bundle, their own Patient entry', () => {
    expect(issuesOf(plan(condition({ subject: { reference: 'Patient/patient-anna' } })))).toBe('accepted');
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { fullUrl: 'urn:uuid:p', resource: { resourceType: 'Patient', id: 'local-7' } },
        { fullUrl: 'urn:uuid:c1', resource: condition({ subject: { reference: 'urn:uuid:p' } }) },
        { fullUrl: 'urn:uuid:c2', resource: condition({ subject: { reference: 'Patient/local-7' } }) },
        { fullUrl: 'urn:uuid:c3', resource: condition({ subject: { reference: 'Patient/patient-anna' } }) },
      ],
    };
    expect(issuesOf(plan(bundle))).toBe('accepted');
  });

  it('refuses a Bundle with a second patient and names every entry about them', () => {
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { fullUrl: 'urn:uuid:p', resource: { resourceType: 'Patient' } },
        { fullUrl: 'urn:uuid:q', resource: { resourceType: 'Patient' } },
        { fullUrl: 'urn:uuid:c1', resource: condition({ subject: { reference: 'urn:uuid:p' } }) },
        { fullUrl: 'urn:uuid:c2', resource: condition({ subject: { reference: 'urn:uuid:q' } }) },
      ],
    };
    expect(issuesOf(plan(bundle))).toEqual({
      code: 'WRONG_PATIENT',
      issues: [
        { index: 1, fullUrl: 'urn:uuid:q', element: 'Patient', reason: 'second-patient' },
        { index: 3, fullUrl: 'urn:uuid:c2', element: 'Condition.subject', reason: 'not-this-patient' },
      ],
    });
  });
});
