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

/** Members that say where and when a server stored the resource, not what it says. */
const SERVER_META = ['versionId', 'lastUpdated', 'source'];

export function contentKey(resource: Resource): string {
  const identity: Record<string, unknown> = { ...resource };
  delete identity.id;
  const meta = Object.fromEntries(
    Object.entries(resource.meta ?? {}).filter(([member]) => !SERVER_META.includes(member)),
  );
  if (Object.keys(meta).length > 0) identity.meta = meta;
  else delete identity.meta;
  return createHash('sha256').update('custodia-content\0').update(canonicalJson(identity)).digest('hex');
}
