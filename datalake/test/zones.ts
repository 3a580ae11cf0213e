/**
 * Test factory: the keys and sealed stores of the zones over given storage locations, as the service wires them —
 * a keyring per location (organisation key files created on demand, under `keyDir/<CC>`), sealed documents and
 * objects, the lake's keyed hashes. The same `keyDir` and `hashKey` give a restarted process the same keys.
 */
import path from 'node:path';
import { FileKeyProvider } from '../src/crypto/file-key-provider';
import { KeyedHash } from '../src/crypto/keyed-hash';
import { Keyring, Keyrings } from '../src/crypto/keyring';
import type { StorageLocations } from '../src/storage/locations';
import { ConsumerZone } from '../src/zones/consumer';
import { SealedDocuments } from '../src/zones/documents';
import { SealedObjects } from '../src/zones/sealed-objects';

export const LAKE_OWNER = 'custodia-datalake';

export interface TestZones {
  readonly tokens: KeyedHash;
  readonly keyrings: Keyrings;
  readonly documents: SealedDocuments;
  readonly sealed: SealedObjects;
  /** The consumer zone over the locations given (told of forged expiry markers). */
  consumer(onForgedMarker?: (location: string) => void): ConsumerZone;
}

/** The zones' keys for `locations` (or for bare countries, when a test needs no storage). */
export function zonesOn(
  locations: StorageLocations | readonly string[],
  keyDir: string,
  hashKey: Buffer,
): TestZones {
  const tokens = new KeyedHash(hashKey);
  const countries = Array.isArray(locations)
    ? (locations as readonly string[])
    : (locations as StorageLocations).all().map((location) => location.country);
  const keyrings = new Keyrings(
    new Map(
      countries.map((country) => {
        const directory = path.join(keyDir, country);
        const kek = new FileKeyProvider({ directory, create: true });
        return [country, new Keyring({ country, kek, directory, tokens, lakeOwner: LAKE_OWNER })];
      }),
    ),
  );
  const documents = new SealedDocuments(keyrings);
  const sealed = new SealedObjects(keyrings);
  return {
    tokens,
    keyrings,
    documents,
    sealed,
    consumer: (onForgedMarker) => {
      if (Array.isArray(locations)) throw new Error('a consumer zone needs storage locations');
      return new ConsumerZone(
        locations as StorageLocations,
        sealed,
        documents,
        keyrings,
        LAKE_OWNER,
        onForgedMarker,
      );
    },
  };
}
