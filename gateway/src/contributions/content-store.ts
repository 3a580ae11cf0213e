/**
 * What a clinician contributed, held until the patient decides: the ledger keeps only the content's hash; the
 * content waits here, sealed (AES-256-GCM under the gateway's secret key, bound to patient and hash), addressed
 * by its hash — so it is written before the ledger transaction and a failed transaction leaves no visible trace.
 */
import { createHash } from 'node:crypto';
import { access, mkdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Sealed } from '@custodia/ledger';
import { canonicalJson } from '../audit/canonical-json';
import { GatewayError } from '../errors';
import type { SecretBox } from '../identity';

const CONTEXT = 'custodia-contribution/1';

/** Largest contribution request the gateway reads (413 beyond): a clinician's addition, not a record export. */
export const MAX_CONTRIBUTION_BYTES = 1024 * 1024;

/** A stable hash of a JSON document: keys sorted, no whitespace. */
export function canonicalHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

export class ContributionContent {
  constructor(
    private readonly directory: string,
    private readonly box: SecretBox,
  ) {}

  private file(patientId: string, contentHash: string): string {
    return path.join(this.directory, encodeURIComponent(patientId), `${contentHash}.json`);
  }

  /**
   * Seals and keeps `resource`; returns its content hash (what goes on the ledger) and whether this call created
   * the file (the same content may already be kept for an earlier contribution).
   */
  async put(patientId: string, resource: unknown): Promise<{ contentHash: string; created: boolean }> {
    const json = canonicalJson(resource);
    const contentHash = createHash('sha256').update(json).digest('hex');
    const file = this.file(patientId, contentHash);
    const existed = await access(file).then(
      () => true,
      () => false,
    );
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const sealed = this.box.seal(json, [CONTEXT, patientId, contentHash]);
    await writeFile(`${file}.tmp`, JSON.stringify(sealed), { mode: 0o600 });
    await rename(`${file}.tmp`, file);
    return { contentHash, created: !existed };
  }

  /** Removes content the ledger refused (and the patient's folder when it is left empty). */
  async remove(patientId: string, contentHash: string): Promise<void> {
    const file = this.file(patientId, contentHash);
    await rm(file, { force: true });
    await rmdir(path.dirname(file)).catch(() => undefined);
  }

  /** Removes everything kept for the patient (their erasure): every contribution's content, pending or decided. */
  async removePatient(patientId: string): Promise<void> {
    await rm(path.join(this.directory, encodeURIComponent(patientId)), { recursive: true, force: true });
  }

  /** The content whose hash the ledger holds; NOT_FOUND when it is not kept here. */
  async get(patientId: string, contentHash: string): Promise<unknown> {
    return JSON.parse((await this.bytes(patientId, contentHash)).toString('utf8')) as unknown;
  }

  /** The exact bytes whose SHA-256 is `contentHash` (what the data lake checks against the ledger). */
  async bytes(patientId: string, contentHash: string): Promise<Buffer> {
    let sealed: Sealed;
    try {
      sealed = JSON.parse(await readFile(this.file(patientId, contentHash), 'utf8')) as Sealed;
    } catch {
      throw new GatewayError('NOT_FOUND', 'the content of this contribution is not held by this gateway');
    }
    const json = this.box.open(sealed, [CONTEXT, patientId, contentHash]);
    if (createHash('sha256').update(json).digest('hex') !== contentHash)
      throw new GatewayError('CONFLICT', 'the held content does not match the hash on the ledger');
    return Buffer.from(json, 'utf8');
  }
}
