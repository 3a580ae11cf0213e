/**
 * IPS sections of the temporary record (IPS 2.0.1 Composition-uv-ips), where each Custodia category goes, and the
 * resource types each section may list (`section.entry only Reference(…)`; IPS 2.0 allows DocumentReference in
 * every section). Non-IPS categories are placed where the IPS puts their content:
 * - imaging: diagnostic imaging reports and observations are Results (30954-2), as IPS places radiology results;
 * - documents: under History of Past Illness (11348-0): uploaded documents are mostly discharge letters and notes of
 *   past episodes of care, which that section narrates; a document typed as a diagnostic report goes to Results.
 */
import type { Category } from '@custodia/chaincode';

export const LOINC = 'http://loinc.org';

export interface IpsSection {
  readonly code: string;
  readonly display: string;
  readonly title: string;
  /** Resource types the section may list as entries. */
  readonly entryTypes: readonly string[];
}

/** In IPS order: the required sections first. */
export const IPS_SECTIONS = {
  allergies: {
    code: '48765-2',
    display: 'Allergies and adverse reactions Document',
    title: 'Allergies and Intolerances',
    entryTypes: ['AllergyIntolerance', 'DocumentReference'],
  },
  medications: {
    code: '10160-0',
    display: 'History of Medication use Narrative',
    title: 'Medication Summary',
    entryTypes: [
      'MedicationStatement',
      'MedicationRequest',
      'MedicationAdministration',
      'MedicationDispense',
      'DocumentReference',
    ],
  },
  problems: {
    code: '11450-4',
    display: 'Problem list - Reported',
    title: 'Problem List',
    entryTypes: ['Condition', 'DocumentReference'],
  },
  immunizations: {
    code: '11369-6',
    display: 'History of Immunization Narrative',
    title: 'Immunizations',
    entryTypes: ['Immunization', 'DocumentReference'],
  },
  results: {
    code: '30954-2',
    display: 'Relevant diagnostic tests/laboratory data Narrative',
    title: 'Results',
    entryTypes: ['Observation', 'DiagnosticReport', 'DocumentReference'],
  },
  procedures: {
    code: '47519-4',
    display: 'History of Procedures Document',
    title: 'History of Procedures',
    entryTypes: ['Procedure', 'DocumentReference'],
  },
  devices: {
    code: '46264-8',
    display: 'History of medical device use',
    title: 'Medical Devices',
    entryTypes: ['DeviceUseStatement', 'DocumentReference'],
  },
  'vital-signs': {
    code: '8716-3',
    display: 'Vital signs',
    title: 'Vital Signs',
    entryTypes: ['Observation', 'DocumentReference'],
  },
  'past-illness': {
    code: '11348-0',
    display: 'History of Past illness Narrative',
    title: 'History of Past Illness',
    entryTypes: ['Condition', 'DocumentReference'],
  },
  'care-plan': {
    code: '18776-5',
    display: 'Plan of care note',
    title: 'Plan of Care',
    entryTypes: ['CarePlan', 'ImmunizationRecommendation', 'DocumentReference'],
  },
  'social-history': {
    code: '29762-2',
    display: 'Social history Narrative',
    title: 'Social History',
    entryTypes: ['Observation', 'DocumentReference'],
  },
  pregnancy: {
    code: '10162-6',
    display: 'History of pregnancies Narrative',
    title: 'History of Pregnancy',
    entryTypes: ['Observation', 'DocumentReference'],
  },
} as const satisfies Record<string, IpsSection>;

export type SectionId = keyof typeof IPS_SECTIONS;
export const SECTION_IDS = Object.keys(IPS_SECTIONS) as SectionId[];

/** The section a category's records are listed in. */
export const CATEGORY_SECTION: Readonly<Record<Category, SectionId>> = {
  allergies: 'allergies',
  medications: 'medications',
  problems: 'problems',
  immunizations: 'immunizations',
  results: 'results',
  procedures: 'procedures',
  devices: 'devices',
  'vital-signs': 'vital-signs',
  'care-plan': 'care-plan',
  'social-history': 'social-history',
  pregnancy: 'pregnancy',
  imaging: 'results',
  documents: 'past-illness',
};

/** Sections the IPS requires in every summary; when not requested they are present as "not asked". */
export const REQUIRED_SECTIONS: readonly SectionId[] = ['allergies', 'medications', 'problems'];

/** LOINC document types that are diagnostic reports (lab, imaging, pathology): their documents are Results. */
const REPORT_DOCUMENT_TYPES = new Set(['11502-2', '18748-4', '11526-1', '18725-2', '68604-8', '85430-7']);

/** Where a released record is listed: the first of its categories' sections that may list its type. */
export function sectionOf(
  resourceType: string,
  categories: readonly Category[],
  documentTypes: readonly string[] = [],
): SectionId | undefined {
  if (resourceType === 'DocumentReference' && documentTypes.some((code) => REPORT_DOCUMENT_TYPES.has(code)))
    return 'results';
  for (const category of categories) {
    const section: IpsSection = IPS_SECTIONS[CATEGORY_SECTION[category]];
    if (section.entryTypes.includes(resourceType)) return CATEGORY_SECTION[category];
  }
  // An immunization recommendation is a plan (IPS Plan of Care lists ImmunizationRecommendation).
  if (resourceType === 'ImmunizationRecommendation') return 'care-plan';
  return undefined;
}

/** Composition type of a patient summary. */
export const PATIENT_SUMMARY = { code: '60591-5', display: 'Patient summary Document' } as const;
