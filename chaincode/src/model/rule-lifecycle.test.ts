import { ChaincodeError } from './errors';
import { createdRule, currentOf, restoredRule, revokedRule, specOf, updatedRule } from './rule-lifecycle';
import type { RuleSpec } from './types';

const spec: RuleSpec = {
  effect: 'permit',
  grantee: { kind: 'organization', mspId: 'Org1MSP' },
  categories: ['allergies'],
  labels: [],
  purposes: ['TREAT'],
};
const wider: RuleSpec = { ...spec, categories: ['allergies', 'results'] };
const T0 = '2030-01-01T00:00:00.000Z';
const T1 = '2030-01-02T00:00:00.000Z';

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return error instanceof ChaincodeError ? error.code : 'untyped';
  }
  return undefined;
}

describe('rule lifecycle', () => {
  const v1 = createdRule(spec, { ruleId: 'r1', patientId: 'p1', txId: 'tx1' }, T0);

  it('numbers every change as a new version and keeps the creation time', () => {
    const v2 = updatedRule(currentOf(v1), wider, 'tx2', T1);
    expect(v2).toMatchObject({
      version: 2,
      status: 'active',
      change: 'updated',
      createdAt: T0,
      updatedAt: T1,
      txId: 'tx2',
    });
    expect(specOf(v2)).toEqual(wider);
    const v3 = revokedRule(currentOf(v2), 'tx3', T1);
    expect(v3).toMatchObject({ version: 3, status: 'revoked', change: 'revoked' });
    expect(specOf(v3)).toEqual(wider);
  });

  it('restores the content of an earlier version as a new active version', () => {
    const v2 = updatedRule(currentOf(v1), wider, 'tx2', T1);
    const v3 = revokedRule(currentOf(v2), 'tx3', T1);
    const v4 = restoredRule(currentOf(v3), v1, 'tx4', T1);
    expect(v4).toMatchObject({ version: 4, status: 'active', change: 'restored', restoredFrom: 1 });
    expect(specOf(v4)).toEqual(spec);
  });

  it('refuses to update or re-revoke a revoked rule, and to restore the current or a foreign version', () => {
    const revoked = currentOf(revokedRule(currentOf(v1), 'tx2', T1));
    expect(codeOf(() => updatedRule(revoked, wider, 'tx3', T1))).toBe('FAILED_PRECONDITION');
    expect(codeOf(() => revokedRule(revoked, 'tx3', T1))).toBe('FAILED_PRECONDITION');
    expect(codeOf(() => restoredRule(currentOf(v1), v1, 'tx3', T1))).toBe('FAILED_PRECONDITION');
    const other = createdRule(spec, { ruleId: 'r2', patientId: 'p1', txId: 'tx9' }, T0);
    expect(codeOf(() => restoredRule(revoked, other, 'tx3', T1))).toBe('FAILED_PRECONDITION');
  });
});
