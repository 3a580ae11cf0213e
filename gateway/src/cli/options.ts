/**
 * The command line's global options and arguments, resolved without I/O: where the gateway is, how to sign in
 * (options first, then CUSTODIA_* variables), and the small value parsers the commands share.
 */

export type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_URL = 'http://localhost:8080';

export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    readonly code: 'MISSING_CREDENTIALS' | 'INVALID_URL' | 'INVALID_VALUE',
    message: string,
  ) {
    super(message);
  }
}

export interface GlobalOptions {
  readonly url?: string;
  readonly user?: string;
  readonly password?: string;
  readonly totp?: string;
  readonly token?: string;
}

export function gatewayUrl(options: GlobalOptions, env: Env): string {
  const url = options.url ?? env.CUSTODIA_URL ?? DEFAULT_URL;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError('INVALID_URL', '--url must be an http(s) URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new UsageError('INVALID_URL', '--url must be an http(s) URL');
  return parsed.origin + parsed.pathname.replace(/\/+$/, '');
}

export type SignIn =
  | { readonly kind: 'token'; readonly token: string }
  | {
      readonly kind: 'password';
      readonly username: string;
      readonly password: string;
      readonly totp?: string;
    };

/** How to sign in: an access token, or a user name and password (and a TOTP code when the account has one). */
export function signInFrom(options: GlobalOptions, env: Env): SignIn {
  const token = options.token ?? env.CUSTODIA_TOKEN;
  const username = options.user ?? env.CUSTODIA_USER;
  const password = options.password ?? env.CUSTODIA_PASSWORD;
  const totp = options.totp ?? env.CUSTODIA_TOTP;
  if (username !== undefined && username !== '' && password !== undefined && password !== '')
    return { kind: 'password', username, password, ...(totp === undefined || totp === '' ? {} : { totp }) };
  if (token !== undefined && token !== '') return { kind: 'token', token };
  throw new UsageError(
    'MISSING_CREDENTIALS',
    'sign in with --user and --password (or CUSTODIA_USER and CUSTODIA_PASSWORD), plus --totp / CUSTODIA_TOTP ' +
      'when the account has a second factor, or give an access token in CUSTODIA_TOKEN',
  );
}

/** `a,b , c` → [a, b, c]: trimmed, no empties, no repeats. */
export function parseList(value: string): string[] {
  const items = [
    ...new Set(
      value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== ''),
    ),
  ];
  if (items.length === 0) throw new UsageError('INVALID_VALUE', 'give at least one value, comma-separated');
  return items;
}

export function parsePositiveInt(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed < 1)
    throw new UsageError('INVALID_VALUE', 'expected a positive whole number');
  return parsed;
}

export function parseBlockNumber(value: string): number {
  if (value.trim() === '0') return 0;
  return parsePositiveInt(value);
}
