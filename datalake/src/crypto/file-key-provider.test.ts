import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { isDatalakeError } from '../errors';
import { FileKeyProvider } from './file-key-provider';

describe('FileKeyProvider', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'custodia-keys-'));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('wraps a data key that only the same organisation key and context unwrap, across restarts', async () => {
    const dataKey = randomBytes(32);
    const wrapped = await new FileKeyProvider({ directory, create: true }).wrap(
      'HospitalA',
      dataKey,
      'obj-1',
    );
    expect(wrapped.wrapped).not.toContain(dataKey.toString('base64url'));
    const keyFile = await stat(path.join(directory, 'HospitalA.key'));
    expect(keyFile.mode & 0o777).toBe(0o600);

    const restarted = new FileKeyProvider({ directory });
    expect((await restarted.unwrap(wrapped, 'obj-1')).equals(dataKey)).toBe(true);
    await expect(restarted.unwrap(wrapped, 'obj-2')).rejects.toMatchObject({ code: 'INTEGRITY_FAILED' });
    const altered = { ...wrapped, wrapped: `A${wrapped.wrapped.slice(1)}` };
    await expect(restarted.unwrap(altered, 'obj-1')).rejects.toMatchObject({ code: 'INTEGRITY_FAILED' });
  });

  it('cannot unwrap once the organisation key is replaced', async () => {
    const provider = new FileKeyProvider({ directory, create: true });
    const wrapped = await provider.wrap('HospitalA', randomBytes(32), 'obj-1');
    const moved = { ...wrapped, owner: 'HospitalB' };
    const error = await provider.unwrap(moved, 'obj-1').catch((e: unknown) => e);
    expect(isDatalakeError(error, 'INTEGRITY_FAILED')).toBe(true);
    expect((await readFile(path.join(directory, 'HospitalB.key'), 'utf8')).trim()).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses an organisation without a key when keys are not created on demand', async () => {
    const provider = new FileKeyProvider({ directory });
    await expect(provider.wrap('HospitalZ', randomBytes(32), 'obj-1')).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(provider.wrap('../etc', randomBytes(32), 'obj-1')).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });
});
