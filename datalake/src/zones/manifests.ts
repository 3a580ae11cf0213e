/**
 * Delivery manifests, kept for auditors in the structured zone of the home location: ids, hashes and exclusion
 * reasons only, stored as the exact canonical bytes whose SHA-256 the ledger's delivery entry holds. They are
 * apart from the consumer zone, so they outlive the temporary record (expiry, revocation, erasure).
 */
import { canonicalManifest, manifestHash } from '../assembly/manifest';
import type { Manifest } from '../assembly/manifest';
import { DatalakeError } from '../errors';
import type { StorageLocation } from '../storage/locations';
import { layout } from './layout';

export interface StoredManifestBytes {
  readonly manifestHash: string;
  /** The canonical JSON, byte for byte as hashed. */
  readonly bytes: Buffer;
}

const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

export class DeliveryManifests {
  constructor(private readonly location: StorageLocation) {}

  /** Stores the manifest (before the delivery goes on-chain) and returns its hash. */
  async put(manifest: Manifest): Promise<string> {
    const hash = manifestHash(manifest);
    await this.location.store.put(
      this.location.bucket('structured'),
      layout.deliveryManifest(manifest.grantId, hash),
      Buffer.from(canonicalManifest(manifest)),
      { contentType: 'application/json' },
    );
    return hash;
  }

  /** The manifest with this hash, or the latest assembled one of the grant. */
  async get(grantId: string, hash?: string): Promise<StoredManifestBytes> {
    const bucket = this.location.bucket('structured');
    if (hash !== undefined) {
      const bytes = await this.location.store.getBuffer(
        bucket,
        layout.deliveryManifest(grantId, hash),
        MAX_MANIFEST_BYTES,
      );
      if (bytes === undefined) throw new DatalakeError('NOT_FOUND', 'no such manifest for this grant');
      return { manifestHash: hash, bytes };
    }
    let latest: (StoredManifestBytes & { assembledAt: string }) | undefined;
    for await (const item of this.location.store.list(bucket, layout.deliveryManifests(grantId))) {
      const bytes = await this.location.store.getBuffer(bucket, item.key, MAX_MANIFEST_BYTES);
      if (bytes === undefined) continue;
      const { assembledAt } = JSON.parse(bytes.toString('utf8')) as Pick<Manifest, 'assembledAt'>;
      const stored = { manifestHash: hashOfKey(item.key), bytes, assembledAt };
      if (latest === undefined || assembledAt > latest.assembledAt) latest = stored;
    }
    if (latest === undefined) throw new DatalakeError('NOT_FOUND', 'this grant has no delivery manifest');
    return { manifestHash: latest.manifestHash, bytes: latest.bytes };
  }
}

function hashOfKey(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1).replace(/\.json$/, '');
}
