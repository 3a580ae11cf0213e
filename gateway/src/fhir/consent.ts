/**
 * A patient's rules as FHIR R4 Consent resources (scope patient-privacy, category LOINC 59284-0, as the IHE PCF
 * and IPS examples code a privacy consent). Each rule version is one Consent: its ledger rule id as identifier,
 * its version as meta.versionId, the transaction that wrote it as a second identifier. The provisions say what the
 * decision function does: a base deny (nothing is released by default), then the rule as a nested permit or deny
 * with its actor, period, purposes, categories (provision.code) and security labels. A permit releases labelled
 * data only for the labels it names, so it carries a nested deny of the sensitive labels it does not name.
 * Pure: no I/O, no names, only identifiers and codes from the ledger.
 */
import type { Consent, ConsentProvision } from '@medplum/fhirtypes';
import { EMERGENCY_POLICY_RULE_ID, LABELS } from '@custodia/chaincode';
import type { EmergencyPolicy, Grantee, Label, RuleSpec, StoredRule } from '@custodia/chaincode';
import { narrative, paragraph, text } from '@custodia/datalake';
import {
  categoryConcept,
  countryExtensions,
  fhirId,
  granteeReference,
  LEDGER_TX_SYSTEM,
  LOINC,
  labelCoding,
  PARTICIPATION_TYPE_SYSTEM,
  patientReference,
  purposeCoding,
  RULE_SYSTEM,
} from './codings';

export const EMERGENCY_POLICY_SYSTEM = 'urn:custodia:emergency-policy';
const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
const MAX_DURATION_EXTENSION = 'urn:custodia:fhir:StructureDefinition:max-duration';

const SCOPE = {
  coding: [
    {
      system: 'http://terminology.hl7.org/CodeSystem/consentscope',
      code: 'patient-privacy',
      display: 'Privacy Consent',
    },
  ],
};
const CATEGORY = [{ coding: [{ system: LOINC, code: '59284-0', display: 'Patient Consent' }] }];
const RECIPIENT = {
  coding: [{ system: PARTICIPATION_TYPE_SYSTEM, code: 'IRCP', display: 'information recipient' }],
};

/** The Consent id of a rule; the emergency policy (one per patient) has its own. */
export function consentId(ruleId: string, patientId: string): string {
  return fhirId(ruleId === EMERGENCY_POLICY_RULE_ID ? `emergency-${patientId}` : ruleId);
}

function actor(grantee: Grantee): NonNullable<ConsentProvision['actor']>[number] {
  const countries = countryExtensions(grantee.countries);
  return {
    ...(countries.length === 0 ? {} : { extension: countries }),
    role: RECIPIENT,
    reference: granteeReference(grantee),
  };
}

/** Sensitive labels a permit does not name stay withheld (a record carrying one is released only when named). */
function unnamedLabels(named: readonly Label[]): ConsentProvision[] {
  const withheld = LABELS.filter((label) => !named.includes(label));
  return withheld.length === 0 ? [] : [{ type: 'deny', securityLabel: withheld.map(labelCoding) }];
}

function ruleProvision(rule: RuleSpec): ConsentProvision {
  const period = {
    ...(rule.notBefore === undefined ? {} : { start: rule.notBefore }),
    ...(rule.notAfter === undefined ? {} : { end: rule.notAfter }),
  };
  return {
    type: rule.effect,
    ...(Object.keys(period).length === 0 ? {} : { period }),
    actor: [actor(rule.grantee)],
    purpose: rule.purposes.map(purposeCoding),
    code: rule.categories.map(categoryConcept),
    ...(rule.labels.length === 0 ? {} : { securityLabel: rule.labels.map(labelCoding) }),
    ...(rule.effect === 'permit' ? { provision: unnamedLabels(rule.labels) } : {}),
  };
}

function describe(rule: RuleSpec): string {
  const who = granteeReference(rule.grantee).display ?? '';
  const countries = rule.grantee.countries?.length ? ` in ${rule.grantee.countries.join(', ')}` : '';
  const labels = rule.labels.length === 0 ? '' : ` (labels ${rule.labels.join(', ')})`;
  const when = [rule.notBefore && `from ${rule.notBefore}`, rule.notAfter && `until ${rule.notAfter}`].filter(
    Boolean,
  );
  return (
    `${rule.effect === 'permit' ? 'Permit' : 'Deny'} ${who}${countries}: ${rule.categories.join(', ')}${labels}, ` +
    `for ${rule.purposes.join(', ')}${when.length === 0 ? '' : `, ${when.join(' ')}`}.`
  );
}

/** One version of a patient's rule as a Consent. */
export function ruleConsent(rule: StoredRule): Consent {
  const patient = patientReference(rule.patientId);
  return {
    resourceType: 'Consent',
    id: consentId(rule.ruleId, rule.patientId),
    meta: { versionId: String(rule.version), lastUpdated: rule.updatedAt },
    text: narrative(paragraph(text(`${describe(rule)}${rule.status === 'revoked' ? ' Revoked.' : ''}`))),
    identifier: [
      { system: RULE_SYSTEM, value: rule.ruleId },
      { system: LEDGER_TX_SYSTEM, value: rule.txId },
    ],
    status: rule.status === 'active' ? 'active' : 'inactive',
    scope: SCOPE,
    category: CATEGORY,
    patient,
    dateTime: rule.updatedAt,
    performer: [patient],
    policyRule: { coding: [{ system: ACT_CODE, code: rule.effect === 'permit' ? 'OPTIN' : 'OPTOUT' }] },
    provision: { type: 'deny', provision: [ruleProvision(rule)] },
  };
}

/** The patient's emergency policy (break-the-glass terms) as a Consent for purpose ETREAT. */
export function emergencyPolicyConsent(policy: EmergencyPolicy): Consent {
  const patient = patientReference(policy.patientId);
  const permit: ConsentProvision = {
    extension: [
      {
        url: MAX_DURATION_EXTENSION,
        valueDuration: {
          value: policy.maxDurationMinutes,
          unit: 'min',
          system: 'http://unitsofmeasure.org',
          code: 'min',
        },
      },
    ],
    type: 'permit',
    actor: policy.roles.map((role) => actor({ kind: 'role', role, countries: policy.countries })),
    purpose: [purposeCoding('ETREAT')],
    code: policy.categories.map(categoryConcept),
    ...(policy.labels.length === 0 ? {} : { securityLabel: policy.labels.map(labelCoding) }),
    provision: unnamedLabels(policy.labels),
  };
  return {
    resourceType: 'Consent',
    id: consentId(EMERGENCY_POLICY_RULE_ID, policy.patientId),
    meta: { versionId: String(policy.version), lastUpdated: policy.updatedAt },
    text: narrative(
      paragraph(
        text(
          `Emergency access ${policy.enabled ? 'enabled' : 'disabled'} for ${policy.roles.join(', ')}` +
            `${policy.countries.length === 0 ? '' : ` in ${policy.countries.join(', ')}`}: ` +
            `${policy.categories.join(', ')}, at most ${policy.maxDurationMinutes} minutes.`,
        ),
      ),
    ),
    identifier: [
      { system: EMERGENCY_POLICY_SYSTEM, value: policy.patientId },
      { system: LEDGER_TX_SYSTEM, value: policy.txId },
    ],
    status: policy.enabled ? 'active' : 'inactive',
    scope: SCOPE,
    category: CATEGORY,
    patient,
    dateTime: policy.updatedAt,
    performer: [patient],
    policyRule: { coding: [{ system: ACT_CODE, code: 'EMRGONLY', display: 'emergency only' }] },
    provision: { type: 'deny', ...(policy.enabled ? { provision: [permit] } : {}) },
  };
}
