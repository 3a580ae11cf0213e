/** `custodia users list | create | disable`: the administrator's user management over the admin routes. */
import type { User } from '../identity/user';
import type { ApiClient } from './api-client';
import { formatTable } from './table';
import type { Columns } from './table';
import { write } from './io';
import type { CliIo } from './io';

/** A user as the admin routes answer (a type only: the CLI loads no server code). */
export type UserView = Omit<User, 'displayName'>;

export interface NewUser {
  readonly username: string;
  readonly password: string;
  readonly displayName: string;
  readonly role: string;
  /** Default (and only allowed value): the administrator's organisation and its country. */
  readonly mspId?: string;
  readonly country?: string;
  readonly ledgerId?: string;
}

const COLUMNS: Columns<UserView> = [
  ['USERNAME', (user) => user.username],
  ['ROLE', (user) => user.role],
  ['ORGANISATION', (user) => user.mspId],
  ['COUNTRY', (user) => user.country],
  ['LEDGER ID', (user) => user.ledgerId],
  ['MFA', (user) => (user.mfaEnabled ? 'yes' : 'no')],
  ['STATUS', (user) => (user.disabled ? 'disabled' : 'active')],
  ['USER ID', (user) => user.userId],
];

/** Aligned columns; display names are left out (they may be a person's name). */
export function formatUsers(users: readonly UserView[]): string {
  return formatTable(COLUMNS, users);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A user id, or the id of the user with this (case-insensitive) login name. */
export function resolveUserId(users: readonly UserView[], idOrName: string): string | undefined {
  if (UUID.test(idOrName)) return idOrName;
  return users.find((user) => user.username === idOrName.toLowerCase())?.userId;
}

async function fetchUsers(client: ApiClient): Promise<UserView[]> {
  return (await client.json<{ items: UserView[] }>('GET', '/admin/users', { retry: true })).items;
}

export async function listUsers(client: ApiClient, options: { json: boolean }, io: CliIo): Promise<number> {
  const users = await fetchUsers(client);
  write(io.stdout, options.json ? JSON.stringify(users, null, 2) : formatUsers(users));
  return 0;
}

export async function createUser(client: ApiClient, user: NewUser, io: CliIo): Promise<number> {
  // Not retried: creating registers and enrols at the CA; a repeat would answer USER_EXISTS.
  const created = await client.json<UserView>('POST', '/admin/users', { json: user });
  write(io.stdout, formatUsers([created]));
  return 0;
}

export async function disableUser(client: ApiClient, idOrName: string, io: CliIo): Promise<number> {
  const userId = resolveUserId(UUID.test(idOrName) ? [] : await fetchUsers(client), idOrName);
  if (userId === undefined) {
    write(io.stderr, 'error: USER_NOT_FOUND: no user with this name');
    return 1;
  }
  const user = await client.json<UserView>('POST', `/admin/users/${userId}/disable`, { retry: true });
  write(io.stdout, formatUsers([user]));
  return 0;
}
