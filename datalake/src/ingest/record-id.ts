/**
 * Record ids are derived from (organisation, source id, content hash), so the same upload retried
 * maps to the same record and a changed document to a new one. The id reveals none of its inputs.
 */
import { createHash } from 'node:crypto';

export function recordIdFor(organisation: string, sourceId: string, contentHash: string): string {
  const digest = createHash('sha256')
    .update('custodia-record\0')
    .update(organisation)
    .update('\0')
    .update(sourceId)
    .update('\0')
    .update(contentHash)
    .digest('hex');
  return `rec-${digest.slice(0, 40)}`;
}
