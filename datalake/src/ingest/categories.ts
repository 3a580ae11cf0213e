/**
 * IPS categories of a resource: explicit tags (`meta.tag` in Custodia's category system) when the
 * source gives them, otherwise derived from the resource type and its category codes.
 */
import type { CodeableConcept, Resource } from '@medplum/fhirtypes';
import { canonical, CATEGORIES, isMember } from '@custodia/chaincode';
import type { Category } from '@custodia/chaincode';

/** Code system of explicit category tags in `meta.tag`. */
export const CATEGORY_TAG_SYSTEM = 'urn:custodia:category';

const BY_TYPE: Readonly<Record<string, Category>> = {
  AllergyIntolerance: 'allergies',
  MedicationStatement: 'medications',
  MedicationRequest: 'medications',
  MedicationAdministration: 'medications',
  MedicationDispense: 'medications',
  Condition: 'problems',
  Immunization: 'immunizations',
  ImmunizationRecommendation: 'immunizations',
  Procedure: 'procedures',
  Device: 'devices',
  DeviceUseStatement: 'devices',
  DeviceRequest: 'devices',
  CarePlan: 'care-plan',
  Goal: 'care-plan',
  ImagingStudy: 'imaging',
  DocumentReference: 'documents',
};

/** observation-category codes → categories (anything else observational counts as a result). */
const OBSERVATION_CATEGORY: Readonly<Record<string, Category>> = {
  'vital-signs': 'vital-signs',
  'social-history': 'social-history',
  imaging: 'imaging',
  laboratory: 'results',
};

/** LOINC codes of IPS pregnancy observations (status, outcome, expected delivery date). */
const PREGNANCY_LOINC = new Set([
  '82810-3',
  '11636-8',
  '11637-6',
  '11638-4',
  '11639-2',
  '11640-0',
  '11612-9',
  '11613-7',
  '11614-5',
  '33065-4',
  '11778-8',
  '11779-6',
  '11780-4',
]);

/** v2-0074 diagnostic service sections that are imaging. */
const IMAGING_SECTIONS = new Set(['RAD', 'CT', 'NMR', 'NMS', 'RUS', 'VUS', 'XRC', 'CUS', 'OUS']);

export function explicitCategories(resource: Resource): Category[] {
  const tagged = (resource.meta?.tag ?? [])
    .filter((coding) => coding.system === CATEGORY_TAG_SYSTEM)
    .map((coding) => coding.code)
    .filter((code): code is Category => isMember(CATEGORIES, code));
  return canonical(CATEGORIES, tagged);
}

export function derivedCategories(resource: Resource): Category[] {
  switch (resource.resourceType) {
    case 'Observation': {
      if (codes(resource.code).some((code) => PREGNANCY_LOINC.has(code))) return ['pregnancy'];
      const mapped = (resource.category ?? []).flatMap(codes).map((code) => OBSERVATION_CATEGORY[code]);
      const found = mapped.filter((category): category is Category => category !== undefined);
      return found.length > 0 ? canonical(CATEGORIES, found) : ['results'];
    }
    case 'DiagnosticReport':
      return (resource.category ?? []).flatMap(codes).some((code) => IMAGING_SECTIONS.has(code))
        ? ['imaging']
        : ['results'];
    default: {
      const category = BY_TYPE[resource.resourceType];
      return category === undefined ? [] : [category];
    }
  }
}

/** Explicit tags win over derivation: the source states what the record is. */
export function categoriesOf(resource: Resource): Category[] {
  const explicit = explicitCategories(resource);
  return explicit.length > 0 ? explicit : derivedCategories(resource);
}

function codes(concept: CodeableConcept | undefined): string[] {
  return (concept?.coding ?? [])
    .map((coding) => coding.code)
    .filter((code): code is string => code !== undefined);
}
