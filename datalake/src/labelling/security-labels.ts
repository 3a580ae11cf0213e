/**
 * Security labels as sources write them: `meta.security` codings (and DocumentReference.securityLabel,
 * Composition.confidentiality) in every standard form — the canonical terminology.hl7.org URLs, the HL7 OIDs,
 * the FHIR DSTU2/STU3 URLs, and a bare code without a system when the code is a known label. Anything else
 * under a security element is a label the lake does not understand: it is reported, never ignored.
 */
import type { Label } from '@custodia/chaincode';
import { isMember } from '@custodia/chaincode';
import type { CodingLike } from './value-sets';

export const CONFIDENTIALITY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';
export const ACT_CODE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';

const CONFIDENTIALITY_SYSTEMS = new Set([
  CONFIDENTIALITY_SYSTEM,
  'urn:oid:2.16.840.1.113883.5.25',
  'http://hl7.org/fhir/v3/Confidentiality',
]);
const ACT_CODE_SYSTEMS = new Set([
  ACT_CODE_SYSTEM,
  'urn:oid:2.16.840.1.113883.5.4',
  'http://hl7.org/fhir/v3/ActCode',
]);

const RESTRICTING_CONFIDENTIALITY = ['R', 'V'] as const satisfies readonly Label[];
/** Unrestricted, low, moderate, normal: no label beyond what the content implies. */
const PLAIN_CONFIDENTIALITY = ['U', 'L', 'M', 'N'] as const;
const SENSITIVITY = ['HIV', 'PSY', 'SUD', 'ETH', 'STD', 'SDV'] as const satisfies readonly Label[];

/** How an unrecognised label is reported: its system and code, bounded (they come from the source). */
const MAX_REPORTED = 120;

export type SecurityReading =
  | { readonly kind: 'label'; readonly label: Label }
  | { readonly kind: 'plain' }
  | { readonly kind: 'unrecognised'; readonly reported: string };

export function readSecurityCoding(coding: CodingLike): SecurityReading {
  const { system, code } = coding;
  if (typeof code === 'string') {
    if (system === undefined || CONFIDENTIALITY_SYSTEMS.has(system)) {
      if (isMember(RESTRICTING_CONFIDENTIALITY, code)) return { kind: 'label', label: code };
      if (isMember(PLAIN_CONFIDENTIALITY, code)) return { kind: 'plain' };
    }
    if ((system === undefined || ACT_CODE_SYSTEMS.has(system)) && isMember(SENSITIVITY, code))
      return { kind: 'label', label: code };
  }
  return { kind: 'unrecognised', reported: `${system ?? ''}|${code ?? ''}`.slice(0, MAX_REPORTED) };
}

/** A label in its canonical coding, as the lake adds it to a resource's `meta.security`. */
export function canonicalCoding(label: Label): { system: string; code: Label } {
  return {
    system: isMember(RESTRICTING_CONFIDENTIALITY, label) ? CONFIDENTIALITY_SYSTEM : ACT_CODE_SYSTEM,
    code: label,
  };
}
