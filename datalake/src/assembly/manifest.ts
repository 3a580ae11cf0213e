/**
 * The manifest of a delivery: which records (by id and registered hash) went into the temporary
 * record and which were excluded and why. Its SHA-256 is what `recordDelivery` puts on the ledger,
 * so an auditor can check a delivery against the grant and the registrations.
 */
import { createHash } from 'node:crypto';

/**
 * Why a selected record was not released:
 * - `not-registered`, `hash-mismatch`: the ledger has no such registration, or another hash for it;
 * - `unreadable`: its sealed object failed authentication (changed, swapped, replayed) or is gone;
 * - `superseded`: the ledger says a newer version replaced the record (the lake's index had not caught up);
 * - `metadata-unauthentic`: its stored metadata document failed authentication (changed, copied from another
 *   record or patient) or is gone;
 * - `metadata-replayed`: its stored metadata document is an older version than the lake last wrote;
 * - `metadata-mismatch`: its metadata disagrees with the index or with its on-chain registration.
 */
export const EXCLUSION_REASONS = [
  'hash-mismatch',
  'not-registered',
  'unreadable',
  'superseded',
  'metadata-unauthentic',
  'metadata-replayed',
  'metadata-mismatch',
] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

export interface Manifest {
  readonly grantId: string;
  readonly patientId: string;
  readonly assembledAt: string;
  readonly included: readonly { readonly recordId: string; readonly contentHash: string }[];
  readonly excluded: readonly { readonly recordId: string; readonly reason: ExclusionReason }[];
}

/** Canonical form: fixed key order, lists sorted by record id. */
export function canonicalManifest(manifest: Manifest): string {
  const byId = <T extends { recordId: string }>(list: readonly T[]) =>
    [...list].sort((a, b) => (a.recordId < b.recordId ? -1 : a.recordId > b.recordId ? 1 : 0));
  return JSON.stringify({
    grantId: manifest.grantId,
    patientId: manifest.patientId,
    assembledAt: manifest.assembledAt,
    included: byId(manifest.included).map((each) => ({
      recordId: each.recordId,
      contentHash: each.contentHash,
    })),
    excluded: byId(manifest.excluded).map((each) => ({ recordId: each.recordId, reason: each.reason })),
  });
}

export function manifestHash(manifest: Manifest): string {
  return createHash('sha256').update(canonicalManifest(manifest)).digest('hex');
}
