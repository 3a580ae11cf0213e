/**
 * Code systems the labelling service matches on, in every standard spelling (canonical URL, HL7 OID, national
 * canonical URLs of the same classification), and how a hierarchical code is normalised for prefix matching.
 */
export const SNOMED = 'http://snomed.info/sct';
export const LOINC = 'http://loinc.org';
export const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

/** Other spellings of the systems exact codes are listed under (HL7 OID registry). */
const SYSTEM_ALIASES: Readonly<Record<string, string>> = {
  'urn:oid:2.16.840.1.113883.6.96': SNOMED,
  'urn:oid:2.16.840.1.113883.6.1': LOINC,
  'urn:oid:2.16.840.1.113883.6.88': RXNORM,
};

/** Classifications whose codes nest by prefix (a category heading covers every code under it). */
export const CODE_FAMILIES = ['icd-10', 'atc'] as const;
export type CodeFamily = (typeof CODE_FAMILIES)[number];

const FAMILIES: Readonly<Record<string, CodeFamily>> = {
  // ICD-10 (WHO), ICD-10-CM (US) and ICD-10-GM (Germany) share the WHO category headings.
  'http://hl7.org/fhir/sid/icd-10': 'icd-10',
  'urn:oid:2.16.840.1.113883.6.3': 'icd-10',
  'http://hl7.org/fhir/sid/icd-10-cm': 'icd-10',
  'urn:oid:2.16.840.1.113883.6.90': 'icd-10',
  'http://fhir.de/CodeSystem/bfarm/icd-10-gm': 'icd-10',
  'http://fhir.de/CodeSystem/dimdi/icd-10-gm': 'icd-10',
  'http://www.whocc.no/atc': 'atc',
  'urn:oid:2.16.840.1.113883.6.73': 'atc',
  'http://fhir.de/CodeSystem/bfarm/atc': 'atc',
};

/** The canonical URL of a system given in any of its spellings. */
export function canonicalSystem(system: string): string {
  return SYSTEM_ALIASES[system] ?? system;
}

export function familyOf(system: string): CodeFamily | undefined {
  return FAMILIES[system];
}

/** `F32.1` and `f321` are the same ICD-10 code; ATC codes are written without separators. */
export function normaliseHierarchical(code: string): string {
  return code.replace(/[.\s]/g, '').toUpperCase();
}
