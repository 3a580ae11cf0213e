import type { Consent } from '@medplum/fhirtypes';
import { LABELS } from '@custodia/chaincode';
import type { EmergencyPolicy, StoredRule } from '@custodia/chaincode';
import { conformanceErrors } from '../../../datalake/test/fhir-conformance/validate';
import { DEMO_EMERGENCY_POLICY, DEMO_RULES } from '../platform/demo-data';
import { emergencyPolicyConsent, ruleConsent } from './consent';

const stored = (index: number, overrides: Partial<StoredRule> = {}): StoredRule => ({
  ...(DEMO_RULES[index] as StoredRule),
  ruleId: `rule-${index}`,
  version: 3,
  status: 'active',
  patientId: 'pt-7f3a9c',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-02-01T00:00:00.000Z',
  txId: 'a'.repeat(64),
  ...overrides,
});

const timedDeny = stored(0, {
  ruleId: 'rule_deny@2',
  effect: 'deny',
  grantee: { kind: 'organization', mspId: 'HospitalFRMSP', countries: ['FR'] },
  categories: ['problems', 'results'],
  labels: ['PSY', 'HIV'],
  purposes: ['TREAT', 'CAREMGT'],
  notBefore: '2026-03-01T00:00:00.000Z',
  notAfter: '2026-06-01T00:00:00.000Z',
});

describe('rules as FHIR Consent', () => {
  const consents: Consent[] = [stored(0), stored(1), timedDeny, stored(1, { status: 'revoked' })].map(
    ruleConsent,
  );

  it('pass FHIR.js, the R4 schema, the R4 invariants (ppc-1…ppc-5) and the mapping’s rules with no error', () => {
    for (const consent of consents) expect(conformanceErrors(consent, ['custodia-consent'])).toEqual([]);
  });

  it('carry the rule’s ledger id and version, its period, purposes, actor countries and labels', () => {
    const deny = consents[2] as Consent;
    expect(deny.id).toMatch(/^[A-Za-z0-9\-.]{1,64}$/);
    expect(deny.identifier?.[0]).toEqual({ system: 'urn:custodia:rule', value: 'rule_deny@2' });
    expect(deny.meta?.versionId).toBe('3');
    const provision = deny.provision?.provision?.[0];
    expect(provision).toMatchObject({
      type: 'deny',
      period: { start: '2026-03-01T00:00:00.000Z', end: '2026-06-01T00:00:00.000Z' },
      purpose: [{ code: 'TREAT' }, { code: 'CAREMGT' }],
      securityLabel: [{ code: 'PSY' }, { code: 'HIV' }],
      actor: [
        {
          extension: [{ valueCodeableConcept: { coding: [{ code: 'FR' }] } }],
          reference: { type: 'Organization', identifier: { value: 'HospitalFRMSP' } },
        },
      ],
    });
    expect(provision?.code?.map((concept) => concept.coding?.[1]?.code)).toEqual(['11450-4', '30954-2']);
    expect(consents[3]?.status).toBe('inactive');
  });

  it('never let a reader conclude that a permit releases sensitive data it does not name', () => {
    // Base deny, the permit, and inside it a deny of every label the permit does not name.
    const permit = consents[0]?.provision;
    expect(permit?.type).toBe('deny');
    expect(permit?.provision?.[0]?.type).toBe('permit');
    expect(permit?.provision?.[0]?.provision?.[0]).toEqual({
      type: 'deny',
      securityLabel: expect.arrayContaining(LABELS.map((code) => expect.objectContaining({ code }))),
    });
  });

  it('maps the emergency policy to an ETREAT consent for the roles it admits', () => {
    const policy: EmergencyPolicy = {
      ...DEMO_EMERGENCY_POLICY,
      countries: ['FR', 'IT'],
      patientId: 'pt-7f3a9c',
      version: 2,
      updatedAt: '2026-02-01T00:00:00.000Z',
      txId: 'b'.repeat(64),
    };
    const consent = emergencyPolicyConsent(policy);
    expect(conformanceErrors(consent, ['custodia-consent'])).toEqual([]);
    expect(consent.provision?.provision?.[0]).toMatchObject({
      type: 'permit',
      purpose: [{ code: 'ETREAT' }],
    });
    const disabled = emergencyPolicyConsent({ ...policy, enabled: false });
    expect(disabled.status).toBe('inactive');
    expect(disabled.provision).toEqual({ type: 'deny' });
  });
});
