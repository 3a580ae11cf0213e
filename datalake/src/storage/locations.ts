/**
 * Data location: each organisation's records live in the storage location of its country — a
 * bucket prefix on the shared endpoint, or an endpoint of its own. Countries without an entry use
 * the home location, which also holds the per-request zones (curated, consumer).
 */
import { DatalakeError } from '../errors';
import type { S3Endpoint } from './minio-store';
import type { ObjectStore } from './object-store';

/** Zones of the data lake, plus the zone that holds wrapped data keys (kept apart so erasure can shred them). */
export const ZONES = ['raw', 'structured', 'curated', 'consumer', 'keys'] as const;
export type Zone = (typeof ZONES)[number];

export interface LocationSpec {
  /** Defaults to the home endpoint. */
  readonly endpoint?: S3Endpoint;
  /** Prepended to every bucket name, e.g. `de-`. */
  readonly bucketPrefix?: string;
}

export interface LocationsConfig {
  readonly home: LocationSpec & { readonly endpoint: S3Endpoint };
  /** ISO 3166-1 alpha-2 → location. */
  readonly countries?: Readonly<Record<string, LocationSpec>>;
}

export interface StorageLocation {
  /** `home` or the country code. */
  readonly name: string;
  readonly store: ObjectStore;
  bucket(zone: Zone): string;
}

const BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

export function bucketName(prefix: string, zone: Zone): string {
  const name = `${prefix}custodia-${zone}`;
  if (!BUCKET.test(name))
    throw new DatalakeError('INVALID_INPUT', 'bucket prefix gives an invalid bucket name');
  return name;
}

export class StorageLocations {
  private readonly home: StorageLocation;
  private readonly byCountry = new Map<string, StorageLocation>();

  constructor(config: LocationsConfig, storeFor: (endpoint: S3Endpoint) => ObjectStore) {
    // One client per endpoint and keys: a location with keys of its own signs with them, even on a shared URL.
    const stores = new Map<string, ObjectStore>();
    const urls = new Map<ObjectStore, string>();
    const store = (endpoint: S3Endpoint): ObjectStore => {
      const key = `${endpoint.url}\n${endpoint.accessKey}`;
      let existing = stores.get(key);
      if (existing === undefined) {
        existing = storeFor(endpoint);
        stores.set(key, existing);
        urls.set(existing, endpoint.url);
      }
      return existing;
    };
    this.home = location('home', store(config.home.endpoint), config.home.bucketPrefix ?? '');
    for (const [country, spec] of Object.entries(config.countries ?? {})) {
      if (!/^[A-Z]{2}$/.test(country))
        throw new DatalakeError('INVALID_INPUT', 'location country must be ISO alpha-2');
      const endpoint = spec.endpoint ?? config.home.endpoint;
      this.byCountry.set(country, location(country, store(endpoint), spec.bucketPrefix ?? ''));
    }
    // Bucket names are per endpoint, whatever keys reach them.
    const names = this.all().flatMap((each) =>
      ZONES.map((zone) => `${urls.get(each.store)}/${each.bucket(zone)}`),
    );
    if (new Set(names).size !== names.length) {
      throw new DatalakeError('INVALID_INPUT', 'two storage locations share buckets on one endpoint');
    }
  }

  /** Where records of an organisation in `country` are stored. */
  forCountry(country: string): StorageLocation {
    return this.byCountry.get(country) ?? this.home;
  }

  /** The location of the per-request zones (curated, consumer). */
  get homeLocation(): StorageLocation {
    return this.home;
  }

  all(): StorageLocation[] {
    return [this.home, ...this.byCountry.values()];
  }

  async ensureBuckets(): Promise<void> {
    for (const each of this.all()) {
      for (const zone of ZONES) await each.store.ensureBucket(each.bucket(zone));
    }
  }
}

function location(name: string, store: ObjectStore, prefix: string): StorageLocation {
  const buckets = new Map(ZONES.map((zone) => [zone, bucketName(prefix, zone)] as const));
  return { name, store, bucket: (zone) => buckets.get(zone) as string };
}
