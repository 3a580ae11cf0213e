import { PasswordHasher } from './password';

// Small parameters keep the test quick; the encoding and the checks are the same.
const hasher = new PasswordHasher({ memoryCost: 1024, timeCost: 2 });

describe('PasswordHasher', () => {
  it('hashes with argon2id, salted, and verifies only the right password', async () => {
    const first = await hasher.hash('correct horse battery');
    const second = await hasher.hash('correct horse battery');
    expect(first).toMatch(/^\$argon2id\$v=19\$m=1024,p=1,t=2\$/);
    expect(second).not.toBe(first);
    expect(await hasher.verify(first, 'correct horse battery')).toBe(true);
    expect(await hasher.verify(first, 'correct horse batterY')).toBe(false);
  });

  it('answers false, without throwing, for a hash that is not argon2', async () => {
    expect(await hasher.verify('not-a-hash', 'anything')).toBe(false);
    await expect(hasher.verifyNothing('anything')).resolves.toBeUndefined();
  });
});
