import type { AuditEvent } from '@medplum/fhirtypes';
import type { AccessLogEntry } from '@custodia/chaincode';
import { conformanceErrors } from '../../../datalake/test/fhir-conformance/validate';
import { accessAuditEvent } from './audit-event';
import type { AuditedAccess, AuditSource } from './audit-event';

const source: AuditSource = {
  ledger: { identifier: { system: 'urn:custodia:ledger', value: 'custodia' }, display: 'Custodia ledger' },
  site: 'custodia-channel',
  client: {
    who: {
      identifier: { system: 'urn:custodia:application', value: 'gateway' },
      display: 'Custodia gateway',
    },
    address: 'custodia.example.org',
    addressType: '1',
  },
};

const requester = { mspId: 'HospitalFRMSP', id: 'clin-dubois', role: 'clinician' as const, country: 'FR' };
const base: AuditedAccess = {
  entryId: 'c'.repeat(64),
  timestamp: '2026-03-01T10:00:00.000Z',
  patientId: 'pt-7f3a9c',
  requester,
  purpose: 'TREAT',
  emergency: false,
  requested: ['allergies', 'medications', 'problems'],
  decision: {
    purpose: 'TREAT',
    categories: [],
    granted: ['allergies', 'medications', 'problems'],
    denied: [],
    rules: [{ ruleId: 'rule-1', version: 2, effect: 'permit' }],
  },
};
const partial: AuditedAccess = {
  ...base,
  decision: { ...base.decision, granted: ['allergies'], denied: ['medications', 'problems'] },
};
const byDefault: AuditedAccess = {
  ...base,
  decision: { ...base.decision, granted: [], denied: base.requested, rules: [] },
};
const emergency: AuditedAccess = {
  ...base,
  purpose: 'ETREAT',
  emergency: true,
  reasonCode: 'unconscious',
  decision: {
    ...base.decision,
    purpose: 'ETREAT',
    rules: [{ ruleId: 'emergency-policy', version: 4, effect: 'permit' }],
  },
};

describe('the access log as BALP AuditEvents', () => {
  const events: AuditEvent[] = [base, partial, byDefault, emergency].map((entry) =>
    accessAuditEvent(entry, source),
  );

  it('pass FHIR.js, the R4 schema, the R4 invariants and BALP AuthZconsent’s constraints with no error', () => {
    for (const event of events) expect(conformanceErrors(event, ['balp-authz-consent'])).toEqual([]);
  });

  it('name the ledger transaction, the outcome, the purpose and the deciding rules', () => {
    const [granted, some, none, urgent] = events;
    expect(granted?.id).toBe('c'.repeat(64));
    expect([granted?.outcome, some?.outcome, none?.outcome]).toEqual(['0', '4', '8']);
    expect(some?.outcomeDesc).toBe('granted: allergies; denied: medications, problems');
    expect(granted?.entity?.[1]?.what?.reference).toBe('Consent/rule-1/_history/2');
    expect(none?.entity?.[1]?.what?.identifier?.value).toBe('default-deny');
    expect(urgent?.purposeOfEvent?.[0]?.coding?.[0]?.code).toBe('ETREAT');
    expect(urgent?.outcomeDesc).toContain('emergency access (unconscious)');
    expect(urgent?.entity?.[1]?.what?.reference).toBe('Consent/emergency-pt-7f3a9c/_history/4');
  });

  it('never carry a clinician’s free-text reason, even when the ledger entry has one', () => {
    const withText = { ...emergency, reason: 'Anna Keller collapsed at the station' } as AuditedAccess &
      AccessLogEntry;
    expect(JSON.stringify(accessAuditEvent(withText, source))).not.toContain('collapsed');
  });
});
