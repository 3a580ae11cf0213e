/**
 * The gateway's user accounts, persisted one file per user:
 *
 *   <dataDir>/users/<userId>.json    mode 0600, written atomically (temp file, fsync, rename)
 *
 * A record is the `User` plus its credentials (argon2id hash, sealed TOTP secret, last used step). What may
 * identify a person — login name, display name, e-mail, a patient's identification set — is sealed on disk
 * (`personal`, AES-256-GCM bound to the user id), so nothing identifying lies in clear in the data directory. All
 * records are loaded (and opened) at start and kept in memory; writes are serialised, so login-name uniqueness
 * (case-insensitive) holds within the one gateway process that owns the directory.
 */
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from '@custodia/ledger';
import type { Sealed } from '@custodia/ledger';
import { IdentityError } from './errors';
import type { SecretBox } from './secret-box';
import type { User } from './user';

export interface TotpState {
  /** The base32 secret, sealed (secret-box.ts) and bound to the user id. */
  readonly secret: Sealed;
  /** False while a setup awaits its first code. */
  readonly confirmed: boolean;
  /** The last accepted time step: a code is used once. */
  readonly lastStep?: number;
}

export interface UserRecord extends User {
  /** Absent for accounts that only sign in through OpenID Connect. */
  readonly passwordHash?: string;
  readonly totp?: TotpState;
  /** ISO 8601. */
  readonly createdAt: string;
  /** `iss` + `sub` of the OpenID Connect account linked to this user. */
  readonly oidcSubject?: string;
  /** ISO 8601: when the certificates were revoked at the CA (after the account was disabled). */
  readonly revokedAt?: string;
}

/** The fields of a record that may identify a person: sealed together on disk. */
type PersonalFields = Pick<UserRecord, 'username' | 'displayName' | 'email' | 'person'>;
const PERSONAL_KEYS = ['username', 'displayName', 'email', 'person'] as const;

/** A record as written to disk. */
type StoredRecord = Omit<UserRecord, keyof PersonalFields> & { readonly personal: Sealed };

function personalContext(userId: string): readonly string[] {
  return ['custodia-user/1', userId];
}

function isStored(value: unknown): value is StoredRecord {
  return typeof value === 'object' && value !== null && 'personal' in value && 'userId' in value;
}

/** Login names compare without case (and Unicode compatibility forms). */
export function normaliseUsername(username: string): string {
  return username.normalize('NFKC').toLowerCase();
}

/** The public view of a record: never the credentials. */
export function toUser(record: UserRecord): User {
  return {
    userId: record.userId,
    username: record.username,
    displayName: record.displayName,
    role: record.role,
    mspId: record.mspId,
    country: record.country,
    ledgerId: record.ledgerId,
    mfaEnabled: record.mfaEnabled,
    disabled: record.disabled,
    ...(record.email === undefined ? {} : { email: record.email }),
    ...(record.person === undefined ? {} : { person: record.person }),
  };
}

export class UserStore {
  private readonly byId = new Map<string, UserRecord>();
  private readonly idByName = new Map<string, string>();
  /** Names being created (enrolment in progress), so a concurrent create of the same name fails at once. */
  private readonly reserved = new Set<string>();
  private writes: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly dir: string,
    private readonly secrets: SecretBox,
  ) {}

  /**
   * Loads and opens every record of `<dataDir>/users`. Records written before personal fields were sealed are
   * sealed now (rewritten in place).
   */
  static async open(dataDir: string, secrets: SecretBox): Promise<UserStore> {
    const store = new UserStore(join(dataDir, 'users'), secrets);
    await mkdir(store.dir, { recursive: true, mode: 0o700 });
    for (const name of await readdir(store.dir)) {
      if (!name.endsWith('.json')) continue;
      const stored: unknown = JSON.parse(await readFile(join(store.dir, name), 'utf8'));
      if (isStored(stored)) store.index(store.openRecord(stored));
      else await store.persist(stored as UserRecord);
    }
    return store;
  }

  get(userId: string): UserRecord | undefined {
    return this.byId.get(userId);
  }

  byUsername(username: string): UserRecord | undefined {
    const id = this.idByName.get(normaliseUsername(username));
    return id === undefined ? undefined : this.byId.get(id);
  }

  find(predicate: (record: UserRecord) => boolean): UserRecord | undefined {
    for (const record of this.byId.values()) if (predicate(record)) return record;
    return undefined;
  }

  list(): UserRecord[] {
    return [...this.byId.values()].sort((a, b) => (a.username < b.username ? -1 : 1));
  }

  /**
   * Holds `username` while a user is being created; throws USER_EXISTS when it is taken or being created.
   * Returns the release function (call it whether or not the creation succeeded).
   */
  reserve(username: string): () => void {
    const name = normaliseUsername(username);
    if (this.idByName.has(name) || this.reserved.has(name))
      throw new IdentityError('USER_EXISTS', 'the username is taken', { field: 'username' });
    this.reserved.add(name);
    return () => this.reserved.delete(name);
  }

  /** Stores a new record (its name reserved first with `reserve`). */
  async create(record: UserRecord): Promise<void> {
    const name = normaliseUsername(record.username);
    const taken = this.idByName.get(name);
    if (taken !== undefined && taken !== record.userId)
      throw new IdentityError('USER_EXISTS', 'the username is taken', { field: 'username' });
    await this.write(record);
  }

  /** Replaces the record of `userId` with `change(current)`; throws USER_NOT_FOUND. */
  async update(userId: string, change: (current: UserRecord) => UserRecord): Promise<UserRecord> {
    const run = this.writes.then(async () => {
      const current = this.byId.get(userId);
      if (!current) throw new IdentityError('USER_NOT_FOUND', 'no such user');
      const next = { ...change(current), userId, username: current.username };
      await this.persist(next);
      return next;
    });
    this.writes = run.catch(() => undefined);
    return run;
  }

  /** Deletes the record of `userId` (its file and every index entry); nothing to do when there is none. */
  async remove(userId: string): Promise<void> {
    const run = this.writes.then(async () => {
      await rm(join(this.dir, `${userId}.json`), { force: true });
      const current = this.byId.get(userId);
      this.byId.delete(userId);
      if (current !== undefined) this.idByName.delete(normaliseUsername(current.username));
    });
    this.writes = run.catch(() => undefined);
    await run;
  }

  private async write(record: UserRecord): Promise<void> {
    const run = this.writes.then(() => this.persist(record));
    this.writes = run.catch(() => undefined);
    await run;
  }

  private async persist(record: UserRecord): Promise<void> {
    await writeFileAtomically(
      this.dir,
      `${record.userId}.json`,
      `${JSON.stringify(this.sealRecord(record), null, 2)}\n`,
      0o600,
    );
    this.index(record);
  }

  private sealRecord(record: UserRecord): StoredRecord {
    const personal: Record<string, unknown> = {};
    const rest: Record<string, unknown> = { ...record };
    for (const key of PERSONAL_KEYS) {
      if (record[key] !== undefined) personal[key] = record[key];
      delete rest[key];
    }
    return {
      ...(rest as Omit<UserRecord, keyof PersonalFields>),
      personal: this.secrets.seal(JSON.stringify(personal), personalContext(record.userId)),
    };
  }

  private openRecord(stored: StoredRecord): UserRecord {
    const { personal, ...rest } = stored;
    const fields = JSON.parse(this.secrets.open(personal, personalContext(stored.userId))) as PersonalFields;
    return { ...rest, ...fields };
  }

  private index(record: UserRecord): void {
    this.byId.set(record.userId, record);
    this.idByName.set(normaliseUsername(record.username), record.userId);
  }
}
