/**
 * Builds the temporary patient health record: a FHIR document Bundle shaped like the International
 * Patient Summary. Pure: the same inputs give the same Bundle (ids are derived, time is an input).
 * - Composition first, typed 60591-5, one section per requested category, LOINC-coded;
 *   categories the patient withheld are present with emptyReason `withheld`.
 * - The patient appears under the pseudonymous Custodia id only (no demographics).
 * - Binaries appear as their DocumentReference with a short-lived link instead of data.
 * - meta.security DELAU (delete after use) and NORDSCLCD (no redisclosure without consent).
 */
import { createHash } from 'node:crypto';
import type {
  Bundle,
  BundleEntry,
  Composition,
  CompositionSection,
  Device,
  DocumentReference,
  Patient,
  Reference,
  Resource,
} from '@medplum/fhirtypes';
import { canonical, CATEGORIES } from '@custodia/chaincode';
import type { Category } from '@custodia/chaincode';
import { ACT_CODE_SYSTEM } from '../labelling';
import type { RecordDocument } from '../zones/record-document';
import { releasedCategories } from './select';
import type { GrantScope } from './select';
import { LOINC, PATIENT_SUMMARY, REQUIRED_SECTIONS, SECTION_CODES } from './sections';

export const EMPTY_REASON_SYSTEM = 'http://terminology.hl7.org/CodeSystem/list-empty-reason';
export const IPS_BUNDLE_PROFILE = 'http://hl7.org/fhir/uv/ips/StructureDefinition/Bundle-uv-ips';
export const IPS_COMPOSITION_PROFILE = 'http://hl7.org/fhir/uv/ips/StructureDefinition/Composition-uv-ips';
export const CUSTODIA_PATIENT_SYSTEM = 'urn:custodia:patient';
export const CUSTODIA_GRANT_SYSTEM = 'urn:custodia:grant';

export interface SummaryGrant extends GrantScope {
  readonly grantId: string;
  /** Categories the requester asked for. */
  readonly requested: readonly Category[];
  /** Requested categories the patient's rules denied. */
  readonly denied: readonly Category[];
}

export interface SummaryRecord {
  readonly document: RecordDocument;
  /** The stored FHIR resource (for binary records, the DocumentReference). */
  readonly resource: Resource;
  /** For binary records: the short-lived link to the binary. */
  readonly binaryUrl?: string;
}

export interface SummaryInput {
  readonly grant: SummaryGrant;
  readonly records: readonly SummaryRecord[];
  readonly assembledAt: Date;
}

const EMPTY_REASONS = {
  withheld: { code: 'withheld', display: 'Information Withheld' },
  unavailable: { code: 'unavailable', display: 'Unavailable' },
  notasked: { code: 'notasked', display: 'Not Asked' },
} as const;

export function buildPatientSummary(input: SummaryInput): Bundle {
  const { grant } = input;
  const patientUrl = urn(`patient\0${grant.patientId}`);
  const authorUrl = urn('custodia-datalake');
  const compositionUrl = urn(`composition\0${grant.grantId}`);
  const released = input.records
    .map((record) => ({ record, categories: releasedCategories(record.document, grant) }))
    .filter((each) => each.categories.length > 0)
    .sort((a, b) => compare(a.record.document.recordId, b.record.document.recordId));
  const entries = released.map(({ record }) => ({
    fullUrl: urn(`record\0${record.document.recordId}`),
    resource: prepare(record, patientUrl),
  }));

  const sectionCategories = canonical(CATEGORIES, [...grant.requested, ...REQUIRED_SECTIONS]);
  const sections = sectionCategories.map((category): CompositionSection => {
    const code = SECTION_CODES[category];
    const base: CompositionSection = {
      title: code.title,
      code: { coding: [{ system: LOINC, code: code.code, display: code.display }] },
    };
    const references: Reference[] = released
      .map((each, at) => ({ each, at }))
      .filter(({ each }) => each.categories.includes(category))
      .map(({ at }) => ({ reference: (entries[at] as BundleEntry).fullUrl as string }));
    if (references.length > 0) {
      return { ...base, text: narrative(`${references.length} entries`), entry: references };
    }
    const reason = !grant.requested.includes(category)
      ? EMPTY_REASONS.notasked
      : grant.denied.includes(category) || !grant.granted.some((g) => g.category === category)
        ? EMPTY_REASONS.withheld
        : EMPTY_REASONS.unavailable;
    return {
      ...base,
      text: narrative(reason.display),
      emptyReason: { coding: [{ system: EMPTY_REASON_SYSTEM, ...reason }] },
    };
  });

  const assembledAt = input.assembledAt.toISOString();
  const composition: Composition = {
    resourceType: 'Composition',
    id: uuid(`composition\0${grant.grantId}`),
    meta: { profile: [IPS_COMPOSITION_PROFILE] },
    status: 'final',
    type: { coding: [{ system: LOINC, ...PATIENT_SUMMARY }] },
    subject: { reference: patientUrl },
    date: assembledAt,
    author: [{ reference: authorUrl }],
    title: 'Patient Summary (temporary, Custodia grant)',
    confidentiality: confidentialityOf(released.map(({ record }) => record.document)),
    section: sections,
  };
  const patient: Patient = {
    resourceType: 'Patient',
    id: uuid(`patient\0${grant.patientId}`),
    identifier: [{ system: CUSTODIA_PATIENT_SYSTEM, value: grant.patientId }],
  };
  const author: Device = {
    resourceType: 'Device',
    id: uuid('custodia-datalake'),
    deviceName: [{ name: 'Custodia data lake', type: 'manufacturer-name' }],
  };
  return {
    resourceType: 'Bundle',
    id: uuid(`bundle\0${grant.grantId}\0${assembledAt}`),
    meta: {
      profile: [IPS_BUNDLE_PROFILE],
      security: [
        { system: ACT_CODE_SYSTEM, code: 'DELAU', display: 'delete after use' },
        { system: ACT_CODE_SYSTEM, code: 'NORDSCLCD', display: 'no redisclosure without consent directive' },
      ],
    },
    identifier: { system: CUSTODIA_GRANT_SYSTEM, value: grant.grantId },
    type: 'document',
    timestamp: assembledAt,
    entry: [
      { fullUrl: compositionUrl, resource: composition },
      { fullUrl: patientUrl, resource: patient },
      { fullUrl: authorUrl, resource: author },
      ...entries,
    ],
  };
}

/** A copy of the stored resource pointed at the summary's patient; binaries get their link instead of data. */
function prepare(record: SummaryRecord, patientUrl: string): Resource {
  const copy = structuredClone(record.resource) as Resource & Record<string, unknown>;
  for (const field of ['subject', 'patient'] as const) {
    if (typeof copy[field] === 'object' && copy[field] !== null) copy[field] = { reference: patientUrl };
  }
  if (copy.resourceType === 'DocumentReference' && record.document.binary !== undefined) {
    const binary = record.document.binary;
    const doc = copy as DocumentReference;
    const first = doc.content?.[0]?.attachment ?? {};
    const attachment = { ...first, contentType: binary.contentType, size: binary.size };
    delete attachment.data;
    if (record.binaryUrl !== undefined) attachment.url = record.binaryUrl;
    doc.content = [{ ...(doc.content?.[0] ?? {}), attachment }];
  }
  return copy;
}

function confidentialityOf(records: readonly RecordDocument[]): Composition['confidentiality'] {
  const labels = new Set(records.flatMap((record) => record.labels));
  if (labels.has('V')) return 'V';
  if (labels.has('R') || [...labels].some((label) => label !== 'R' && label !== 'V')) return 'R';
  return 'N';
}

/** Narrative is required in IPS sections; it states counts only, never content. */
function narrative(text: string): CompositionSection['text'] {
  return { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${text}</div>` };
}

/** A stable UUID derived from a name (same name, same UUID), in RFC 4122 layout. */
export function uuid(name: string): string {
  const hex = createHash('sha256').update(`custodia-ips\0${name}`).digest('hex');
  const variant = ((parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function urn(name: string): string {
  return `urn:uuid:${uuid(name)}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
