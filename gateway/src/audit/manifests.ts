/**
 * Checks each logged delivery against the manifest the data lake kept for it: the manifest's canonical SHA-256
 * (the data lake's own `manifestHash`) must be the hash on-chain, and every record it includes must be
 * registered on-chain, before the delivery, with the same content hash, and be one the grant releases (the data
 * lake's own release test over the on-chain registration's patient, categories and labels).
 */
import { toMillis } from '@custodia/chaincode';
import type { RecordMeta } from '@custodia/chaincode';
import { manifestHash, releasedCategories } from '@custodia/datalake';
import type { Manifest } from '@custodia/datalake';
import { errorCode } from '../errors';
import { DISCREPANCY_KINDS } from './discrepancy';
import type { Discrepancy } from './discrepancy';
import type { LoggedDelivery } from './replay';

/** Where delivery manifests come from (the data lake's auditor API, e.g. `DatalakeClient.getManifest`). */
export interface ManifestSource {
  /** The manifest kept for the delivery of `grantId` whose on-chain hash is `manifestHash`; undefined if none. */
  getManifest(grantId: string, manifestHash: string): Promise<Manifest | undefined>;
}

/**
 * Manifests asked of the data lake at once: one at a time, a long day's deliveries (tens of thousands) took
 * minutes of round trips; a few in flight overlap them without flooding the lake.
 */
const MANIFEST_READS_IN_FLIGHT = 8;

export interface ManifestCheck {
  readonly manifestsChecked: number;
  readonly discrepancies: readonly Discrepancy[];
}

export async function verifyManifests(
  deliveries: readonly LoggedDelivery[],
  source: ManifestSource,
  registration: (recordId: string) => Promise<RecordMeta | undefined>,
  /** Told as deliveries are checked: how many so far. */
  onChecked?: (deliveriesChecked: number) => void,
): Promise<ManifestCheck> {
  // Each delivery's findings kept in its own slot, so the report lists them in chain order whatever the timing.
  const findings: Discrepancy[][] = deliveries.map(() => []);
  let manifestsChecked = 0;
  let deliveriesChecked = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < deliveries.length) {
      const index = next;
      next += 1;
      const delivery = deliveries[index] as LoggedDelivery;
      if (await checkDelivery(delivery, source, registration, findings[index] as Discrepancy[]))
        manifestsChecked += 1;
      deliveriesChecked += 1;
      onChecked?.(deliveriesChecked);
    }
  };
  await Promise.all(Array.from({ length: MANIFEST_READS_IN_FLIGHT }, worker));
  return { manifestsChecked, discrepancies: findings.flat() };
}

/** Checks one delivery, adding what is wrong to `found`; true when its manifest was found and checked. */
async function checkDelivery(
  delivery: LoggedDelivery,
  source: ManifestSource,
  registration: (recordId: string) => Promise<RecordMeta | undefined>,
  found: Discrepancy[],
): Promise<boolean> {
  const report = (kind: Discrepancy['kind'], detail: string) =>
    found.push({ kind, block: delivery.block, txId: delivery.txId, detail });
  let manifest: Manifest | undefined;
  try {
    manifest = await source.getManifest(delivery.grantId, delivery.manifestHash);
  } catch (error) {
    report(
      DISCREPANCY_KINDS.MANIFEST_UNAVAILABLE,
      `grant ${delivery.grantId}: the data lake answered ${errorCode(error) ?? 'UNKNOWN'}`,
    );
    return false;
  }
  if (!manifest) {
    report(
      DISCREPANCY_KINDS.MANIFEST_UNAVAILABLE,
      `grant ${delivery.grantId}: no manifest ${delivery.manifestHash}`,
    );
    return false;
  }
  const actual = manifestHash(manifest);
  if (actual !== delivery.manifestHash || manifest.grantId !== delivery.grantId) {
    report(
      DISCREPANCY_KINDS.MANIFEST_HASH_MISMATCH,
      `grant ${delivery.grantId}: manifest of grant ${manifest.grantId} hashes to ${actual}, on-chain ${delivery.manifestHash}`,
    );
  }
  for (const record of manifest.included) {
    const registered = await registration(record.recordId);
    if (!registered || toMillis(registered.registeredAt) > toMillis(delivery.deliveredAt)) {
      report(
        DISCREPANCY_KINDS.RECORD_NOT_REGISTERED,
        `record ${record.recordId} was not registered on-chain before the delivery of grant ${delivery.grantId}`,
      );
    } else if (registered.contentHash !== record.contentHash) {
      report(
        DISCREPANCY_KINDS.RECORD_HASH_MISMATCH,
        `record ${record.recordId}: delivered ${record.contentHash}, registered ${registered.contentHash}`,
      );
    } else if (
      delivery.grant &&
      releasedCategories({ ...registered, state: 'published' }, delivery.grant).length === 0
    ) {
      report(
        DISCREPANCY_KINDS.RECORD_OUTSIDE_GRANT,
        `record ${record.recordId} (${[...registered.categories, ...registered.labels].join(', ')}) is not released by grant ${delivery.grantId}`,
      );
    }
  }
  return true;
}
