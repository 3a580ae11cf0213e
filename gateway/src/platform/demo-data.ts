/**
 * The demo the first `npm start` seeds: three hospitals in three countries, patients, clinicians, a centre,
 * an auditor and an admin, rules, an emergency policy and synthetic FHIR records covering every IPS
 * category. Everything here is invented; the names exist only in the gateway's user store and the lake.
 */
import type { EmergencyPolicySpec, RuleSpec } from '@custodia/chaincode';
import type { User } from '../identity/user';

/**
 * A demo user. Staff have fixed ledger ids (Anna's rules name Dr. Weber's); patients have none here: like every
 * patient, they get a generated pseudonym when they are created, which the seed keeps with the demo logins.
 */
export type DemoUser = Pick<User, 'username' | 'displayName' | 'role' | 'mspId' | 'country'> &
  Pick<Partial<User>, 'ledgerId' | 'email' | 'person'>;

/** What people call the demo's hospitals (the directory's organisation names; never on the ledger). */
export const DEMO_ORGANISATION_NAMES: Readonly<Record<string, string>> = {
  HospitalDEMSP: 'Klinikum Berlin-Mitte',
  HospitalFRMSP: 'Hôpital Saint-Louis Lyon',
  HospitalITMSP: 'Ospedale San Carlo Milano',
};

export const DEMO_PASSWORD = 'custodia-demo-2026';

export const DEMO_USERS: readonly DemoUser[] = [
  {
    username: 'anna',
    displayName: 'Anna Keller',
    role: 'patient',
    mspId: 'HospitalDEMSP',
    country: 'DE',
    email: 'anna.keller@example.org',
    person: { given: ['Anna'], family: 'Keller', birthDate: '1981-03-14', gender: 'female' },
  },
  {
    username: 'marco',
    displayName: 'Marco Bianchi',
    role: 'patient',
    mspId: 'HospitalITMSP',
    country: 'IT',
    email: 'marco.bianchi@example.org',
    person: { given: ['Marco'], family: 'Bianchi', birthDate: '1975-11-02', gender: 'male' },
  },
  {
    username: 'dr.weber',
    displayName: 'Dr. Jonas Weber',
    role: 'clinician',
    mspId: 'HospitalDEMSP',
    country: 'DE',
    ledgerId: 'clin-weber',
  },
  {
    username: 'dr.dubois',
    displayName: 'Dr. Claire Dubois',
    role: 'clinician',
    mspId: 'HospitalFRMSP',
    country: 'FR',
    ledgerId: 'clin-dubois',
  },
  {
    username: 'dr.rossi',
    displayName: 'Dr. Paolo Rossi',
    role: 'clinician',
    mspId: 'HospitalITMSP',
    country: 'IT',
    ledgerId: 'clin-rossi',
  },
  {
    username: 'centre.berlin',
    displayName: 'Records office, Hospital DE',
    role: 'centre',
    mspId: 'HospitalDEMSP',
    country: 'DE',
    ledgerId: 'centre-berlin',
  },
  {
    username: 'auditor',
    displayName: 'Data protection auditor',
    role: 'auditor',
    mspId: 'HospitalFRMSP',
    country: 'FR',
    ledgerId: 'auditor-eu',
  },
  {
    username: 'admin',
    displayName: 'Platform administrator',
    role: 'admin',
    mspId: 'HospitalDEMSP',
    country: 'DE',
    ledgerId: 'admin-de',
  },
];

/** Anna's rules: her own doctor sees everything but psychiatric notes; French clinicians the essentials. */
export const DEMO_RULES: readonly RuleSpec[] = [
  {
    effect: 'permit',
    grantee: { kind: 'practitioner', id: 'clin-weber', mspId: 'HospitalDEMSP' },
    categories: [
      'allergies',
      'medications',
      'problems',
      'immunizations',
      'results',
      'procedures',
      'vital-signs',
      'documents',
    ],
    labels: [],
    purposes: ['TREAT'],
  },
  {
    effect: 'permit',
    grantee: { kind: 'role', role: 'clinician', countries: ['FR'] },
    categories: ['allergies', 'medications', 'problems'],
    labels: [],
    purposes: ['TREAT'],
  },
];

export const DEMO_EMERGENCY_POLICY: EmergencyPolicySpec = {
  enabled: true,
  roles: ['clinician'],
  countries: [],
  categories: ['allergies', 'medications', 'problems', 'immunizations'],
  labels: [],
  maxDurationMinutes: 240,
};

type Resource = Record<string, unknown>;

const coding = (system: string, code: string, display: string): Resource => ({
  coding: [{ system, code, display }],
});
const LOINC = 'http://loinc.org';
const SNOMED = 'http://snomed.info/sct';
const OBS_CAT = 'http://terminology.hl7.org/CodeSystem/observation-category';

/** One transaction Bundle of synthetic records for `patientId`, one or more per IPS category. */
export function demoBundle(patientId: string): Resource {
  const subject = { reference: `Patient/${patientId}` };
  const resources: Resource[] = [
    {
      resourceType: 'AllergyIntolerance',
      clinicalStatus: coding(
        'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical',
        'active',
        'Active',
      ),
      code: coding(SNOMED, '91936005', 'Allergy to penicillin'),
      patient: subject,
    },
    {
      resourceType: 'MedicationStatement',
      status: 'active',
      medicationCodeableConcept: coding('http://www.whocc.no/atc', 'C09AA05', 'ramipril'),
      subject,
      effectiveDateTime: '2025-03-01',
    },
    {
      resourceType: 'Condition',
      clinicalStatus: coding('http://terminology.hl7.org/CodeSystem/condition-clinical', 'active', 'Active'),
      code: coding(SNOMED, '38341003', 'Hypertensive disorder'),
      subject,
      onsetDateTime: '2019-06-12',
    },
    {
      resourceType: 'Condition',
      meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'PSY' }] },
      clinicalStatus: coding('http://terminology.hl7.org/CodeSystem/condition-clinical', 'active', 'Active'),
      code: coding(SNOMED, '35489007', 'Depressive disorder'),
      subject,
      onsetDateTime: '2022-01-20',
    },
    {
      resourceType: 'Immunization',
      status: 'completed',
      vaccineCode: coding('http://hl7.org/fhir/sid/cvx', '208', 'COVID-19 mRNA vaccine'),
      patient: subject,
      occurrenceDateTime: '2024-10-02',
    },
    {
      resourceType: 'Observation',
      status: 'final',
      category: [coding(OBS_CAT, 'laboratory', 'Laboratory')],
      code: coding(LOINC, '2345-7', 'Glucose [Mass/volume] in Serum or Plasma'),
      subject,
      effectiveDateTime: '2026-09-14',
      valueQuantity: { value: 96, unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' },
    },
    {
      resourceType: 'Observation',
      status: 'final',
      category: [coding(OBS_CAT, 'vital-signs', 'Vital Signs')],
      code: coding(LOINC, '8480-6', 'Systolic blood pressure'),
      subject,
      effectiveDateTime: '2026-09-14',
      valueQuantity: { value: 138, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
    },
    {
      resourceType: 'Observation',
      status: 'final',
      category: [coding(OBS_CAT, 'social-history', 'Social History')],
      code: coding(LOINC, '72166-2', 'Tobacco smoking status'),
      subject,
      effectiveDateTime: '2026-01-10',
      valueCodeableConcept: coding(SNOMED, '8517006', 'Ex-smoker'),
    },
    {
      resourceType: 'Observation',
      status: 'final',
      code: coding(LOINC, '82810-3', 'Pregnancy status'),
      subject,
      effectiveDateTime: '2026-01-10',
      valueCodeableConcept: coding(SNOMED, '60001007', 'Not pregnant'),
    },
    {
      resourceType: 'Procedure',
      status: 'completed',
      code: coding(SNOMED, '80146002', 'Appendectomy'),
      subject,
      performedDateTime: '2012-07-03',
    },
    {
      resourceType: 'DeviceUseStatement',
      status: 'active',
      subject,
      device: { display: 'Home blood pressure monitor' },
    },
    {
      resourceType: 'CarePlan',
      status: 'active',
      intent: 'plan',
      subject,
      title: 'Blood pressure follow-up every three months',
    },
    {
      resourceType: 'DiagnosticReport',
      status: 'final',
      category: [coding('http://terminology.hl7.org/CodeSystem/v2-0074', 'RAD', 'Radiology')],
      code: coding(LOINC, '36643-5', 'Chest X-ray 2 views'),
      subject,
      effectiveDateTime: '2025-11-30',
      conclusion: 'No acute cardiopulmonary findings.',
    },
  ];
  return {
    resourceType: 'Bundle',
    type: 'collection',
    entry: resources.map((resource, index) => ({
      fullUrl: `urn:uuid:00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
      resource,
    })),
  };
}

/** A small synthetic PDF and the DocumentReference describing it (the documents category). */
export function demoDocument(patientId: string): { documentReference: Resource; content: Buffer } {
  const content = Buffer.from(
    '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\n' +
      'trailer<</Root 1 0 R>>\n%%EOF\n',
  );
  return {
    documentReference: {
      resourceType: 'DocumentReference',
      status: 'current',
      type: coding(LOINC, '18842-5', 'Discharge summary'),
      subject: { reference: `Patient/${patientId}` },
      date: '2026-02-11T10:00:00Z',
      content: [{ attachment: { contentType: 'application/pdf', title: 'Discharge summary' } }],
    },
    content,
  };
}
