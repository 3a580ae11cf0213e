/**
 * TOTP (RFC 6238: SHA-1, 6 digits, 30 s) with otpauth. A code is accepted one step either side of now (clock
 * drift) and only once: a code whose step is not after the last one used is a replay.
 */
import { Secret, TOTP } from 'otpauth';

export const TOTP_PERIOD_SECONDS = 30;

export interface TotpOptions {
  /** Shown by authenticator apps. */
  readonly issuer: string;
  /** Steps accepted either side of now; default 1. */
  readonly window?: number;
  readonly now?: () => number;
}

export class Totp {
  private readonly window: number;
  private readonly now: () => number;

  constructor(private readonly options: TotpOptions) {
    this.window = options.window ?? 1;
    this.now = options.now ?? Date.now;
  }

  /** A new random secret (160 bits, base32), as RFC 4226 recommends. */
  generateSecret(): string {
    return new Secret({ size: 20 }).base32;
  }

  private totp(secret: string, label = 'user'): TOTP {
    return new TOTP({
      issuer: this.options.issuer,
      label,
      secret: Secret.fromBase32(secret),
      algorithm: 'SHA1',
      digits: 6,
      period: TOTP_PERIOD_SECONDS,
    });
  }

  /** The otpauth:// URI an authenticator app scans (label: the login name, never a display name). */
  uri(secret: string, username: string): string {
    return this.totp(secret, username).toString();
  }

  /** The current code (for tests and tools that act as the authenticator). */
  generate(secret: string, timestamp = this.now()): string {
    return this.totp(secret).generate({ timestamp });
  }

  /**
   * The time step `code` matches, or undefined when it matches none in the window, or matches a step at or
   * before `lastUsedStep` (a replayed code).
   */
  match(secret: string, code: string, lastUsedStep?: number): number | undefined {
    if (!/^\d{6}$/.test(code)) return undefined;
    const timestamp = this.now();
    const delta = this.totp(secret).validate({ token: code, timestamp, window: this.window });
    if (delta === null) return undefined;
    const step = TOTP.counter({ period: TOTP_PERIOD_SECONDS, timestamp }) + delta;
    if (lastUsedStep !== undefined && step <= lastUsedStep) return undefined;
    return step;
  }
}
