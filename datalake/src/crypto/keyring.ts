/**
 * The keys of one storage location (a country). Three levels:
 *
 *   organisation key-encryption key (KeyProvider: a key file per organisation, a KMS or HSM in production)
 *     └ patient key — one per patient and key owner in this location, random, kept only wrapped by the owner's
 *       key-encryption key, in this keyring's directory (never in the buckets, so a copy of the buckets holds none)
 *         └ data keys of that patient's objects (wrapped by a key derived from the patient key, stored in the
 *           location's keys bucket) and that patient's documents (sealed under another derived key)
 *
 * Destroying a patient's keys (`destroyPatient`, the first step of erasure) makes every copy of every object and
 * document of that patient unreadable, backups of the buckets included. The location key (wrapped by the lake's own
 * key-encryption key) seals what is not one patient's (delivery manifests, erasure markers) and authenticates expiry
 * markers.
 */
import { hkdfSync, randomBytes } from 'node:crypto';
import { link, mkdir, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DatalakeError } from '../errors';
import { KEY_BYTES } from './format';
import { unwrapKey, wrapKey } from './key-wrap';
import type { KeyedHash } from './keyed-hash';
import type { KeyProvider, WrappedKey } from './key-provider';

export interface PatientKey {
  readonly owner: string;
  /** Wraps the data keys of this patient's objects. */
  readonly wrapping: Buffer;
  /** Seals this patient's documents. */
  readonly documents: Buffer;
}

export interface LocationKey {
  /** Seals the location's documents that are no patient's. */
  readonly documents: Buffer;
  /** Authenticates object keys that carry a decision (expiry markers). */
  readonly markers: Buffer;
}

export interface KeyringOptions {
  readonly country: string;
  /** The organisations' key-encryption keys of this location. */
  readonly kek: KeyProvider;
  /** Where wrapped patient keys and the wrapped location key are kept (mode 0700). */
  readonly directory: string;
  readonly tokens: KeyedHash;
  /** Key owner of the lake's own key-encryption key. */
  readonly lakeOwner: string;
}

interface StoredKey {
  readonly schema: 1;
  readonly key: WrappedKey;
}

/** Patient keys kept unwrapped in memory (the hot set of a busy lake). */
const CACHE_ENTRIES = 10_000;

export class Keyring {
  private readonly patients = new Map<string, Promise<PatientKey>>();
  private locationKey?: Promise<LocationKey>;

  constructor(private readonly options: KeyringOptions) {}

  get country(): string {
    return this.options.country;
  }

  /**
   * The key of `patientId` for `owner` in this location. `create`: made on first use (writing); otherwise
   * INTEGRITY_FAILED when there is none (never made here, or destroyed by erasure).
   */
  patient(patientId: string, owner: string, create: boolean): Promise<PatientKey> {
    const cacheKey = `${patientId}\0${owner}`;
    const cached = this.patients.get(cacheKey);
    if (cached !== undefined) return cached;
    const loading = this.loadPatient(patientId, owner, create);
    // A failure is not kept: the key may be created by the next write.
    loading.catch(() => this.patients.delete(cacheKey));
    this.patients.set(cacheKey, loading);
    for (const [key] of this.patients) {
      if (this.patients.size <= CACHE_ENTRIES) break;
      this.patients.delete(key);
    }
    return loading;
  }

  /** The location's own key, made on first use. */
  location(): Promise<LocationKey> {
    if (this.locationKey === undefined) {
      const { lakeOwner, country } = this.options;
      const loading = this.load(
        path.join(this.options.directory, 'location', `${lakeOwner}.json`),
        lakeOwner,
        `custodia-location-key/1\0${country}`,
        true,
      ).then((key) => ({
        documents: derive(key, `custodia-location-documents/1\0${country}`),
        markers: derive(key, `custodia-location-markers/1\0${country}`),
      }));
      loading.catch(() => {
        this.locationKey = undefined;
      });
      this.locationKey = loading;
    }
    return this.locationKey;
  }

  /** Destroys every key of the patient in this location (all owners); returns how many there were. */
  async destroyPatient(patientId: string): Promise<number> {
    for (const key of [...this.patients.keys()])
      if (key.startsWith(`${patientId}\0`)) this.patients.delete(key);
    const folder = this.patientFolder(patientId);
    let count = 0;
    try {
      count = (await readdir(folder)).filter((name) => name.endsWith('.json')).length;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      return 0;
    }
    await rm(folder, { recursive: true, force: true });
    return count;
  }

  private patientFolder(patientId: string): string {
    return path.join(this.options.directory, 'patients', this.options.tokens.patientToken(patientId));
  }

  private async loadPatient(patientId: string, owner: string, create: boolean): Promise<PatientKey> {
    const { country } = this.options;
    const scope = `${country}\0${patientId}\0${owner}`;
    const key = await this.load(
      path.join(this.patientFolder(patientId), `${owner}.json`),
      owner,
      `custodia-patient-key/1\0${scope}`,
      create,
    );
    return {
      owner,
      wrapping: derive(key, `custodia-data-key-wrapping/1\0${scope}`),
      documents: derive(key, `custodia-patient-documents/1\0${scope}`),
    };
  }

  /** A key kept wrapped in `file` by the owner's key-encryption key; made (once, atomically) when `create`. */
  private async load(file: string, owner: string, context: string, create: boolean): Promise<Buffer> {
    const existing = await this.read(file, context);
    if (existing !== undefined) return existing;
    if (!create) throw new DatalakeError('INTEGRITY_FAILED', 'no key for this patient in this location');
    const key = randomBytes(KEY_BYTES);
    const stored: StoredKey = { schema: 1, key: await this.options.kek.wrap(owner, key, context) };
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(temporary, JSON.stringify(stored), { mode: 0o600 });
    try {
      // link() fails when another writer got there first: everyone then uses the one key on disk.
      await link(temporary, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const winner = await this.read(file, context);
      if (winner === undefined) throw error;
      return winner;
    } finally {
      await unlink(temporary).catch(() => undefined);
    }
    return key;
  }

  private async read(file: string, context: string): Promise<Buffer | undefined> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    let stored: StoredKey;
    try {
      stored = JSON.parse(text) as StoredKey;
    } catch {
      throw new DatalakeError('INTEGRITY_FAILED', 'a stored key is malformed');
    }
    if (stored.schema !== 1) throw new DatalakeError('INTEGRITY_FAILED', 'a stored key is malformed');
    return this.options.kek.unwrap(stored.key, context);
  }
}

function derive(key: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), Buffer.from(info, 'utf8'), KEY_BYTES));
}

/** Wraps an object's data key under the patient key, bound to `context` (where the object lives). */
export function wrapDataKey(key: PatientKey, dataKey: Buffer, context: string): string {
  return wrapKey(key.wrapping, dataKey, dataKeyAad(context));
}

/** INTEGRITY_FAILED when the wrapped key was altered, is another patient's, or belongs to another object. */
export function unwrapDataKey(key: PatientKey, wrapped: string, context: string): Buffer {
  return unwrapKey(key.wrapping, wrapped, dataKeyAad(context));
}

function dataKeyAad(context: string): Buffer {
  return Buffer.from(`custodia-dek/2\0${context}`, 'utf8');
}

/** The keyring of each storage location, by country. */
export class Keyrings {
  constructor(private readonly byCountry: ReadonlyMap<string, Keyring>) {}

  of(country: string): Keyring {
    const keyring = this.byCountry.get(country);
    if (keyring === undefined) throw new DatalakeError('INTERNAL', 'no keyring for this location');
    return keyring;
  }

  all(): Keyring[] {
    return [...this.byCountry.values()];
  }
}
