import { logEntry, refusedEntry } from '../../test/support/ledger';
import { requestOutcome } from './outcome';

const emergency = { emergency: true, purpose: 'ETREAT' as const, reasonCode: 'unconscious' as const };

describe('requestOutcome', () => {
  it('tells a grant from a refusal by the rules', () => {
    expect(requestOutcome(logEntry())).toBe('granted');
    expect(requestOutcome(refusedEntry())).toBe('refused');
  });

  it('tells an emergency request without any policy from one the policy does not cover', () => {
    expect(requestOutcome(refusedEntry(emergency))).toBe('no-emergency-policy');
    expect(requestOutcome(refusedEntry({ ...emergency, emergencyPolicyVersion: 3 }))).toBe(
      'emergency-not-covered',
    );
    expect(requestOutcome(logEntry({ ...emergency, emergencyPolicyVersion: 3 }))).toBe('granted');
  });
});
