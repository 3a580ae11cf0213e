/**
 * Tags chosen for an upload, written the way the data lake reads them: categories as `meta.tag` in
 * Custodia's category system, sensitivity labels as `meta.security`.
 */
import type { Category, Label } from '@custodia/chaincode/model';
import type { FhirResource } from '../api/types';

export const CATEGORY_TAG_SYSTEM = 'urn:custodia:category';
export const CONFIDENTIALITY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';
export const ACT_CODE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';

export interface UploadTags {
  readonly categories: readonly Category[];
  readonly labels: readonly Label[];
}

interface Coding {
  readonly system?: string;
  readonly code?: string;
}

function securityCoding(label: Label): Coding {
  return { system: label === 'R' || label === 'V' ? CONFIDENTIALITY_SYSTEM : ACT_CODE_SYSTEM, code: label };
}

function withCodings(existing: unknown, added: readonly Coding[]): Coding[] {
  const list = Array.isArray(existing) ? (existing as Coding[]) : [];
  const key = (c: Coding) => `${c.system}|${c.code}`;
  const seen = new Set(list.map(key));
  return [...list, ...added.filter((c) => !seen.has(key(c)))];
}

/** A copy of the resource carrying the tags (existing tags are kept). */
export function tagResource<R extends FhirResource>(resource: R, tags: UploadTags): R {
  if (tags.categories.length === 0 && tags.labels.length === 0) return resource;
  const meta = (resource.meta && typeof resource.meta === 'object' ? resource.meta : {}) as Record<
    string,
    unknown
  >;
  return {
    ...resource,
    meta: {
      ...meta,
      tag: withCodings(
        meta.tag,
        tags.categories.map((code) => ({ system: CATEGORY_TAG_SYSTEM, code })),
      ),
      security: withCodings(meta.security, tags.labels.map(securityCoding)),
    },
  };
}

/** Tags every resource of a Bundle (or a single resource). */
export function tagUpload(document: FhirResource, tags: UploadTags): FhirResource {
  if (document.resourceType !== 'Bundle' || !Array.isArray(document.entry))
    return tagResource(document, tags);
  const entries = document.entry as readonly { readonly resource?: FhirResource }[];
  return {
    ...document,
    entry: entries.map((entry) =>
      entry.resource ? { ...entry, resource: tagResource(entry.resource, tags) } : entry,
    ),
  };
}

/** The DocumentReference that describes a binary upload (a scan, a PDF) in the record. */
export function documentReferenceFor(
  file: { readonly name: string; readonly type: string; readonly size: number },
  patientId: string,
  tags: UploadTags,
): FhirResource {
  return tagResource(
    {
      resourceType: 'DocumentReference',
      status: 'current',
      // The lake binds every resource to the upload's patient by reference (identifier-only subjects are refused).
      subject: { reference: `Patient/${patientId}` },
      description: file.name,
      content: [
        {
          attachment: {
            contentType: file.type || 'application/octet-stream',
            title: file.name,
            size: file.size,
          },
        },
      ],
    },
    tags,
  );
}
