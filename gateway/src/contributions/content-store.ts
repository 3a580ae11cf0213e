/**
 * What a clinician contributed, held until the patient decides: the ledger keeps only the content's hash; the
 * content waits here, sealed (AES-256-GCM under the gateway's secret key, bound to patient and hash), addressed
 * by its hash — so it is written before the ledger transaction and a failed transaction leaves no visible trace.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Sealed } from '@custodia/ledger';
import { canonicalJson } from '../audit/canonical-json';
import { GatewayError } from '../errors';
import type { SecretBox } from '../identity';

const CONTEXT = 'custodia-contribution/1';

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

  /** Seals and keeps `resource`; returns its content hash (what goes on the ledger). */
  async put(patientId: string, resource: unknown): Promise<string> {
    const json = canonicalJson(resource);
    const contentHash = createHash('sha256').update(json).digest('hex');
    const file = this.file(patientId, contentHash);
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const sealed = this.box.seal(json, [CONTEXT, patientId, contentHash]);
    await writeFile(`${file}.tmp`, JSON.stringify(sealed), { mode: 0o600 });
    await rename(`${file}.tmp`, file);
    return contentHash;
  }

  /** The content whose hash the ledger holds; NOT_FOUND when it is not kept here. */
  async get(patientId: string, contentHash: string): Promise<unknown> {
    let sealed: Sealed;
    try {
      sealed = JSON.parse(await readFile(this.file(patientId, contentHash), 'utf8')) as Sealed;
    } catch {
      throw new GatewayError('NOT_FOUND', 'the content of this contribution is not held by this gateway');
    }
    const json = this.box.open(sealed, [CONTEXT, patientId, contentHash]);
    if (createHash('sha256').update(json).digest('hex') !== contentHash)
      throw new GatewayError('CONFLICT', 'the held content does not match the hash on the ledger');
    return JSON.parse(json) as unknown;
  }
}
