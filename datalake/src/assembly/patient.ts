/**
 * The summary's Patient: the identification set the patient's home organisation holds (name, birth date, gender,
 * its identifiers), released with every record as the minimum a clinician needs to identify the person in front
 * of them, plus the pseudonymous Custodia id. Never logged.
 */
import type { Identifier, Patient } from '@medplum/fhirtypes';
import { bold, narrative, paragraph, text } from './narrative';

export const CUSTODIA_PATIENT_SYSTEM = 'urn:custodia:patient';
export const IPS_PATIENT_PROFILE = 'http://hl7.org/fhir/uv/ips/StructureDefinition/Patient-uv-ips';

export interface PatientIdentification {
  readonly given: readonly string[];
  readonly family: string;
  /** `YYYY-MM-DD`. */
  readonly birthDate: string;
  /** FHIR administrative gender. */
  readonly gender: 'male' | 'female' | 'other' | 'unknown';
  /** The home organisation's identifiers of the patient (e.g. a national health id). */
  readonly identifiers?: readonly { readonly system: string; readonly value: string }[];
}

export function summaryPatient(
  id: string,
  patientId: string,
  identification: PatientIdentification | undefined,
): Patient {
  const identifier: Identifier[] = [
    { use: 'secondary', system: CUSTODIA_PATIENT_SYSTEM, value: patientId },
    ...(identification?.identifiers ?? []).map((each) => ({ system: each.system, value: each.value })),
  ];
  if (identification === undefined)
    return {
      resourceType: 'Patient',
      id,
      text: narrative(paragraph(text('Patient identified by pseudonymous id only: '), bold(patientId))),
      identifier,
    };
  const fullName = [...identification.given, identification.family].join(' ');
  return {
    resourceType: 'Patient',
    id,
    meta: { profile: [IPS_PATIENT_PROFILE] },
    text: narrative(
      paragraph(bold(fullName)),
      paragraph(text(`Born ${identification.birthDate}; gender ${identification.gender}`)),
      paragraph(
        text(
          `Identifiers: ${identifier.map((each) => `${each.system ?? ''} ${each.value ?? ''}`).join(', ')}`,
        ),
      ),
    ),
    identifier,
    name: [{ use: 'official', family: identification.family, given: [...identification.given] }],
    gender: identification.gender,
    birthDate: identification.birthDate,
  };
}
