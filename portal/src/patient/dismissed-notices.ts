/**
 * Which emergency notices a patient has dismissed, kept across sign-ins in this browser. Only the notices' ids
 * are stored (access-log entry ids: opaque ledger transaction ids), under the account's opaque user id — never a
 * name, a reason, a date or anything else about the patient or the access.
 */
export interface NoticeStore {
  dismissed(): ReadonlySet<string>;
  dismiss(ids: readonly string[]): void;
}

const PREFIX = 'custodia.dismissedNotices.';
/** Ids kept per account: the oldest are forgotten first (an old notice is long out of the list anyway). */
export const MAX_KEPT_NOTICES = 200;

export function localNoticeStore(
  userId: string,
  storage: Storage | undefined = safeLocalStorage(),
): NoticeStore {
  const key = `${PREFIX}${userId}`;
  let memory: string[] = [];
  const read = (): string[] => {
    if (!storage) return memory;
    try {
      const value: unknown = JSON.parse(storage.getItem(key) ?? '[]');
      return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
    } catch {
      return [];
    }
  };
  return {
    dismissed: () => new Set(read()),
    dismiss: (ids) => {
      const kept = [...read().filter((id) => !ids.includes(id)), ...ids].slice(-MAX_KEPT_NOTICES);
      memory = kept;
      try {
        storage?.setItem(key, JSON.stringify(kept));
      } catch {
        // Storage full or refused: the dismissal lasts for this page.
      }
    },
  };
}

function safeLocalStorage(): Storage | undefined {
  try {
    return typeof window === 'undefined' ? undefined : window.localStorage;
  } catch {
    return undefined;
  }
}
