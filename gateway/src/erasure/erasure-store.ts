/**
 * Erasure cases, one file per patient (`<dataDir>/erasures/<patientId>.json`, 0600, written atomically): the
 * patient's request, the administrator's execution and which steps are done, so a stop midway resumes where it
 * was. A case names the patient by pseudonym and their account by its internal id only — nothing that identifies
 * a person — and stays after the erasure as its tombstone: this gateway then refuses anything new for the patient.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { FORMATS } from '@custodia/chaincode';
import { writeFileAtomically } from '@custodia/ledger';
import type { ErasureCase } from './erasure-case';

export class ErasureStore {
  private writes: Promise<unknown> = Promise.resolve();

  constructor(private readonly directory: string) {}

  async ensure(): Promise<void> {
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
  }

  /** The patient's case; undefined when there is none (or the id is not a patient pseudonym). */
  async get(patientId: string): Promise<ErasureCase | undefined> {
    if (!FORMATS.patientId.test(patientId)) return undefined;
    try {
      return JSON.parse(await readFile(this.file(patientId), 'utf8')) as ErasureCase;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Every case (few: one per patient who asked), oldest request first. */
  async list(): Promise<ErasureCase[]> {
    const names = await readdir(this.directory).catch(() => [] as string[]);
    const cases = await Promise.all(
      names.filter((name) => name.endsWith('.json')).map((name) => this.get(name.slice(0, -'.json'.length))),
    );
    return cases
      .filter((found): found is ErasureCase => found !== undefined)
      .sort((a, b) => (a.openedAt < b.openedAt ? -1 : a.openedAt > b.openedAt ? 1 : 0));
  }

  /**
   * Writes `change(current)` for the patient, one write at a time in this process; `change` returns undefined to
   * leave the case as it is. Returns the case as stored afterwards.
   */
  async update(
    patientId: string,
    change: (current: ErasureCase | undefined) => ErasureCase | undefined,
  ): Promise<ErasureCase | undefined> {
    const run = this.writes.then(async () => {
      const current = await this.get(patientId);
      const next = change(current);
      if (next === undefined || next === current) return current;
      await writeFileAtomically(this.directory, `${patientId}.json`, `${JSON.stringify(next)}\n`, 0o600);
      return next;
    });
    this.writes = run.catch(() => undefined);
    return run;
  }

  private file(patientId: string): string {
    return path.join(this.directory, `${patientId}.json`);
  }
}
