import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readKeyFile } from './key-file';

describe('readKeyFile', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'custodia-key-file-'));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('creates a key once (0600) and reads the same key afterwards', async () => {
    const file = path.join(directory, 'nested', 'link-secret.key');
    const created = (await readKeyFile(file, true)) as Buffer;
    expect(created).toHaveLength(32);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readKeyFile(file, true))?.equals(created)).toBe(true);
    expect((await readKeyFile(file, false))?.equals(created)).toBe(true);
    // No temporary files left behind.
    expect(await readdir(path.dirname(file))).toEqual(['link-secret.key']);
  });

  it('gives every concurrent creator the one key that was kept', async () => {
    const file = path.join(directory, 'race.key');
    const keys = await Promise.all(Array.from({ length: 8 }, () => readKeyFile(file, true)));
    const kept = Buffer.from((await readFile(file, 'utf8')).trim(), 'hex');
    for (const key of keys) expect(key?.equals(kept)).toBe(true);
  });

  it('answers undefined for a missing key unless asked to create it, and refuses a damaged one', async () => {
    expect(await readKeyFile(path.join(directory, 'absent.key'), false)).toBeUndefined();
    const damaged = path.join(directory, 'damaged.key');
    await writeFile(damaged, 'abc\n');
    await expect(readKeyFile(damaged, true)).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});
