/**
 * Test fixtures for what is left at rest: files holding a planted value in clear (by name or raw bytes), and what
 * the lake's own keys still open in a copy of its buckets (the backup an attacker or an erasure request finds).
 * Shared by the lake's and the gateway's erasure and at-rest tests.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { isDatalakeError } from '../src/errors';
import { startS3Server } from '../src/storage/embedded/s3-server';
import type { RunningS3Server } from '../src/storage/embedded/s3-server';
import { StorageLocations } from '../src/storage/locations';
import { MinioObjectStore } from '../src/storage/minio-store';
import { layout } from '../src/zones/layout';
import { zonesOn } from './zones';

/** Files under `dir` whose name or raw bytes hold any of `needles`, as `file: needle`. */
export async function filesHolding(dir: string, needles: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const name of await readdir(dir, { recursive: true })) {
    const content = await readFile(path.join(dir, name)).then(
      (bytes) => bytes.toString('latin1'),
      () => '',
    );
    for (const needle of needles)
      if (name.includes(needle) || content.includes(needle)) found.push(`${name}: ${needle}`);
  }
  return found;
}

/** How many of a patient's raw objects and record documents open, and how many were refused. */
export interface Readable {
  readonly objects: number;
  readonly documents: number;
  readonly refused: number;
}

/**
 * What the lake's keys (its key files and hash key under `lakeDir`, as a process of its own would have them) still
 * open of `patientId` in the copy of the buckets at `copyDir`, served by an S3 server of its own: her raw objects
 * and record documents in her country's location (DE), and how many were refused as not authentic.
 */
export async function readableInCopy(copyDir: string, lakeDir: string, patientId: string): Promise<Readable> {
  let server: RunningS3Server | undefined;
  try {
    server = await startS3Server({ directory: copyDir });
    const locations = new StorageLocations(
      { endpoint: { url: server.endpoint, ...server.credentials }, required: ['DE', 'FR', 'IT'] },
      (endpoint) => new MinioObjectStore(endpoint),
    );
    const hashKey = Buffer.from((await readFile(path.join(lakeDir, 'hash.key'), 'utf8')).trim(), 'hex');
    const zones = zonesOn(locations, path.join(lakeDir, 'keys'), hashKey);
    const de = locations.forCountry('DE');
    const counts = { objects: 0, documents: 0, refused: 0 };
    const refused = (error: unknown): void => {
      if (!isDatalakeError(error, 'INTEGRITY_FAILED')) throw error;
      counts.refused += 1;
    };
    for await (const item of de.store.list(de.bucket('raw'), layout.rawPatient(patientId))) {
      if (item.key.includes('/jobs/')) continue;
      const objectId = item.key.split('/').pop() as string;
      try {
        const body = await zones.sealed.readBuffer(
          {
            location: de,
            zone: 'raw',
            objectKey: item.key,
            keyKey: layout.dataKey(patientId, objectId),
            patientId,
            objectId,
          },
          1 << 24,
        );
        if (body.length > 0) counts.objects += 1;
      } catch (error) {
        refused(error);
      }
    }
    for await (const item of de.store.list(de.bucket('structured'), layout.recordDocuments(patientId))) {
      try {
        if ((await zones.documents.get(de, 'structured', item.key, 1 << 20, patientId)) !== undefined)
          counts.documents += 1;
      } catch (error) {
        refused(error);
      }
    }
    return counts;
  } finally {
    await server?.close();
  }
}
