/** Plain words for the ledger's codes, as a patient would say them. */
import type { Category, Effect, Label, Purpose, Role } from '@custodia/chaincode/model';

export const CATEGORY_NAMES: Readonly<Record<Category, string>> = {
  allergies: 'allergies',
  medications: 'medicines',
  problems: 'health problems',
  immunizations: 'vaccinations',
  results: 'test results',
  procedures: 'operations and procedures',
  devices: 'medical devices',
  'vital-signs': 'vital signs',
  'care-plan': 'care plan',
  'social-history': 'lifestyle',
  pregnancy: 'pregnancy',
  imaging: 'scans and X-rays',
  documents: 'documents',
};

export const LABEL_NAMES: Readonly<Record<Label, string>> = {
  R: 'restricted information',
  V: 'very restricted information',
  HIV: 'HIV status',
  PSY: 'mental health',
  SUD: 'substance use',
  ETH: 'alcohol use',
  STD: 'sexually transmitted infections',
  SDV: 'sexual and domestic violence',
};

export const PURPOSE_NAMES: Readonly<Record<Purpose, string>> = {
  TREAT: 'treating you',
  ETREAT: 'treating you in an emergency',
  CAREMGT: 'organising your care',
  PATRQT: 'your own request',
  PUBHLTH: 'public health',
  HRESCH: 'health research',
};

export const ROLE_NAMES: Readonly<Record<Role, string>> = {
  patient: 'patients',
  clinician: 'clinicians',
  centre: 'medical centres',
  auditor: 'auditors',
  admin: 'administrators',
};

export const ROLE_TITLES: Readonly<Record<Role, string>> = {
  patient: 'Patient',
  clinician: 'Clinician',
  centre: 'Medical centre',
  auditor: 'Auditor',
  admin: 'Administrator',
};

/** EU and EEA countries a grantee can be limited to (ISO 3166-1 alpha-2). */
export const COUNTRIES = [
  'AT',
  'BE',
  'BG',
  'CH',
  'CY',
  'CZ',
  'DE',
  'DK',
  'EE',
  'ES',
  'FI',
  'FR',
  'GR',
  'HR',
  'HU',
  'IE',
  'IS',
  'IT',
  'LI',
  'LT',
  'LU',
  'LV',
  'MT',
  'NL',
  'NO',
  'PL',
  'PT',
  'RO',
  'SE',
  'SI',
  'SK',
] as const;

export const EFFECT_NAMES: Readonly<Record<Effect, string>> = { permit: 'Allow', deny: 'Block' };

/** Capitalises the first letter, for names that start a line. */
export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "a", "a and b", "a, b and c". */
export function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

const COUNTRY_NAMES = new Intl.DisplayNames(['en'], { type: 'region' });

export function countryName(code: string): string {
  try {
    return COUNTRY_NAMES.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}
