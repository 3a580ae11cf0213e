import type { Resource } from '@medplum/fhirtypes';
import { CATEGORIES, ROLES } from '@custodia/chaincode';
import {
  buildPatientSummary,
  categoriesOf,
  decideLabels,
  loadFhirDefinitions,
  planFhirRecords,
  validateFhir,
} from '@custodia/datalake';
import type { SummaryRecord } from '@custodia/datalake';
import { conformanceErrors } from '../../../datalake/test/fhir-conformance/validate';
import { pseudonym } from '../../../network/test/fixtures/test-network';
import { DEMO_USERS, demoBundle, demoDocument } from './demo-data';

const PATIENT = `pt-${'a'.repeat(26)}`;

describe('demo data', () => {
  beforeAll(() => loadFhirDefinitions());

  it('is valid FHIR that the data lake files under every IPS category', () => {
    const plan = planFhirRecords(validateFhir(demoBundle(PATIENT)), 'demo', new Date(), PATIENT);
    expect(plan.skipped).toEqual([]);
    const document = validateFhir(demoDocument(PATIENT).documentReference);
    const covered = new Set([
      ...plan.records.flatMap((record) => record.categories),
      ...categoriesOf(document),
    ]);
    expect([...covered].sort()).toEqual([...CATEGORIES].sort());
    expect(plan.records.some((record) => record.labels.includes('PSY'))).toBe(true);
  });

  it('has a user of every role, with unique logins and staff ledger ids; patients get theirs when created', () => {
    expect(new Set(DEMO_USERS.map((user) => user.role))).toEqual(new Set(ROLES));
    expect(new Set(DEMO_USERS.map((user) => user.username)).size).toBe(DEMO_USERS.length);
    const staff = DEMO_USERS.filter((user) => user.role !== 'patient');
    expect(new Set(staff.map((user) => user.ledgerId)).size).toBe(staff.length);
    expect(DEMO_USERS.filter((user) => user.role === 'patient' && user.ledgerId !== undefined)).toEqual([]);
  });
});

describe('the demo patients’ temporary records', () => {
  beforeAll(() => loadFhirDefinitions());

  const hash = '0'.repeat(64);
  const ref = { objectId: 'obj-demo-0000', contentType: 'application/fhir+json', size: 1, sha256: hash };
  const recordsOf = (patientId: string): SummaryRecord[] => {
    const plan = planFhirRecords(
      validateFhir(demoBundle(patientId)),
      'demo',
      new Date('2026-10-01T00:00:00Z'),
      patientId,
    );
    const doc = validateFhir(demoDocument(patientId).documentReference);
    const planned = [
      ...plan.records.map((each) => ({
        ...each,
        resource: JSON.parse(each.content.toString('utf8')) as Resource,
      })),
      {
        sourceId: 'demo-doc',
        resourceType: 'DocumentReference',
        categories: categoriesOf(doc),
        labels: decideLabels(doc).labels,
        effectiveDate: '2026-02-11',
        resource: doc,
      },
    ];
    return planned.map((each, index) => ({
      document: {
        schema: 2,
        version: 2,
        recordId: `rec-demo-${index}`,
        patientId,
        organisation: 'HospitalDEMSP',
        country: 'DE',
        kind: each.resourceType === 'DocumentReference' ? 'binary' : 'fhir',
        resourceType: each.resourceType,
        categories: each.categories,
        labels: each.labels,
        effectiveDate: each.effectiveDate,
        contentHash: hash,
        resource: ref,
        ...(each.resourceType === 'DocumentReference'
          ? { binary: { ...ref, contentType: 'application/pdf', size: 200 } }
          : {}),
        state: 'published',
        createdAt: '2026-10-01T00:00:00.000Z',
      },
      resource: each.resource,
      ...(each.resourceType === 'DocumentReference'
        ? { binaryUrl: '/api/v1/grants/g/binaries/r?expires=1&sig=s' }
        : {}),
    }));
  };

  it.each(DEMO_USERS.filter((user) => user.role === 'patient'))(
    'of $username passes every validator and shows the patient’s name and birth date',
    (user) => {
      // Demo patients get their pseudonym when the platform registers them; any will do here.
      const patientId = pseudonym(user.username);
      const bundle = buildPatientSummary({
        grant: {
          grantId: 'g-demo',
          patientId,
          requested: [...CATEGORIES],
          granted: CATEGORIES.map((category) => ({ category, labels: ['PSY' as const] })),
          denied: [],
        },
        records: recordsOf(patientId),
        assembledAt: new Date('2026-10-02T00:00:00Z'),
        patient: user.person,
        publicBaseUrl: 'https://custodia.example.org',
      });
      expect(conformanceErrors(bundle, ['ips'])).toEqual([]);
      const patient = bundle.entry?.[1]?.resource as { name?: unknown; birthDate?: string };
      expect(patient.name).toEqual([
        { use: 'official', family: user.person?.family, given: user.person?.given },
      ]);
      expect(patient.birthDate).toBe(user.person?.birthDate);
    },
  );
});
