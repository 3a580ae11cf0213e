/**
 * Record ids are derived from (organisation, source id, content hash) — and, for a new version, the record it
 * replaces — so the same upload retried maps to the same record and a changed document to a new one (a
 * document changed back to an earlier content is a new version too, not the retired record). The id reveals
 * none of its inputs. Source keys group the versions of one source document without holding its id in clear.
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

/** The key of one source document of one organisation (every version of it shares it). */
export function sourceKeyFor(organisation: string, sourceId: string): string {
  return createHash('sha256')
    .update('custodia-source\0')
    .update(organisation)
    .update('\0')
    .update(sourceId)
    .digest('hex');
}
