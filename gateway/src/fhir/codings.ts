/** The codings and identifier systems Custodia's FHIR resources share (Consent, AuditEvent). */
import type {
  Coding,
  Extension,
  Organization,
  Patient,
  Practitioner,
  PractitionerRole,
  Reference,
} from '@medplum/fhirtypes';
import { createHash } from 'node:crypto';
import type { Caller, Category, Grantee, Label, Purpose } from '@custodia/chaincode';
import {
  ACT_CODE_SYSTEM,
  CATEGORY_SECTION,
  CATEGORY_TAG_SYSTEM,
  CONFIDENTIALITY_SYSTEM,
  CUSTODIA_PATIENT_SYSTEM,
  IPS_SECTIONS,
} from '@custodia/datalake';

export const LOINC = 'http://loinc.org';
export const ACT_REASON_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';
export const PARTICIPATION_TYPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType';
export const RULE_SYSTEM = 'urn:custodia:rule';
export const LEDGER_TX_SYSTEM = 'urn:custodia:ledger-tx';
export const ORGANISATION_SYSTEM = 'urn:custodia:organisation';
export const ROLE_SYSTEM = 'urn:custodia:role';
/** A practitioner id is unique only within the organisation (MSP) that issued it. */
export const practitionerSystem = (mspId: string): string => `urn:custodia:practitioner:${mspId}`;
/** Countries a grantee is limited to (FHIR has no element for it); ISO 3166-1 alpha-2. */
export const ACTOR_COUNTRY_EXTENSION = 'urn:custodia:fhir:StructureDefinition:actor-country';
export const ISO_3166 = 'urn:iso:std:iso:3166';

const PURPOSE_DISPLAY: Readonly<Record<Purpose, string>> = {
  TREAT: 'treatment',
  ETREAT: 'emergency treatment',
  CAREMGT: 'care management',
  PATRQT: 'patient requested',
  PUBHLTH: 'public health',
  HRESCH: 'healthcare research',
};

export function purposeCoding(purpose: Purpose): Coding {
  return { system: ACT_REASON_SYSTEM, code: purpose, display: PURPOSE_DISPLAY[purpose] };
}

/** R and V are confidentiality codes; the others are v3-ActCode sensitivity codes. */
export function labelCoding(label: Label): Coding {
  return label === 'R' || label === 'V'
    ? { system: CONFIDENTIALITY_SYSTEM, code: label }
    : { system: ACT_CODE_SYSTEM, code: label };
}

/** A category in Custodia's code system, with the LOINC code of the IPS section it is listed in. */
export function categoryConcept(category: Category) {
  const section = IPS_SECTIONS[CATEGORY_SECTION[category]];
  return {
    coding: [
      { system: CATEGORY_TAG_SYSTEM, code: category },
      { system: LOINC, code: section.code, display: section.display },
    ],
    text: category,
  };
}

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** A FHIR resource id for a ledger id (which may hold `_` or `@`): itself when valid, else a stable digest. */
export function fhirId(ledgerId: string): string {
  return FHIR_ID.test(ledgerId)
    ? ledgerId
    : `h-${createHash('sha256').update(ledgerId).digest('hex').slice(0, 40)}`;
}

export function patientReference(patientId: string): Reference<Patient> {
  return {
    reference: `Patient/${fhirId(patientId)}`,
    identifier: { system: CUSTODIA_PATIENT_SYSTEM, value: patientId },
  };
}

export function organisationReference(mspId: string): Reference<Organization> {
  return { type: 'Organization', identifier: { system: ORGANISATION_SYSTEM, value: mspId } };
}

export function practitionerReference(who: Pick<Caller, 'mspId' | 'id'>): Reference<Practitioner> {
  return { type: 'Practitioner', identifier: { system: practitionerSystem(who.mspId), value: who.id } };
}

export function countryExtensions(countries: readonly string[] | undefined): Extension[] {
  return (countries ?? []).map((country) => ({
    url: ACTOR_COUNTRY_EXTENSION,
    valueCodeableConcept: { coding: [{ system: ISO_3166, code: country }] },
  }));
}

/** Who a rule is about, as a FHIR reference (a role is a logical PractitionerRole reference). */
export function granteeReference(
  grantee: Grantee,
): Reference<Practitioner | Organization | PractitionerRole> {
  switch (grantee.kind) {
    case 'practitioner':
      return { ...practitionerReference(grantee), display: `practitioner ${grantee.id} of ${grantee.mspId}` };
    case 'organization':
      return { ...organisationReference(grantee.mspId), display: `staff of ${grantee.mspId}` };
    case 'role':
      return {
        type: 'PractitionerRole',
        identifier: { system: ROLE_SYSTEM, value: grantee.role },
        display: `any ${grantee.role}`,
      };
  }
}
