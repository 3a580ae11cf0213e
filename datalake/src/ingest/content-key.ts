/**
 * What makes two uploads "the same resource" for deduplication: the SHA-256 of the labelled resource's
 * canonical JSON (keys sorted) without what only says where and when a server stored it — its `id` (each
 * source system assigns its own; the same fact exported twice gets two) and `meta.versionId`,
 * `meta.lastUpdated`, `meta.source`. Everything clinical stays in, and so do the decided labels and explicit
 * category tags: the same content labelled differently is not the same record.
 */
import { createHash } from 'node:crypto';
import type { Resource } from '@medplum/fhirtypes';
import { canonicalJson } from '../json/canonical';

export function contentKey(resource: Resource): string {
  const { id: _id, meta, ...rest } = resource as Resource & { meta?: Record<string, unknown> };
  const { versionId: _version, lastUpdated: _updated, source: _source, ...kept } = meta ?? {};
  const identity = Object.keys(kept).length > 0 ? { ...rest, meta: kept } : rest;
  return createHash('sha256').update('custodia-content\0').update(canonicalJson(identity)).digest('hex');
}
