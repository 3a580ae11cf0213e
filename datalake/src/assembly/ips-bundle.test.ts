import type { Bundle, Composition, DocumentReference, Patient, Resource } from '@medplum/fhirtypes';
import type { Label } from '@custodia/chaincode';
import { conformanceErrors } from '../../test/fhir-conformance/validate';
import type { RecordDocument } from '../zones/record-document';
import { buildPatientSummary } from './ips-bundle';
import type { ContextResource, SummaryInput, SummaryRecord } from './ips-bundle';
import type { PatientIdentification } from './patient';

const PATIENT = 'pt-7f3a9c';
const hash = (n: number) => String(n).repeat(64).slice(0, 64);
const ANNA: PatientIdentification = {
  given: ['Anna', 'Maria'],
  family: 'Keller',
  birthDate: '1981-03-14',
  gender: 'female',
  identifiers: [{ system: 'http://fhir.de/sid/gkv/kvid-10', value: 'A123456789' }],
};

function record(
  recordId: string,
  categories: RecordDocument['categories'],
  labels: RecordDocument['labels'],
  resource: Resource,
  options: { binary?: boolean; organisation?: string } = {},
): SummaryRecord {
  const ref = {
    objectId: `obj-${recordId}-0000`,
    contentType: 'application/fhir+json',
    size: 100,
    sha256: hash(1),
  };
  return {
    document: {
      schema: 2,
      version: 2,
      recordId,
      patientId: PATIENT,
      organisation: options.organisation ?? 'HospitalAMSP',
      country: 'DE',
      kind: options.binary === true ? 'binary' : 'fhir',
      resourceType: resource.resourceType,
      categories,
      labels,
      effectiveDate: '2030-01-01',
      contentHash: hash(2),
      resource: ref,
      ...(options.binary === true
        ? { binary: { ...ref, contentType: 'application/pdf', size: 123456 } }
        : {}),
      state: 'published',
      createdAt: '2030-01-01T00:00:00.000Z',
    },
    resource,
    ...(options.binary === true ? { binaryUrl: '/api/v1/grants/g-1/binaries/rec-doc?expires=1&sig=x' } : {}),
  };
}

const subject = { reference: 'Patient/hospital-local-123', display: 'Keller, Anna' };
const allergy = record('rec-allergy', ['allergies'], [], {
  resourceType: 'AllergyIntolerance',
  id: 'a1',
  clinicalStatus: {
    coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }],
  },
  code: {
    coding: [{ system: 'http://snomed.info/sct', code: '91936005', display: 'Allergy to penicillin' }],
  },
  patient: subject,
  recorder: { reference: 'Practitioner/p1', display: 'Dr. Right (source display)' },
});
const labResult = record('rec-lab', ['results'], [], {
  resourceType: 'Observation',
  id: 'o1',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '718-7', display: 'Hemoglobin' }] },
  subject,
  valueQuantity: { value: 13.2, unit: 'g/dL', system: 'http://unitsofmeasure.org', code: 'g/dL' },
  // The HIV result it cites is not released: neither its id nor its display may appear.
  derivedFrom: [{ reference: 'Observation/hiv-test-result', display: 'HIV-1 RNA viral load' }],
  performer: [{ reference: 'Organization/lab-9' }],
});
const hivResult = record('rec-hiv', ['results'], ['HIV'], {
  resourceType: 'Observation',
  id: 'hiv-test-result',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '7917-8', display: 'HIV 1 Ab' }] },
  subject,
  valueString: 'reactive',
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
    type: { coding: [{ system: 'http://loinc.org', code: '18842-5', display: 'Discharge summary' }] },
    subject,
    content: [
      { attachment: { contentType: 'application/pdf', data: 'JVBERi0=', title: 'Discharge letter' } },
    ],
  },
  { binary: true },
);

const practitioner = (organisation: string, family: string): ContextResource => ({
  organisation,
  resource: { resourceType: 'Practitioner', id: 'p1', name: [{ family, given: ['Eva'] }] },
});
const context: ContextResource[] = [
  // Another hospital's practitioner with the same source id must never be taken for this one.
  practitioner('HospitalBMSP', 'Wrong'),
  practitioner('HospitalAMSP', 'Right'),
  {
    organisation: 'HospitalAMSP',
    resource: { resourceType: 'Organization', id: 'lab-9', name: 'Central laboratory' },
  },
  // Not a provenance resource: a clinical record the grant did not release, given as context by mistake.
  {
    organisation: 'HospitalAMSP',
    resource: { resourceType: 'Encounter', id: 'e1', status: 'finished', class: { code: 'IMP' } },
  },
];

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
  patient: ANNA,
  context,
  publicBaseUrl: 'https://custodia.example.org/',
};

const compositionOf = (bundle: Bundle) => bundle.entry?.[0]?.resource as Composition;
const resources = (bundle: Bundle) => (bundle.entry ?? []).map((entry) => entry.resource as Resource);
const ofType = <T extends Resource>(bundle: Bundle, type: T['resourceType']) =>
  resources(bundle).filter((resource): resource is T => resource.resourceType === type);

function sectionsOf(bundle: Bundle): Record<string, { refs: number; empty?: string }> {
  return Object.fromEntries(
    (compositionOf(bundle).section ?? []).map((section) => [
      section.code?.coding?.[0]?.code as string,
      {
        refs: section.entry?.length ?? 0,
        ...(section.emptyReason === undefined ? {} : { empty: section.emptyReason.coding?.[0]?.code }),
      },
    ]),
  );
}

describe('the temporary record as an IPS document', () => {
  const bundle = buildPatientSummary(input);

  it('passes FHIR.js, the R4 JSON schema, the R4 invariants and the IPS constraints with no error', () => {
    expect(conformanceErrors(bundle, ['ips'])).toEqual([]);
  });

  it('uses IPS section codes only: documents under History of Past Illness, withheld sections say so', () => {
    expect(sectionsOf(bundle)).toEqual({
      '48765-2': { refs: 1 }, // allergies
      '10160-0': { refs: 0, empty: 'notasked' }, // medications: IPS-required, not requested
      '11450-4': { refs: 0, empty: 'withheld' }, // problems: denied by the patient
      '11369-6': { refs: 0, empty: 'unavailable' }, // immunizations: granted, none held
      '30954-2': { refs: 1 }, // results: the lab result, not the HIV-labelled one
      '11348-0': { refs: 1 }, // documents: the discharge letter
    });
  });

  it('identifies the patient by name, birth date, gender and identifiers, and no source id of theirs', () => {
    const [patient] = ofType<Patient>(bundle, 'Patient');
    expect(patient).toMatchObject({
      name: [{ family: 'Keller', given: ['Anna', 'Maria'] }],
      birthDate: '1981-03-14',
      gender: 'female',
      identifier: [
        { system: 'urn:custodia:patient', value: PATIENT },
        { system: 'http://fhir.de/sid/gkv/kvid-10', value: 'A123456789' },
      ],
    });
    expect(patient?.text?.div).toContain('Anna Maria Keller');
    expect(JSON.stringify(bundle)).not.toContain('hospital-local-123');
    const observation = ofType(bundle, 'Observation')[0] as { subject?: { reference?: string } };
    expect(observation.subject).toEqual({ reference: bundle.entry?.[1]?.fullUrl });
  });

  it('releases only granted records whose labels the grant names, and nothing of the withheld ones', () => {
    const text = JSON.stringify(bundle);
    for (const withheld of [
      'hiv-test-result',
      'HIV-1 RNA',
      'HIV 1 Ab',
      'reactive',
      '"Condition"',
      'Encounter',
    ])
      expect(text).not.toContain(withheld);
    const observation = ofType(bundle, 'Observation')[0] as { derivedFrom?: unknown };
    expect(observation.derivedFrom).toEqual([{ display: 'Not included in this summary' }]);
  });

  it('gives every entry a new id that agrees with its fullUrl and resolves every reference inside the Bundle', () => {
    for (const entry of bundle.entry ?? []) expect(entry.fullUrl).toBe(`urn:uuid:${entry.resource?.id}`);
    const ids = JSON.stringify(bundle);
    for (const sourceId of ['"a1"', '"o1"', '"d1"', '"p1"', '"lab-9"']) expect(ids).not.toContain(sourceId);
  });

  it('includes the practitioner and organisation the released entries cite, from their own organisation only', () => {
    const practitioners = ofType(bundle, 'Practitioner') as { name?: { family?: string }[] }[];
    expect(practitioners.map((each) => each.name?.[0]?.family)).toEqual(['Right']);
    expect(ofType(bundle, 'Organization')).toHaveLength(1);
    const [allergyEntry] = ofType(bundle, 'AllergyIntolerance') as { recorder?: { reference?: string } }[];
    const practitionerUrl = bundle.entry?.find(
      (entry) => entry.resource?.resourceType === 'Practitioner',
    )?.fullUrl;
    expect(allergyEntry?.recorder?.reference).toBe(practitionerUrl);
  });

  it('gives binaries as a DocumentReference with an absolute short-lived link instead of their bytes', () => {
    const [doc] = ofType<DocumentReference>(bundle, 'DocumentReference');
    expect(doc?.content[0]?.attachment).toEqual({
      contentType: 'application/pdf',
      size: 123456,
      title: 'Discharge letter',
      url: 'https://custodia.example.org/api/v1/grants/g-1/binaries/rec-doc?expires=1&sig=x',
    });
  });

  it('labels Bundle and Composition with the confidentiality of what was released, DELAU and NORDSCLCD', () => {
    expect(bundle.meta?.security?.map((coding) => coding.code)).toEqual(['N', 'DELAU', 'NORDSCLCD']);
    expect(compositionOf(bundle).confidentiality).toBe('N');
    const withLabels = (labels: Label[]) =>
      buildPatientSummary({
        ...input,
        grant: { ...input.grant, granted: [{ category: 'results', labels }] },
        records: [{ ...hivResult, document: { ...hivResult.document, labels } }],
      });
    expect(compositionOf(withLabels(['HIV'])).confidentiality).toBe('R');
    expect(withLabels(['V', 'HIV']).meta?.security?.[0]?.code).toBe('V');
  });

  it('is deterministic for the same inputs', () => {
    expect(buildPatientSummary({ ...input, records: [...input.records].reverse() })).toEqual(bundle);
  });
});

describe('what a source cannot do to the record', () => {
  it('cannot put markup into the clinician’s viewer: narrative is generated and escaped', () => {
    const hostile = record('rec-hostile', ['allergies'], [], {
      resourceType: 'AllergyIntolerance',
      id: 'x1',
      text: {
        status: 'additional',
        div: '<div xmlns="http://www.w3.org/1999/xhtml"><p onclick="steal()">Seen by <b>Dr</b> &amp; team</p><script>steal()</script></div>',
      },
      clinicalStatus: { text: 'active' },
      code: { text: '<img src=x onerror="steal()">penicillin' },
      patient: subject,
    });
    const bundle = buildPatientSummary({ ...input, records: [hostile] });
    const divs = resources(bundle)
      .flatMap((each) => [each, ...((each as Composition).section ?? [])])
      .map((each) => (each as { text?: { div?: string } }).text?.div ?? '')
      .join('\n');
    // No element but the generated ones, no attribute carrying script.
    expect(divs).not.toMatch(/<(script|img)\b|<[^>]*\son\w+=/);
    expect(divs).toContain('&lt;img src=x onerror=&quot;steal()&quot;&gt;penicillin');
    expect(divs).toContain('Source narrative: Seen by Dr &amp; team');
    // The resource's own data is kept as data (a FHIR string), not as markup.
    expect(ofType(bundle, 'AllergyIntolerance')[0]).toMatchObject({
      code: { text: '<img src=x onerror="steal()">penicillin' },
    });
    expect(conformanceErrors(bundle, ['ips'])).toEqual([]);
  });

  it('cannot resolve a reference into another organisation’s resources or pull in unreleased records as context', () => {
    const fromB = record(
      'rec-b',
      ['allergies'],
      [],
      {
        resourceType: 'AllergyIntolerance',
        id: 'b1',
        clinicalStatus: { text: 'active' },
        code: { text: 'latex' },
        patient: subject,
        recorder: { reference: 'Practitioner/p-unknown' },
        encounter: { reference: 'Encounter/e1', display: 'Psychiatric admission' },
      } as Resource,
      { organisation: 'HospitalCMSP' },
    );
    const bundle = buildPatientSummary({ ...input, records: [fromB] });
    expect(ofType(bundle, 'Practitioner')).toEqual([]);
    expect(ofType(bundle, 'Encounter')).toEqual([]);
    expect(JSON.stringify(bundle)).not.toContain('Psychiatric admission');
    expect(conformanceErrors(bundle, ['ips'])).toEqual([]);
  });

  it('without the identification set, claims no IPS profile and names the patient by pseudonym only', () => {
    const bundle = buildPatientSummary({ ...input, patient: undefined });
    expect(bundle.meta?.profile).toBeUndefined();
    const [patient] = ofType<Patient>(bundle, 'Patient');
    expect(patient?.name).toBeUndefined();
    expect(patient?.identifier).toEqual([
      { use: 'secondary', system: 'urn:custodia:patient', value: PATIENT },
    ]);
    expect(conformanceErrors(bundle)).toEqual([]);
  });

  it('shows the IPS-required sections and the requested ones only, however much was withheld', () => {
    const bundle = buildPatientSummary({
      ...input,
      grant: { ...input.grant, requested: ['immunizations'], granted: [], denied: ['immunizations'] },
    });
    expect(Object.keys(sectionsOf(bundle))).toEqual(['48765-2', '10160-0', '11450-4', '11369-6']);
  });
});
