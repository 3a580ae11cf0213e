/**
 * Where the session's tokens live. The access token stays in memory only; the refresh token may be kept
 * in sessionStorage (gone when the tab closes) so a page reload does not sign the person out.
 */
export interface RefreshTokenStore {
  load(): string | undefined;
  save(token: string): void;
  clear(): void;
}

const KEY = 'custodia.refreshToken';

export function sessionRefreshStore(storage: Storage = window.sessionStorage): RefreshTokenStore {
  return {
    load: () => storage.getItem(KEY) ?? undefined,
    save: (token) => storage.setItem(KEY, token),
    clear: () => storage.removeItem(KEY),
  };
}

export function memoryRefreshStore(): RefreshTokenStore {
  let token: string | undefined;
  return {
    load: () => token,
    save: (value) => {
      token = value;
    },
    clear: () => {
      token = undefined;
    },
  };
}
