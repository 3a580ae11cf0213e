import { storedRule } from '../../test/support/ledger';
import { shownStatus, sortRules } from './rule-status';

const NOW = '2026-11-23T12:00:00.000Z';

describe('shownStatus', () => {
  it('tells active, not yet started, expired and revoked apart', () => {
    expect(shownStatus(storedRule(), NOW)).toBe('active');
    expect(shownStatus(storedRule({ notBefore: '2026-12-01T00:00:00.000Z' }), NOW)).toBe('scheduled');
    expect(shownStatus(storedRule({ notAfter: NOW }), NOW)).toBe('expired');
    expect(shownStatus(storedRule({ status: 'revoked', notAfter: '2020-01-01T00:00:00.000Z' }), NOW)).toBe(
      'revoked',
    );
  });

  it('sorts active rules first, newest change first', () => {
    const rules = [
      storedRule({ ruleId: 'revoked', status: 'revoked', updatedAt: '2026-11-22T00:00:00.000Z' }),
      storedRule({ ruleId: 'old', updatedAt: '2026-01-01T00:00:00.000Z' }),
      storedRule({ ruleId: 'new', updatedAt: '2026-11-01T00:00:00.000Z' }),
    ];
    expect(sortRules(rules, NOW).map((r) => r.ruleId)).toEqual(['new', 'old', 'revoked']);
  });
});
