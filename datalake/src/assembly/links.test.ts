import { randomBytes } from 'node:crypto';
import { signLink, verifyLink } from './links';

describe('short-lived binary links', () => {
  const secret = randomBytes(32);
  const target = { grantId: 'g-1', recordId: 'rec-1' };
  const now = new Date('2030-01-01T00:00:00Z');
  const expiresAt = new Date(now.getTime() + 5 * 60_000);

  function parts(link: string): { expires: string; sig: string } {
    const url = new URL(link, 'http://lake');
    return { expires: url.searchParams.get('expires') ?? '', sig: url.searchParams.get('sig') ?? '' };
  }

  it('verifies until it expires, for its own grant and record only', () => {
    const { expires, sig } = parts(signLink(secret, target, expiresAt));
    expect(verifyLink(secret, target, expires, sig, now)).toBe(true);
    expect(verifyLink(secret, target, expires, sig, expiresAt)).toBe(false);
    expect(verifyLink(secret, { ...target, recordId: 'rec-2' }, expires, sig, now)).toBe(false);
    expect(verifyLink(secret, { ...target, grantId: 'g-2' }, expires, sig, now)).toBe(false);
    expect(verifyLink(secret, target, String(Number(expires) + 1), sig, now)).toBe(false);
    expect(verifyLink(randomBytes(32), target, expires, sig, now)).toBe(false);
  });
});
