/**
 * Record ids are derived from (organisation, source id, content hash) — and, for a new version, the record it
 * replaces — so the same upload retried maps to the same record and a changed document to a new one (a
 * document changed back to an earlier content is a new version too, not the retired record). The source id comes
 * in as the lake's keyed hash of it (`sourceToken`), so the id — which goes on-chain — cannot be tested against a
 * guessed file name even by someone who knows the content hash.
 */
import { createHash } from 'node:crypto';

export function recordIdFor(
  organisation: string,
  sourceId: string,
  contentHash: string,
  supersedes?: string,
): string {
  const hash = createHash('sha256')
    .update('custodia-record\0')
    .update(organisation)
    .update('\0')
    .update(sourceId)
    .update('\0')
    .update(contentHash);
  if (supersedes !== undefined) hash.update('\0').update(supersedes);
  return `rec-${hash.digest('hex').slice(0, 40)}`;
}
