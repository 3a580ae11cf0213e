/**
 * Every ledger call is signed by the user it is made for: one `connect()` (fabric-gateway) per user
 * identity, opened on first use and kept while in use; a disabled user's connection is dropped.
 */
import { connect } from '@custodia/ledger';
import type { ConnectionProfile, Identity, LedgerClientConfig, LedgerConnection } from '@custodia/ledger';
import type { AuthUser } from '../identity/user';

export interface IdentitySource {
  /** The user's enrolment (certificate + private key) from the wallet. */
  identityOf(user: AuthUser): Promise<Identity>;
}

export interface LedgerSessionOptions {
  readonly config?: LedgerClientConfig;
  readonly profile?: ConnectionProfile;
  /** Connections kept open at most; the least recently used is closed beyond it. */
  readonly maxOpen?: number;
}

type Args = readonly string[];

function keyOf(user: Pick<AuthUser, 'mspId' | 'ledgerId'>): string {
  return `${user.mspId}\u0000${user.ledgerId}`;
}

export class LedgerSessions {
  private readonly open = new Map<string, Promise<LedgerConnection>>();
  private readonly maxOpen: number;

  constructor(
    private readonly identities: IdentitySource,
    private readonly options: LedgerSessionOptions = {},
  ) {
    this.maxOpen = options.maxOpen ?? 500;
  }

  private connection(user: AuthUser): Promise<LedgerConnection> {
    const key = keyOf(user);
    const existing = this.open.get(key);
    if (existing !== undefined) {
      // Map order is insertion order: re-inserting marks it most recently used.
      this.open.delete(key);
      this.open.set(key, existing);
      return existing;
    }
    const opening = this.identities.identityOf(user).then((identity) =>
      connect({
        identity,
        ...(this.options.config ? { config: this.options.config } : {}),
        ...(this.options.profile ? { profile: this.options.profile } : {}),
      }),
    );
    opening.catch(() => this.open.delete(key));
    this.open.set(key, opening);
    while (this.open.size > this.maxOpen) {
      const [oldest] = this.open.keys();
      if (oldest === undefined) break;
      this.drop(oldest);
    }
    return opening;
  }

  /** Endorse, submit and wait for commit as `user`; returns the transaction's JSON answer. */
  async submit<T>(user: AuthUser, transaction: string, args: Args = []): Promise<T> {
    const result = await (await this.connection(user)).submit(transaction, { arguments: args });
    return JSON.parse(Buffer.from(result.payload).toString('utf8')) as T;
  }

  /** Evaluate (no commit) as `user`; returns the transaction's JSON answer. */
  async evaluate<T>(user: AuthUser, transaction: string, args: Args = []): Promise<T> {
    const payload = await (await this.connection(user)).evaluate(transaction, { arguments: args });
    return JSON.parse(Buffer.from(payload).toString('utf8')) as T;
  }

  /** The user's connection, for event streams and qscc. */
  session(user: AuthUser): Promise<LedgerConnection> {
    return this.connection(user);
  }

  forget(user: Pick<AuthUser, 'mspId' | 'ledgerId'>): void {
    this.drop(keyOf(user));
  }

  private drop(key: string): void {
    const connection = this.open.get(key);
    this.open.delete(key);
    connection?.then(
      (open) => open.close(),
      () => undefined,
    );
  }

  close(): void {
    for (const key of [...this.open.keys()]) this.drop(key);
  }
}
