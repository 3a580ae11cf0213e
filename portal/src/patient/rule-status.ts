import type { StoredRule } from '@custodia/chaincode/model';

export type ShownStatus = 'active' | 'expired' | 'scheduled' | 'revoked';

/** What a patient sees: an active rule whose period has ended is "expired", one not yet begun "scheduled". */
export function shownStatus(
  rule: Pick<StoredRule, 'status' | 'notBefore' | 'notAfter'>,
  now: string,
): ShownStatus {
  if (rule.status === 'revoked') return 'revoked';
  if (rule.notAfter && Date.parse(rule.notAfter) <= Date.parse(now)) return 'expired';
  if (rule.notBefore && Date.parse(rule.notBefore) > Date.parse(now)) return 'scheduled';
  return 'active';
}

const ORDER: readonly ShownStatus[] = ['active', 'scheduled', 'expired', 'revoked'];

/** Active rules first, then the others; newest change first within a status. */
export function sortRules(rules: readonly StoredRule[], now: string): StoredRule[] {
  return [...rules].sort(
    (a, b) =>
      ORDER.indexOf(shownStatus(a, now)) - ORDER.indexOf(shownStatus(b, now)) ||
      b.updatedAt.localeCompare(a.updatedAt),
  );
}
