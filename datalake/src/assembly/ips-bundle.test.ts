import type { Bundle, Composition, DocumentReference, Resource } from '@medplum/fhirtypes';
import { validateFhir } from '../ingest/fhir-validation';
import type { RecordDocument } from '../zones/record-document';
import { buildPatientSummary } from './ips-bundle';
import type { SummaryInput, SummaryRecord } from './ips-bundle';

const PATIENT = 'patient-1';
const hash = (n: number) => String(n).repeat(64).slice(0, 64);

function record(
  recordId: string,
  categories: RecordDocument['categories'],
  labels: RecordDocument['labels'],
  resource: Resource,
  binary = false,
): SummaryRecord {
  const ref = {
    objectId: `obj-${recordId}-0000`,
    contentType: 'application/fhir+json',
    size: 100,
    sha256: hash(1),
  };
  return {
    document: {
      schema: 1,
      recordId,
      patientId: PATIENT,
      organisation: 'HospitalA',
      country: 'DE',
      sourceId: `src-${recordId}`,
      kind: binary ? 'binary' : 'fhir',
      resourceType: resource.resourceType,
      categories,
      labels,
      effectiveDate: '2030-01-01',
      contentHash: hash(2),
      resource: ref,
      ...(binary ? { binary: { ...ref, contentType: 'application/pdf', size: 123456 } } : {}),
      state: 'published',
      createdAt: '2030-01-01T00:00:00.000Z',
    },
    resource,
    ...(binary ? { binaryUrl: 'https://lake.example/v1/grants/g-1/binaries/rec-doc?expires=1&sig=x' } : {}),
  };
}

const subject = { reference: 'Patient/hospital-local-123' };
const allergy = record('rec-allergy', ['allergies'], [], {
  resourceType: 'AllergyIntolerance',
  id: 'a1',
  clinicalStatus: {
    coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }],
  },
  code: { coding: [{ system: 'http://snomed.info/sct', code: '91936005' }] },
  patient: subject,
});
const labResult = record('rec-lab', ['results'], [], {
  resourceType: 'Observation',
  id: 'o1',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '718-7' }] },
  subject,
});
const hivResult = record('rec-hiv', ['results'], ['HIV'], {
  resourceType: 'Observation',
  id: 'hiv-test-result',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '7917-8' }] },
  subject,
});
const problem = record('rec-problem', ['problems'], [], {
  resourceType: 'Condition',
  id: 'c1',
  code: { text: 'condition' },
  subject,
});
const scan = record(
  'rec-doc',
  ['documents'],
  [],
  {
    resourceType: 'DocumentReference',
    id: 'd1',
    status: 'current',
    subject,
    content: [{ attachment: { contentType: 'application/pdf', data: 'JVBERi0=' } }],
  },
  true,
);

const input: SummaryInput = {
  grant: {
    grantId: 'g-1',
    patientId: PATIENT,
    requested: ['allergies', 'problems', 'immunizations', 'results', 'documents'],
    granted: [
      { category: 'allergies', labels: [] },
      { category: 'immunizations', labels: [] },
      { category: 'results', labels: [] },
      { category: 'documents', labels: [] },
    ],
    denied: ['problems'],
  },
  records: [scan, hivResult, problem, labResult, allergy],
  assembledAt: new Date('2030-02-01T12:00:00Z'),
};

function sectionsOf(bundle: Bundle): Record<string, { code?: string; empty?: string; refs: number }> {
  const composition = bundle.entry?.[0]?.resource as Composition;
  return Object.fromEntries(
    (composition.section ?? []).map((section) => [
      section.code?.coding?.[0]?.code as string,
      {
        refs: section.entry?.length ?? 0,
        ...(section.emptyReason === undefined ? {} : { empty: section.emptyReason.coding?.[0]?.code }),
      },
    ]),
  );
}

describe('IPS-shaped temporary record', () => {
  const bundle = buildPatientSummary(input);

  it('is a valid FHIR R4 document Bundle with the Composition first and the use obligations', () => {
    expect(() => validateFhir(bundle)).not.toThrow();
    expect(bundle.type).toBe('document');
    expect(bundle.meta?.security?.map((coding) => coding.code)).toEqual(['DELAU', 'NORDSCLCD']);
    const composition = bundle.entry?.[0]?.resource as Composition;
    expect(composition.resourceType).toBe('Composition');
    expect(composition.type.coding?.[0]).toMatchObject({ system: 'http://loinc.org', code: '60591-5' });
  });

  it('has a LOINC section per requested category; withheld sections are present and empty', () => {
    expect(sectionsOf(bundle)).toEqual({
      '48765-2': { refs: 1 }, // allergies
      '10160-0': { refs: 0, empty: 'notasked' }, // medications: IPS-required, not requested
      '11450-4': { refs: 0, empty: 'withheld' }, // problems: denied by the patient
      '11369-6': { refs: 0, empty: 'unavailable' }, // immunizations: granted, none held
      '30954-2': { refs: 1 }, // results: the lab result, not the HIV-labelled one
      '11503-0': { refs: 1 }, // documents
    });
  });

  it('releases only granted records whose labels the grant names', () => {
    const text = JSON.stringify(bundle);
    expect(text).not.toContain('hiv-test-result');
    expect(text).not.toContain('"Condition"');
    const types = bundle.entry?.map((entry) => entry.resource?.resourceType);
    expect(types).toEqual([
      'Composition',
      'Patient',
      'Device',
      'AllergyIntolerance',
      'DocumentReference',
      'Observation',
    ]);
  });

  it('names the patient only by the pseudonymous id and points every record at that patient', () => {
    const patient = bundle.entry?.[1];
    expect(patient?.resource).toEqual({
      resourceType: 'Patient',
      id: expect.any(String),
      identifier: [{ system: 'urn:custodia:patient', value: PATIENT }],
    });
    expect(JSON.stringify(bundle)).not.toContain('hospital-local-123');
    const observation = bundle.entry?.find((entry) => entry.resource?.resourceType === 'Observation');
    expect(observation?.resource).toMatchObject({ subject: { reference: patient?.fullUrl } });
  });

  it('gives binaries as a DocumentReference with a short-lived link instead of their bytes', () => {
    const doc = bundle.entry?.find((entry) => entry.resource?.resourceType === 'DocumentReference')
      ?.resource as DocumentReference;
    expect(doc.content[0]?.attachment).toEqual({
      contentType: 'application/pdf',
      size: 123456,
      url: scan.binaryUrl,
    });
  });

  it('is deterministic for the same inputs', () => {
    expect(buildPatientSummary({ ...input, records: [...input.records].reverse() })).toEqual(bundle);
  });
});
