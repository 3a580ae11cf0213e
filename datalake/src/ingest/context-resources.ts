/**
 * Context kept from an upload: the practitioners, organisations, locations, medications, encounters and care teams
 * (CONTEXT_TYPES) a source's records reference. They have no IPS category, so they are not records; the lake
 * keeps those that something in the same upload references (other entries of those types are skipped as before),
 * labelled like records (a psychiatric admission's Encounter carries PSY), so that assembly can resolve the
 * references of the records it releases. Nothing is stored here: this only decides what to keep.
 */
import type { BundleEntry, Coding, Identifier, Resource } from '@medplum/fhirtypes';
import type { Label } from '@custodia/chaincode';
import { CONTEXT_TYPES, referenceKeys, referencesIn } from '../assembly/references';
import { decideLabels, withLabels } from '../labelling';

/** Larger context resources are not kept (their references become displays): a context is a few fields. */
export const MAX_CONTEXT_BYTES = 48 * 1024;

export interface PlannedContext {
  readonly resourceType: string;
  /** The source's id of the resource (or its entry's fullUrl): what its references name, unique per source. */
  readonly sourceId: string;
  /** The entry's fullUrl in the upload. */
  readonly sourceUrl?: string;
  /** The resource as kept (UTF-8 JSON, with its labels in meta.security). */
  readonly content: Buffer;
  readonly labels: readonly Label[];
}

/**
 * Collects what an upload's entries reference (`observe`, every entry, before any is kept), then answers which
 * context entries to keep (`keep`). A streamed Bundle observes in its planning pass and keeps in its storing pass.
 */
export class ContextSelector {
  private readonly referenced = new Set<string>();

  constructor(
    /** The Bundle's own labels: they apply to everything in it. */
    private readonly inherited: readonly Coding[],
  ) {}

  observe(entry: BundleEntry): void {
    if (entry.resource !== undefined) referencesIn(entry.resource, this.referenced);
  }

  /** The entry as context to keep, or undefined (not a context type, referenced by nothing, too large). */
  keep(entry: BundleEntry): PlannedContext | undefined {
    const resource = entry.resource;
    if (resource === undefined || !CONTEXT_TYPES.has(resource.resourceType)) return undefined;
    const sourceId = resource.id ?? entry.fullUrl;
    if (sourceId === undefined) return undefined;
    const keys = referenceKeys({
      resourceType: resource.resourceType,
      ...(resource.id === undefined ? {} : { sourceId: resource.id }),
      ...(entry.fullUrl === undefined ? {} : { sourceUrl: entry.fullUrl }),
      identifiers: identifiersOf(resource),
    });
    if (!keys.some((key) => this.referenced.has(key))) return undefined;
    const { labels } = decideLabels(resource, { inherited: this.inherited });
    const content = Buffer.from(JSON.stringify(withLabels(resource, labels)), 'utf8');
    if (content.length > MAX_CONTEXT_BYTES) return undefined;
    return {
      resourceType: resource.resourceType,
      sourceId,
      ...(entry.fullUrl === undefined ? {} : { sourceUrl: entry.fullUrl }),
      content,
      labels,
    };
  }
}

function identifiersOf(resource: Resource): Identifier[] {
  const identifier = (resource as { identifier?: unknown }).identifier;
  if (Array.isArray(identifier)) return identifier as Identifier[];
  return typeof identifier === 'object' && identifier !== null ? [identifier as Identifier] : [];
}
