/**
 * Delivery manifests, kept for auditors in the structured zone of the patient's home location (where the temporary
 * record was assembled): ids, hashes and exclusion reasons only, kept as the exact canonical bytes whose SHA-256 the
 * ledger's delivery entry holds, sealed under the location key (not the patient's: they hold no personal data beyond
 * pseudonymous ids, and auditors need them after the patient's erasure too — README, *Erasure*). They are apart
 * from the consumer zone, so they outlive the temporary record (expiry, revocation, erasure).
 */
import { canonicalManifest, manifestHash } from '../assembly/manifest';
import type { Manifest } from '../assembly/manifest';
import { DatalakeError } from '../errors';
import type { StorageLocation, StorageLocations } from '../storage/locations';
import type { SealedDocuments } from './documents';
import { layout } from './layout';

export interface StoredManifestBytes {
  readonly manifestHash: string;
  /** The canonical JSON, byte for byte as hashed. */
  readonly bytes: Buffer;
}

const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

export class DeliveryManifests {
  constructor(
    private readonly locations: StorageLocations,
    private readonly documents: SealedDocuments,
  ) {}

  /** Stores the manifest in `location` (before the delivery goes on-chain) and returns its hash. */
  async put(location: StorageLocation, manifest: Manifest): Promise<string> {
    const hash = manifestHash(manifest);
    await this.documents.put(
      location,
      'structured',
      layout.deliveryManifest(manifest.grantId, hash),
      { scope: 'location' },
      { canonical: canonicalManifest(manifest) },
    );
    return hash;
  }

  /** The manifest with this hash, or the latest assembled one of the grant, wherever it was assembled. */
  async get(grantId: string, hash?: string): Promise<StoredManifestBytes> {
    let latest: (StoredManifestBytes & { assembledAt: string }) | undefined;
    for (const location of this.locations.all()) {
      const bucket = location.bucket('structured');
      for await (const item of location.store.list(bucket, layout.deliveryManifests(grantId))) {
        const stored = await this.read(location, item.key);
        if (stored === undefined || (hash !== undefined && stored.manifestHash !== hash)) continue;
        if (latest === undefined || stored.assembledAt > latest.assembledAt) latest = stored;
      }
    }
    if (latest === undefined)
      throw new DatalakeError(
        'NOT_FOUND',
        hash === undefined ? 'this grant has no delivery manifest' : 'no such manifest for this grant',
      );
    return { manifestHash: latest.manifestHash, bytes: latest.bytes };
  }

  /** An authentic manifest whose bytes hash to the hash its key names; anything else is not one. */
  private async read(
    location: StorageLocation,
    key: string,
  ): Promise<(StoredManifestBytes & { assembledAt: string }) | undefined> {
    const opened = await this.documents.get(location, 'structured', key, MAX_MANIFEST_BYTES);
    const canonical = (opened?.value as { canonical?: unknown } | undefined)?.canonical;
    if (typeof canonical !== 'string') return undefined;
    const manifest = JSON.parse(canonical) as Manifest;
    const hash = manifestHash(manifest);
    if (key !== layout.deliveryManifest(manifest.grantId, hash))
      throw new DatalakeError('INTEGRITY_FAILED', 'manifest does not belong here');
    return { manifestHash: hash, bytes: Buffer.from(canonical, 'utf8'), assembledAt: manifest.assembledAt };
  }
}
