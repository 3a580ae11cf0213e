/** Password hashing with argon2id (OWASP's first choice), parameters encoded in each hash. */
import { argon2id, hash, verify } from 'argon2';

export interface PasswordHasherOptions {
  /** KiB; default 19 MiB (OWASP minimum for argon2id with t=2). */
  readonly memoryCost?: number;
  readonly timeCost?: number;
  readonly parallelism?: number;
}

export class PasswordHasher {
  private readonly options: Required<PasswordHasherOptions>;
  private dummy: Promise<string> | undefined;

  constructor(options: PasswordHasherOptions = {}) {
    this.options = {
      memoryCost: options.memoryCost ?? 19_456,
      timeCost: options.timeCost ?? 2,
      parallelism: options.parallelism ?? 1,
    };
  }

  hash(password: string): Promise<string> {
    return hash(password, { type: argon2id, ...this.options });
  }

  /** False for a wrong password or a hash that is not argon2's; never throws on input. */
  async verify(digest: string, password: string): Promise<boolean> {
    try {
      return await verify(digest, password);
    } catch {
      return false;
    }
  }

  /** Spends the time of one verification, so an unknown username answers as slowly as a wrong password. */
  async verifyNothing(password: string): Promise<void> {
    this.dummy ??= this.hash('custodia-no-such-user');
    await this.verify(await this.dummy, password);
  }
}
