/**
 * Who the record is about, as its Patient resource says (the identification set the patient's home organisation
 * holds): the name and birth date a clinician checks against the person in front of them. A record that carries
 * none (identified by pseudonym only) gives nothing, and the banner keeps the id.
 */
import type { FhirBundle, FhirResource } from '../api/types';

export interface PatientIdentity {
  readonly name?: string;
  /** `YYYY-MM-DD` (or as partial as the record gives it). */
  readonly birthDate?: string;
}

interface HumanName {
  readonly use?: string;
  readonly text?: string;
  readonly family?: string;
  readonly given?: readonly string[];
}

function isHumanName(value: unknown): value is HumanName {
  return typeof value === 'object' && value !== null;
}

function nameOf(patient: FhirResource): string | undefined {
  const names = Array.isArray(patient.name) ? patient.name.filter(isHumanName) : [];
  const chosen = names.find((name) => name.use === 'official') ?? names[0];
  if (chosen === undefined) return undefined;
  if (typeof chosen.text === 'string' && chosen.text.trim() !== '') return chosen.text.trim();
  const given = Array.isArray(chosen.given) ? chosen.given.filter((part) => typeof part === 'string') : [];
  const parts = [...given, ...(typeof chosen.family === 'string' ? [chosen.family] : [])];
  return parts.length > 0 ? parts.join(' ') : undefined;
}

export function patientIdentity(bundle: FhirBundle): PatientIdentity | undefined {
  const patient = bundle.entry?.find((entry) => entry.resource?.resourceType === 'Patient')?.resource;
  if (patient === undefined) return undefined;
  const name = nameOf(patient);
  const birthDate = typeof patient.birthDate === 'string' ? patient.birthDate : undefined;
  if (name === undefined && birthDate === undefined) return undefined;
  return { ...(name === undefined ? {} : { name }), ...(birthDate === undefined ? {} : { birthDate }) };
}
