/** Ledger objects as the gateway returns them, for component tests. */
import type { AccessLogEntry, StoredRule } from '../../src/api/types';

export function storedRule(overrides: Partial<StoredRule> = {}): StoredRule {
  return {
    ruleId: 'rule-1',
    version: 1,
    status: 'active',
    patientId: 'patient-1',
    effect: 'permit',
    grantee: { kind: 'practitioner', id: 'dr-2', mspId: 'HospitalFRMSP' },
    categories: ['allergies', 'medications'],
    labels: [],
    purposes: ['TREAT'],
    createdAt: '2026-11-01T10:00:00.000Z',
    updatedAt: '2026-11-01T10:00:00.000Z',
    txId: 'tx-1',
    ...overrides,
  };
}

export function logEntry(overrides: Partial<AccessLogEntry> = {}): AccessLogEntry {
  return {
    entryId: 'entry-1',
    timestamp: '2026-11-20T09:30:00.000Z',
    patientId: 'patient-1',
    requester: { mspId: 'HospitalFRMSP', id: 'dr-2', role: 'clinician', country: 'FR' },
    purpose: 'TREAT',
    emergency: false,
    requested: ['allergies', 'medications'],
    decision: {
      purpose: 'TREAT',
      categories: [],
      granted: ['allergies'],
      denied: ['medications'],
      rules: [{ ruleId: 'rule-1', version: 1, effect: 'permit' }],
    },
    grantId: 'grant-1',
    expiresAt: '2026-11-20T10:30:00.000Z',
    ...overrides,
  };
}

/** An access request the patient's rules refused by default: nothing granted, no grant. */
export function refusedEntry(overrides: Partial<AccessLogEntry> = {}): AccessLogEntry {
  return logEntry({
    decision: {
      purpose: 'TREAT',
      categories: [],
      granted: [],
      denied: ['allergies', 'medications'],
      rules: [],
    },
    grantId: undefined,
    expiresAt: undefined,
    ...overrides,
  });
}
