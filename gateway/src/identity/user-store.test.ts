import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretBox } from './secret-box';
import { UserStore } from './user-store';
import type { UserRecord } from './user-store';

let dir: string;
const secrets = new SecretBox(randomBytes(32));
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'custodia-users-'));
});

/** Everything written under the users folder, as text. */
function onDisk(): string {
  const folder = join(dir, 'users');
  return readdirSync(folder)
    .map((name) => readFileSync(join(folder, name), 'utf8'))
    .join('\n');
}
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const record = (userId: string, username: string): UserRecord => ({
  userId,
  username,
  displayName: 'Display Name',
  role: 'patient',
  mspId: 'HospitalDEMSP',
  country: 'DE',
  ledgerId: `p-${userId}`,
  mfaEnabled: false,
  disabled: false,
  passwordHash: '$argon2id$placeholder',
  createdAt: '2026-11-23T12:00:00.000Z',
});

describe('UserStore', () => {
  it('persists users (0600 files) and finds them by name without case', async () => {
    const store = await UserStore.open(dir, secrets);
    await store.create(record('u1', 'anna.k'));
    expect((await stat(join(dir, 'users', 'u1.json'))).mode & 0o777).toBe(0o600);
    const reopened = await UserStore.open(dir, secrets);
    expect(reopened.byUsername('ANNA.K')?.userId).toBe('u1');
    expect(reopened.get('u1')?.ledgerId).toBe('p-u1');
    expect(reopened.list().map((user) => user.userId)).toEqual(['u1']);
  });

  it('keeps names unique: taken and in-creation names are refused until released', async () => {
    const store = await UserStore.open(dir, secrets);
    await store.create(record('u1', 'anna.k'));
    expect(() => store.reserve('Anna.K')).toThrow(expect.objectContaining({ code: 'USER_EXISTS' }));
    const release = store.reserve('ben');
    expect(() => store.reserve('BEN')).toThrow(expect.objectContaining({ code: 'USER_EXISTS' }));
    release();
    expect(() => store.reserve('ben')).not.toThrow();
    await expect(store.create(record('u2', 'ANNA.K'.toLowerCase()))).rejects.toMatchObject({
      code: 'USER_EXISTS',
    });
  });

  it('updates atomically and keeps the id and name', async () => {
    const store = await UserStore.open(dir, secrets);
    await store.create(record('u1', 'anna.k'));
    await Promise.all([
      store.update('u1', (current) => ({ ...current, mfaEnabled: true })),
      store.update('u1', (current) => ({ ...current, disabled: true, username: 'mallory' })),
    ]);
    const reopened = await UserStore.open(dir, secrets);
    expect(reopened.get('u1')).toMatchObject({ username: 'anna.k', mfaEnabled: true, disabled: true });
    await expect(store.update('nobody', (current) => current)).rejects.toMatchObject({
      code: 'USER_NOT_FOUND',
    });
  });

  it('keeps nothing identifying in clear on disk: login name, display name, e-mail, identification set', async () => {
    const store = await UserStore.open(dir, secrets);
    await store.create({
      ...record('u1', 'erika.mustermann'),
      displayName: 'Erika Mustermann',
      email: 'erika@example.org',
      person: { given: ['Erika'], family: 'Mustermann', birthDate: '1964-08-12', gender: 'female' },
    });
    const text = onDisk();
    for (const planted of ['erika', 'Erika', 'Mustermann', 'example.org', '1964-08-12'])
      expect(text).not.toContain(planted);
    const reopened = await UserStore.open(dir, secrets);
    expect(reopened.byUsername('erika.mustermann')).toMatchObject({
      displayName: 'Erika Mustermann',
      email: 'erika@example.org',
      person: { family: 'Mustermann', birthDate: '1964-08-12' },
    });
    // Another key cannot open the store, and a sealed block moved to another user's file does not open there.
    await expect(UserStore.open(dir, new SecretBox(randomBytes(32)))).rejects.toThrow();
    await store.create(record('u2', 'ben'));
    const folder = join(dir, 'users');
    const moved = JSON.parse(readFileSync(join(folder, 'u1.json'), 'utf8')) as { personal: unknown };
    const target = JSON.parse(readFileSync(join(folder, 'u2.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(folder, 'u2.json'), JSON.stringify({ ...target, personal: moved.personal }));
    await expect(UserStore.open(dir, secrets)).rejects.toThrow();
  });

  it('seals the personal fields of records written before they were sealed', async () => {
    const legacy = { ...record('u1', 'anna.k'), displayName: 'Anna Kowalska' };
    const folder = join(dir, 'users');
    (await UserStore.open(dir, secrets)).list();
    writeFileSync(join(folder, 'u1.json'), JSON.stringify(legacy));
    expect((await UserStore.open(dir, secrets)).byUsername('anna.k')?.displayName).toBe('Anna Kowalska');
    expect(onDisk()).not.toContain('Kowalska');
    expect(onDisk()).not.toContain('anna.k');
  });
});
