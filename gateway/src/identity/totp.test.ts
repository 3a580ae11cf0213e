import { Totp, TOTP_PERIOD_SECONDS } from './totp';

const PERIOD_MS = TOTP_PERIOD_SECONDS * 1000;

function setup(): { totp: Totp; clock: { now: number }; secret: string } {
  const clock = { now: Date.UTC(2026, 0, 1, 12, 0, 10) };
  const totp = new Totp({ issuer: 'Custodia', now: () => clock.now });
  return { totp, clock, secret: totp.generateSecret() };
}

describe('TOTP', () => {
  it('accepts the current code and one step either side, not two', () => {
    const { totp, clock, secret } = setup();
    const at = (offsetSteps: number): string => totp.generate(secret, clock.now + offsetSteps * PERIOD_MS);
    expect(totp.match(secret, at(0))).toBeDefined();
    expect(totp.match(secret, at(-1))).toBeDefined();
    expect(totp.match(secret, at(1))).toBeDefined();
    expect(totp.match(secret, at(-2))).toBeUndefined();
    expect(totp.match(secret, at(2))).toBeUndefined();
  });

  it('refuses a code already used (same or earlier step)', () => {
    const { totp, clock, secret } = setup();
    const code = totp.generate(secret);
    const step = totp.match(secret, code);
    expect(step).toBeDefined();
    expect(totp.match(secret, code, step)).toBeUndefined();
    const previous = totp.generate(secret, clock.now - PERIOD_MS);
    expect(totp.match(secret, previous, step)).toBeUndefined();
    clock.now += PERIOD_MS;
    expect(totp.match(secret, totp.generate(secret), step)).toBe((step ?? 0) + 1);
  });

  it("refuses another secret's code and malformed input", () => {
    const { totp } = setup();
    // Fixed secrets and clock: deterministic (RFC 6238's test secret against another).
    const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
    const other = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    expect(totp.match(secret, totp.generate(secret))).toBeDefined();
    expect(totp.match(secret, totp.generate(other))).toBeUndefined();
    expect(totp.match(secret, '12345')).toBeUndefined();
    expect(totp.match(secret, 'abcdef')).toBeUndefined();
  });

  it('gives an otpauth URI with the issuer, the login name and the secret', () => {
    const { totp, secret } = setup();
    const uri = new URL(totp.uri(secret, 'dr.weber'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Custodia:dr.weber');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe('Custodia');
  });
});
