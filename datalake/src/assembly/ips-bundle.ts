/**
 * Builds the temporary patient health record: a FHIR R4 document Bundle conforming to the International Patient
 * Summary (IPS 2.0.1). Pure: the same inputs give the same Bundle (ids are derived, time is an input).
 * - Composition first (60591-5), IPS sections only (sections.ts): the required ones and those of the requested
 *   categories; a section without entries says why (emptyReason withheld / unavailable / not asked).
 * - The Patient carries the identification set the home organisation holds and the pseudonymous Custodia id
 *   (patient.ts); without an identification set the Bundle claims no IPS profile.
 * - Every entry gets a new id agreeing with its `urn:uuid` fullUrl and a generated narrative (narrative.ts); every
 *   reference points inside the Bundle or is reduced to a display (references.ts). Practitioner, Organization,
 *   Location and Medication resources a released entry references come along; records only when released.
 * - Binaries appear as their DocumentReference with an absolute short-lived link instead of data.
 * - meta.security: the record's confidentiality (confidentiality.ts), DELAU (delete after use) and NORDSCLCD
 *   (no redisclosure without consent); the Composition carries the same confidentiality.
 */
import { createHash } from 'node:crypto';
import type {
  Attachment,
  Bundle,
  BundleEntry,
  CodeableConcept,
  Composition,
  CompositionSection,
  Device,
  DocumentReference,
  Reference,
  Resource,
} from '@medplum/fhirtypes';
import { canonical, CATEGORIES } from '@custodia/chaincode';
import type { Category, Label } from '@custodia/chaincode';
import { ACT_CODE_SYSTEM } from '../labelling';
import type { RecordDocument } from '../zones/record-document';
import { confidentialityCoding, recordConfidentiality } from './confidentiality';
import { dateOf, entryNarrative, narrative, paragraph, table, text, titleOf } from './narrative';
import { summaryPatient } from './patient';
import type { PatientIdentification } from './patient';
import { CONTEXT_TYPES, ReferenceIndex, rewriteReferences } from './references';
import type { ReferenceTarget, RewriteContext } from './references';
import { releasedCategories } from './select';
import type { GrantScope } from './select';
import {
  CATEGORY_SECTION,
  IPS_SECTIONS,
  LOINC,
  PATIENT_SUMMARY,
  REQUIRED_SECTIONS,
  SECTION_IDS,
  sectionOf,
} from './sections';
import type { SectionId } from './sections';

export const EMPTY_REASON_SYSTEM = 'http://terminology.hl7.org/CodeSystem/list-empty-reason';
export const IPS_BUNDLE_PROFILE = 'http://hl7.org/fhir/uv/ips/StructureDefinition/Bundle-uv-ips';
export const IPS_COMPOSITION_PROFILE = 'http://hl7.org/fhir/uv/ips/StructureDefinition/Composition-uv-ips';
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
  /** For binary records: the short-lived link to the binary (a path, or absolute). */
  readonly binaryUrl?: string;
  /** The fullUrl the source gave the resource in its upload (transaction Bundles), when known. */
  readonly sourceUrl?: string;
}

/** A resource a source's records reference without being a record itself (CONTEXT_TYPES), from that source. */
export interface ContextResource {
  /** MSP id of the organisation that sent it. */
  readonly organisation: string;
  readonly resource: Resource;
  readonly sourceUrl?: string;
  /** Its security labels (decided at ingest): it is released only when the grant releases every one of them. */
  readonly labels?: readonly Label[];
}

export interface SummaryInput {
  readonly grant: SummaryGrant;
  readonly records: readonly SummaryRecord[];
  readonly assembledAt: Date;
  /** The patient's identification set, from the home organisation. Without it the Bundle claims no IPS profile. */
  readonly patient?: PatientIdentification;
  /** Practitioners, organisations, locations, medications, encounters, care teams the records may reference. */
  readonly context?: readonly ContextResource[];
  /** Public base URL (scheme, host, optional path) that makes binary links absolute, e.g. https://custodia.example.org */
  readonly publicBaseUrl?: string;
}

const EMPTY_REASONS = {
  withheld: { code: 'withheld', display: 'Information Withheld' },
  unavailable: { code: 'unavailable', display: 'Unavailable' },
  notasked: { code: 'notasked', display: 'Not Asked' },
} as const;

interface Placed {
  readonly record: SummaryRecord;
  readonly categories: readonly Category[];
  readonly fullUrl: string;
  readonly section: SectionId | undefined;
  /** The section whose narrative lists it (its own, or its first category's when no section may list its type). */
  readonly listedIn: SectionId;
}

export function buildPatientSummary(input: SummaryInput): Bundle {
  const { grant } = input;
  const claimsIps = input.patient !== undefined;
  const patientUrl = urn(`patient\0${grant.patientId}`);
  const authorUrl = urn('custodia-datalake');
  const released = input.records
    .map((record) => ({ record, categories: releasedCategories(record.document, grant) }))
    .filter((each) => each.categories.length > 0)
    .sort((a, b) => compare(a.record.document.recordId, b.record.document.recordId))
    .map(({ record, categories }): Placed => {
      const section = sectionOf(record.resource.resourceType, categories, documentTypes(record.resource));
      return {
        record,
        categories,
        fullUrl: urn(`record\0${record.document.recordId}`),
        section,
        listedIn: section ?? CATEGORY_SECTION[categories[0] as Category],
      };
    });

  const entries = includedEntries(input, released, patientUrl);
  const sections = buildSections(grant, released);
  const confidentiality = recordConfidentiality(
    released.map(({ record }) => ({ labels: record.document.labels, resource: record.resource })),
  );
  const assembledAt = input.assembledAt.toISOString();
  const compositionId = uuid(`composition\0${grant.grantId}`);
  const patient = summaryPatient(uuid(`patient\0${grant.patientId}`), grant.patientId, input.patient);
  const composition: Composition = {
    resourceType: 'Composition',
    id: compositionId,
    meta: {
      ...(claimsIps ? { profile: [IPS_COMPOSITION_PROFILE] } : {}),
      security: [confidentialityCoding(confidentiality)],
    },
    text: narrative(
      paragraph(text(`Patient summary assembled ${assembledAt} by Custodia for a temporary grant.`)),
      paragraph(text('Delete after use; no redisclosure without the patient’s consent.')),
    ),
    identifier: { system: CUSTODIA_GRANT_SYSTEM, value: grant.grantId },
    status: 'final',
    type: { coding: [{ system: LOINC, ...PATIENT_SUMMARY }] },
    subject: { reference: patientUrl },
    date: assembledAt,
    author: [{ reference: authorUrl }],
    title: 'Patient Summary (temporary, Custodia grant)',
    confidentiality,
    section: sections,
  };
  const author: Device = {
    resourceType: 'Device',
    id: uuid('custodia-datalake'),
    text: narrative(paragraph(text('Custodia data lake (software that assembled this summary)'))),
    deviceName: [{ name: 'Custodia data lake', type: 'manufacturer-name' }],
  };
  return {
    resourceType: 'Bundle',
    id: uuid(`bundle\0${grant.grantId}\0${assembledAt}`),
    meta: {
      ...(claimsIps ? { profile: [IPS_BUNDLE_PROFILE] } : {}),
      security: [
        confidentialityCoding(confidentiality),
        { system: ACT_CODE_SYSTEM, code: 'DELAU', display: 'delete after use' },
        { system: ACT_CODE_SYSTEM, code: 'NORDSCLCD', display: 'no redisclosure without consent directive' },
      ],
    },
    identifier: { system: CUSTODIA_GRANT_SYSTEM, value: grant.grantId },
    type: 'document',
    timestamp: assembledAt,
    entry: [
      { fullUrl: `urn:uuid:${compositionId}`, resource: composition },
      { fullUrl: patientUrl, resource: patient },
      { fullUrl: authorUrl, resource: author },
      ...entries,
    ],
  };
}

/** The released records and the provenance resources they reference, with new ids and rewritten references. */
function includedEntries(
  input: SummaryInput,
  released: readonly Placed[],
  patientUrl: string,
): BundleEntry[] {
  const targets: ReferenceTarget[] = released.map(({ record, fullUrl }) => ({
    organisation: record.document.organisation,
    resourceType: record.resource.resourceType,
    ...(record.resource.id === undefined ? {} : { sourceId: record.resource.id }),
    ...(record.sourceUrl === undefined ? {} : { sourceUrl: record.sourceUrl }),
    identifiers: identifiersOf(record.resource),
    fullUrl,
  }));
  // A label the grant releases for no category keeps its context resource out (its references become displays).
  const releasedLabels = new Set(input.grant.granted.flatMap((granted) => granted.labels));
  const context = (input.context ?? [])
    .filter(
      (each) =>
        CONTEXT_TYPES.has(each.resource.resourceType) &&
        (each.labels ?? []).every((label) => releasedLabels.has(label)),
    )
    .map((each, at) => {
      const key = each.resource.id ?? each.sourceUrl ?? String(at);
      return {
        each,
        target: {
          organisation: each.organisation,
          resourceType: each.resource.resourceType,
          ...(each.resource.id === undefined ? {} : { sourceId: each.resource.id }),
          ...(each.sourceUrl === undefined ? {} : { sourceUrl: each.sourceUrl }),
          identifiers: identifiersOf(each.resource),
          fullUrl: urn(`context\0${each.organisation}\0${each.resource.resourceType}\0${key}`),
        } satisfies ReferenceTarget,
      };
    })
    .sort((a, b) => compare(a.target.fullUrl, b.target.fullUrl));
  const index = new ReferenceIndex([...targets, ...context.map(({ target }) => target)]);
  const wanted = new Set<string>();
  const contextFor = (organisation: string, patientReferences: ReadonlySet<string>): RewriteContext => ({
    organisation,
    index,
    patientReferences,
    patientUrl,
    onResolved: (target) => wanted.add(target.fullUrl),
  });

  const recordEntries = released.map(({ record, fullUrl }) => {
    const patientReferences = new Set(subjectReferences(record.resource));
    const bound = bindSubject(record.resource, patientUrl);
    const rewritten = rewriteReferences(bound, contextFor(record.document.organisation, patientReferences));
    const resource = withAttachments(rewritten, record, input.publicBaseUrl);
    return entry(fullUrl, withSource(withNarrative(resource, record.resource), record.document.organisation));
  });

  // Provenance resources referenced by what is included (also by each other: a role's organisation).
  const contextEntries = new Map<string, BundleEntry>();
  let pending = context.filter(({ target }) => wanted.has(target.fullUrl));
  while (pending.length > 0) {
    for (const { each, target } of pending) {
      const rewritten = rewriteReferences(each.resource, contextFor(each.organisation, new Set()));
      contextEntries.set(
        target.fullUrl,
        entry(
          target.fullUrl,
          withSource(withNarrative(withoutAttachmentPaths(rewritten), each.resource), each.organisation),
        ),
      );
    }
    pending = context.filter(
      ({ target }) => wanted.has(target.fullUrl) && !contextEntries.has(target.fullUrl),
    );
  }
  return [
    ...recordEntries,
    ...[...contextEntries.values()].sort((a, b) => compare(a.fullUrl ?? '', b.fullUrl ?? '')),
  ];
}

function buildSections(grant: SummaryGrant, released: readonly Placed[]): CompositionSection[] {
  const requestedSections = grant.requested.map((category) => CATEGORY_SECTION[category]);
  const shown = new Set<SectionId>([
    ...REQUIRED_SECTIONS,
    ...requestedSections,
    ...released.flatMap(({ section }) => (section === undefined ? [] : [section])),
  ]);
  return SECTION_IDS.filter((id) => shown.has(id)).map((id): CompositionSection => {
    const code = IPS_SECTIONS[id];
    const base: CompositionSection = {
      title: code.title,
      code: { coding: [{ system: LOINC, code: code.code, display: code.display }] },
    };
    const placed = released.filter((each) => each.section === id);
    const listed = released.filter((each) => each.listedIn === id);
    const mapped = canonical(
      CATEGORIES,
      grant.requested.filter((category) => CATEGORY_SECTION[category] === id),
    );
    const withheld = mapped.filter(
      (category) => grant.denied.includes(category) || !grant.granted.some((g) => g.category === category),
    );
    const notes = withheld.map((category) =>
      paragraph(text(`${category}: withheld by the patient’s rules.`)),
    );
    if (listed.length > 0) {
      const rows = listed.map(({ record }) => {
        const fields = record.resource as unknown as Json;
        return [titleOf(fields), record.resource.resourceType, dateOf(fields) ?? ''];
      });
      return {
        ...base,
        text: narrative(table(['Entry', 'Type', 'Date'], rows), ...notes),
        ...(placed.length === 0
          ? { emptyReason: emptyReason(EMPTY_REASONS.unavailable) }
          : { entry: placed.map(({ fullUrl }): Reference => ({ reference: fullUrl })) }),
      };
    }
    const reason =
      withheld.length > 0
        ? EMPTY_REASONS.withheld
        : mapped.length === 0
          ? EMPTY_REASONS.notasked
          : EMPTY_REASONS.unavailable;
    return {
      ...base,
      text: narrative(paragraph(text(reason.display)), ...notes),
      emptyReason: emptyReason(reason),
    };
  });
}

function emptyReason(reason: { code: string; display: string }): CodeableConcept {
  return { coding: [{ system: EMPTY_REASON_SYSTEM, ...reason }] };
}

type Json = Record<string, unknown>;

/** The entry's narrative is generated from the source resource; the source's own markup is never kept. */
function withNarrative(resource: Resource, source: Resource): Resource {
  return { ...resource, text: entryNarrative(source as unknown as Json) } as Resource;
}

/** The organisation a released resource comes from, named in `meta.source` (its MSP id, as the ledger names it). */
export const SOURCE_ORGANISATION_PREFIX = 'urn:custodia:organisation:';

function withSource(resource: Resource, organisation: string): Resource {
  return { ...resource, meta: { ...resource.meta, source: `${SOURCE_ORGANISATION_PREFIX}${organisation}` } };
}

function entry(fullUrl: string, resource: Resource): BundleEntry {
  return { fullUrl, resource: { ...resource, id: fullUrl.slice('urn:uuid:'.length) } };
}

function identifiersOf(resource: Resource): NonNullable<ReferenceTarget['identifiers']> {
  const identifier = (resource as { identifier?: unknown }).identifier;
  if (Array.isArray(identifier)) return identifier as ReferenceTarget['identifiers'];
  return typeof identifier === 'object' && identifier !== null
    ? [identifier as ReferenceTarget['identifiers'][number]]
    : [];
}

function subjectReferences(resource: Resource): string[] {
  const fields = resource as unknown as Json;
  return ['subject', 'patient']
    .map((field) => (fields[field] as Reference | undefined)?.reference)
    .filter((reference): reference is string => typeof reference === 'string');
}

/** The record's subject is the upload's patient (bound at ingest): it points at the summary's Patient. */
function bindSubject(resource: Resource, patientUrl: string): Resource {
  const copy = { ...resource } as Resource & Json;
  for (const field of ['subject', 'patient'] as const) {
    if (typeof copy[field] === 'object' && copy[field] !== null) copy[field] = { reference: patientUrl };
  }
  return copy;
}

function documentTypes(resource: Resource): string[] {
  if (resource.resourceType !== 'DocumentReference') return [];
  const concepts = [resource.type, ...(resource.category ?? [])];
  return concepts.flatMap((concept) =>
    (concept?.coding ?? []).filter((coding) => coding.system === LOINC).map((coding) => coding.code ?? ''),
  );
}

/** A binary's DocumentReference gets its absolute link instead of data; relative source links are dropped. */
function withAttachments(
  resource: Resource,
  record: SummaryRecord,
  publicBaseUrl: string | undefined,
): Resource {
  const binary = record.document.binary;
  if (resource.resourceType !== 'DocumentReference' || binary === undefined)
    return withoutAttachmentPaths(resource);
  const doc = resource as DocumentReference;
  const first = doc.content?.[0]?.attachment ?? {};
  const attachment: Attachment = { ...first, contentType: binary.contentType, size: binary.size };
  delete attachment.data;
  delete attachment.url;
  if (record.binaryUrl !== undefined) attachment.url = absolute(record.binaryUrl, publicBaseUrl);
  return { ...doc, content: [{ ...(doc.content?.[0] ?? {}), attachment }] };
}

function absolute(link: string, base: string | undefined): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(link) || base === undefined) return link;
  return `${base.replace(/\/+$/, '')}${link.startsWith('/') ? '' : '/'}${link}`;
}

/** A source's relative attachment URL points into a system the reader cannot reach: dropped (title and data stay). */
function withoutAttachmentPaths<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => withoutAttachmentPaths(item)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const copy: Json = {};
  for (const [key, child] of Object.entries(value as Json)) copy[key] = withoutAttachmentPaths(child);
  const looksLikeAttachment =
    typeof copy.url === 'string' && ('contentType' in copy || 'title' in copy || 'data' in copy);
  if (looksLikeAttachment && !/^[a-z][a-z0-9+.-]*:/i.test(copy.url as string)) delete copy.url;
  return copy as T;
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
