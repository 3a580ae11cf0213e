/** IPS sections of the temporary record: one per category, coded in LOINC as the IPS Composition codes them. */
import type { Category } from '@custodia/chaincode';

export const LOINC = 'http://loinc.org';

export interface SectionCode {
  readonly code: string;
  readonly display: string;
  readonly title: string;
}

export const SECTION_CODES: Readonly<Record<Category, SectionCode>> = {
  allergies: {
    code: '48765-2',
    display: 'Allergies and adverse reactions Document',
    title: 'Allergies and Intolerances',
  },
  medications: {
    code: '10160-0',
    display: 'History of Medication use Narrative',
    title: 'Medication Summary',
  },
  problems: { code: '11450-4', display: 'Problem list - Reported', title: 'Problem List' },
  immunizations: { code: '11369-6', display: 'History of Immunization Narrative', title: 'Immunizations' },
  results: {
    code: '30954-2',
    display: 'Relevant diagnostic tests/laboratory data Narrative',
    title: 'Results',
  },
  procedures: { code: '47519-4', display: 'History of Procedures Document', title: 'History of Procedures' },
  devices: { code: '46264-8', display: 'History of medical device use', title: 'Medical Devices' },
  'vital-signs': { code: '8716-3', display: 'Vital signs', title: 'Vital Signs' },
  'care-plan': { code: '18776-5', display: 'Plan of care note', title: 'Plan of Care' },
  'social-history': { code: '29762-2', display: 'Social history Narrative', title: 'Social History' },
  pregnancy: { code: '10162-6', display: 'History of pregnancies Narrative', title: 'History of Pregnancy' },
  imaging: { code: '18748-4', display: 'Diagnostic imaging study', title: 'Diagnostic Imaging' },
  documents: { code: '11503-0', display: 'Medical records', title: 'Documents' },
};

/** Sections the IPS requires in every summary; when not requested they are present as "not asked". */
export const REQUIRED_SECTIONS: readonly Category[] = ['medications', 'allergies', 'problems'];

/** Composition type of a patient summary. */
export const PATIENT_SUMMARY = { code: '60591-5', display: 'Patient summary Document' } as const;
