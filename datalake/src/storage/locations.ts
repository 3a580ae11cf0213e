/**
 * Data residency: every storage location belongs to exactly one country, and everything of a patient's data held
 * for that country — raw, structured, curated, consumer, data keys, manifests — lives in that location's buckets.
 * A country is configured with an S3 endpoint of its own (or a bucket prefix on the default endpoint); a country the
 * lake must serve without such an entry gets buckets of its own on the default endpoint (`<prefix><cc>-custodia-…`).
 * There is no location without a country.
 */
import { DatalakeError } from '../errors';
import type { S3Endpoint } from './minio-store';
import type { ObjectStore } from './object-store';

/** Zones of the data lake, plus the zone that holds wrapped data keys (kept apart so erasure can shred them). */
export const ZONES = ['raw', 'structured', 'curated', 'consumer', 'keys'] as const;
export type Zone = (typeof ZONES)[number];

export interface LocationSpec {
  /** Defaults to the default endpoint. */
  readonly endpoint?: S3Endpoint;
  /** Prepended to every bucket name, e.g. `de-`; default `<default prefix><cc>-` on the default endpoint, none on one of its own. */
  readonly bucketPrefix?: string;
}

export interface LocationsConfig {
  /** The endpoint of every country without one of its own. */
  readonly endpoint: S3Endpoint;
  /** Prefix of the buckets the lake makes on the default endpoint for countries without a prefix of their own. */
  readonly bucketPrefix?: string;
  /** ISO 3166-1 alpha-2 → location, as configured. */
  readonly countries?: Readonly<Record<string, LocationSpec>>;
  /** Countries the lake holds data of (its organisations' countries): each gets a location. */
  readonly required?: readonly string[];
}

export interface StorageLocation {
  /** The country the location belongs to (ISO alpha-2). */
  readonly country: string;
  readonly store: ObjectStore;
  /**
   * The URL of the endpoint its store was made from: what the residency check reports and what tells two locations'
   * buckets apart. (The keys stay with the store, which never shows them.)
   */
  readonly endpoint: { readonly url: string };
  bucket(zone: Zone): string;
}

const BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
export const COUNTRY = /^[A-Z]{2}$/;

export function bucketName(prefix: string, zone: Zone): string {
  const name = `${prefix}custodia-${zone}`;
  if (!BUCKET.test(name))
    throw new DatalakeError('INVALID_INPUT', 'bucket prefix gives an invalid bucket name');
  return name;
}

export class StorageLocations {
  private readonly byCountry = new Map<string, StorageLocation>();

  constructor(config: LocationsConfig, storeFor: (endpoint: S3Endpoint) => ObjectStore) {
    // One client per endpoint and keys: a location with keys of its own signs with them, even on a shared URL.
    const stores = new Map<string, ObjectStore>();
    const store = (endpoint: S3Endpoint): ObjectStore => {
      const key = `${endpoint.url}\n${endpoint.accessKey}`;
      let existing = stores.get(key);
      if (existing === undefined) {
        existing = storeFor(endpoint);
        stores.set(key, existing);
      }
      return existing;
    };
    const configured = config.countries ?? {};
    const countries = [...new Set([...Object.keys(configured), ...(config.required ?? [])])].sort();
    for (const country of countries) {
      if (!COUNTRY.test(country))
        throw new DatalakeError('INVALID_INPUT', 'location country must be ISO alpha-2');
      const spec = configured[country] ?? {};
      const endpoint = spec.endpoint ?? config.endpoint;
      const prefix =
        spec.bucketPrefix ??
        (spec.endpoint === undefined ? `${config.bucketPrefix ?? ''}${country.toLowerCase()}-` : '');
      const buckets = new Map(ZONES.map((zone) => [zone, bucketName(prefix, zone)] as const));
      this.byCountry.set(country, {
        country,
        store: store(endpoint),
        endpoint: { url: endpoint.url },
        bucket: (zone) => buckets.get(zone) as string,
      });
    }
    // Bucket names are per endpoint, whatever keys reach them.
    const names = this.all().flatMap((each) =>
      ZONES.map((zone) => `${each.endpoint.url}/${each.bucket(zone)}`),
    );
    if (new Set(names).size !== names.length) {
      throw new DatalakeError('INVALID_INPUT', 'two storage locations share buckets on one endpoint');
    }
  }

  /** The location of `country`; NO_LOCATION when the lake holds no location for it (nothing is stored elsewhere). */
  forCountry(country: string): StorageLocation {
    const location = this.byCountry.get(country);
    if (location === undefined)
      throw new DatalakeError('NO_LOCATION', 'the data lake has no storage location for this country');
    return location;
  }

  all(): StorageLocation[] {
    return [...this.byCountry.values()];
  }

  async ensureBuckets(): Promise<void> {
    for (const each of this.all()) {
      for (const zone of ZONES) await each.store.ensureBucket(each.bucket(zone));
    }
  }
}
