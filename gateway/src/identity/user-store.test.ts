import { mkdtempSync, rmSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserStore } from './user-store';
import type { UserRecord } from './user-store';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'custodia-users-'));
});
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
    const store = await UserStore.open(dir);
    await store.create(record('u1', 'anna.k'));
    expect((await stat(join(dir, 'users', 'u1.json'))).mode & 0o777).toBe(0o600);
    const reopened = await UserStore.open(dir);
    expect(reopened.byUsername('ANNA.K')?.userId).toBe('u1');
    expect(reopened.get('u1')?.ledgerId).toBe('p-u1');
    expect(reopened.list().map((user) => user.userId)).toEqual(['u1']);
  });

  it('keeps names unique: taken and in-creation names are refused until released', async () => {
    const store = await UserStore.open(dir);
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
    const store = await UserStore.open(dir);
    await store.create(record('u1', 'anna.k'));
    await Promise.all([
      store.update('u1', (current) => ({ ...current, mfaEnabled: true })),
      store.update('u1', (current) => ({ ...current, disabled: true, username: 'mallory' })),
    ]);
    const reopened = await UserStore.open(dir);
    expect(reopened.get('u1')).toMatchObject({ username: 'anna.k', mfaEnabled: true, disabled: true });
    await expect(store.update('nobody', (current) => current)).rejects.toMatchObject({
      code: 'USER_NOT_FOUND',
    });
  });
});
