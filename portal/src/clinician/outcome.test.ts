import { logEntry, refusedEntry } from '../../test/support/ledger';
import { requestOutcome } from './outcome';

const emergency = { emergency: true, purpose: 'ETREAT' as const, reasonCode: 'unconscious' as const };

describe('requestOutcome', () => {
  it('tells a grant from a refusal by the rules', () => {
    expect(requestOutcome(logEntry())).toBe('granted');
    expect(requestOutcome(refusedEntry())).toBe('refused');
  });

  it('says why an emergency request released nothing, as the ledger logged it', () => {
    for (const refusal of [
      'no-policy',
      'policy-disabled',
      'role-not-admitted',
      'country-not-admitted',
      'not-covered',
    ] as const) {
      expect(requestOutcome(refusedEntry({ ...emergency, emergencyRefusal: refusal }))).toEqual({
        emergency: refusal,
      });
    }
    expect(requestOutcome(logEntry({ ...emergency, emergencyPolicyVersion: 3 }))).toBe('granted');
  });

  it('reads entries logged before the ledger named the refusal', () => {
    expect(requestOutcome(refusedEntry(emergency))).toEqual({ emergency: 'no-policy' });
    expect(requestOutcome(refusedEntry({ ...emergency, emergencyPolicyVersion: 3 }))).toEqual({
      emergency: 'not-covered',
    });
  });
});
