/**
 * The ledger's access log as FHIR R4 AuditEvents following IHE Basic Audit Log Patterns (BALP 1.1): each
 * `requestAccess` / `requestEmergencyAccess` entry is an authorization decision by consent
 * (IHE.BasicAudit.AuthZconsent): Security Alert, subtype AuthZ-Consent, action E, outcome 0 (all granted),
 * 4 (partially granted) or 8 (nothing granted); the clinician as the requesting user (IRCP) with their purpose of
 * use, their organisation (PROV), the Custodia gateway as the client application, the ledger as the authorizer and
 * the audit source; entities: the patient, and each deciding rule as a versioned Consent reference (the default
 * deny policy when no rule applied). The entry's ledger transaction id is the AuditEvent's id (BALP closes the
 * entity slicing of AuthZconsent, so it cannot be an entity of its own). Emergency requests carry purpose ETREAT
 * and say so in outcomeDesc with their reason code; a clinician's free-text reason is never carried.
 * Pure: identifiers and codes from the ledger only, never names.
 */
import type { AuditEvent, AuditEventAgent, AuditEventEntity, Device, Reference } from '@medplum/fhirtypes';
import type { AccessLogEntry } from '@custodia/chaincode';
import { narrative, paragraph, text } from '@custodia/datalake';
import { consentId } from './consent';
import {
  fhirId,
  organisationReference,
  PARTICIPATION_TYPE_SYSTEM,
  patientReference,
  practitionerReference,
  purposeCoding,
  ROLE_SYSTEM,
  RULE_SYSTEM,
} from './codings';

export const BALP_AUTHZ_CONSENT_PROFILE =
  'https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.AuthZconsent';
const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const AUTHZ_SUBTYPE = 'https://profiles.ihe.net/ITI/BALP/CodeSystem/AuthZsubType';
const DEFAULT_POLICY = { system: 'urn:custodia:policy', value: 'default-deny' };

/** Where the events come from: configuration of the deployment, not ledger data. */
export interface AuditSource {
  /** The audit source and authorizer: the Custodia ledger (its chaincode decides and records). */
  readonly ledger: Reference<Device>;
  /** Its site, e.g. the channel name or the deployment's host name. */
  readonly site: string;
  /** The client application the requester used (the Custodia gateway) and its network address. */
  readonly client: {
    readonly who: Reference<Device>;
    readonly address: string;
    readonly addressType: '1' | '2';
  };
}

/** What an access-log entry carries that the event needs (present in every version of the ledger model). */
export type AuditedAccess = Pick<
  AccessLogEntry,
  'entryId' | 'timestamp' | 'patientId' | 'requester' | 'purpose' | 'emergency' | 'requested' | 'decision'
> & {
  /** Emergency requests: the closed-list reason code (never free text). */
  readonly reasonCode?: string;
};

function outcome(entry: AuditedAccess): '0' | '4' | '8' {
  if (entry.decision.granted.length === 0) return '8';
  return entry.decision.denied.length === 0 ? '0' : '4';
}

function outcomeDescription(entry: AuditedAccess): string {
  const parts = [
    `granted: ${entry.decision.granted.join(', ') || 'none'}`,
    `denied: ${entry.decision.denied.join(', ') || 'none'}`,
  ];
  if (entry.emergency)
    parts.push(`emergency access${entry.reasonCode === undefined ? '' : ` (${entry.reasonCode})`}`);
  return parts.join('; ');
}

function decidingRules(entry: AuditedAccess): AuditEventEntity[] {
  const consent = { system: 'http://hl7.org/fhir/resource-types', code: 'Consent', display: 'Consent' };
  if (entry.decision.rules.length === 0)
    return [
      { what: { identifier: DEFAULT_POLICY, display: 'no rule applied: denied by default' }, type: consent },
    ];
  return entry.decision.rules.map((rule) => ({
    what: {
      reference: `Consent/${consentId(rule.ruleId, entry.patientId)}/_history/${rule.version}`,
      identifier: { system: RULE_SYSTEM, value: rule.ruleId },
    },
    type: consent,
    description: `${rule.effect} rule, version ${rule.version}`,
  }));
}

/** One access-log entry as a BALP AuthZconsent AuditEvent. */
export function accessAuditEvent(entry: AuditedAccess, source: AuditSource): AuditEvent {
  const purpose = purposeCoding(entry.purpose);
  const agents: AuditEventAgent[] = [
    {
      type: { coding: [{ system: DCM, code: '110150', display: 'Application' }] },
      who: source.client.who,
      requestor: false,
      network: { address: source.client.address, type: source.client.addressType },
    },
    {
      type: {
        coding: [{ system: PARTICIPATION_TYPE_SYSTEM, code: 'IRCP', display: 'information recipient' }],
      },
      who: practitionerReference(entry.requester),
      requestor: true,
      role: [{ coding: [{ system: ROLE_SYSTEM, code: entry.requester.role }] }],
      purposeOfUse: [{ coding: [purpose] }],
    },
    {
      type: {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/v3-RoleClass',
            code: 'PROV',
            display: 'healthcare provider',
          },
        ],
      },
      who: organisationReference(entry.requester.mspId),
      requestor: false,
    },
    {
      type: {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/extra-security-role-type',
            code: 'authserver',
            display: 'authorization server',
          },
        ],
      },
      who: source.ledger,
      requestor: false,
    },
  ];
  return {
    resourceType: 'AuditEvent',
    id: fhirId(entry.entryId),
    meta: { profile: [BALP_AUTHZ_CONSENT_PROFILE] },
    text: narrative(
      paragraph(
        text(
          `${entry.emergency ? 'Emergency access' : 'Access'} request by ${entry.requester.id} ` +
            `(${entry.requester.mspId}) for ${entry.purpose} at ${entry.timestamp}: ${outcomeDescription(entry)}.`,
        ),
      ),
    ),
    type: { system: DCM, code: '110113', display: 'Security Alert' },
    subtype: [
      {
        system: AUTHZ_SUBTYPE,
        code: 'AuthZ-Consent',
        display: 'Authorization Decision using Roles and Consent',
      },
    ],
    action: 'E',
    recorded: entry.timestamp,
    outcome: outcome(entry),
    outcomeDesc: outcomeDescription(entry),
    purposeOfEvent: [{ coding: [purpose] }],
    agent: agents,
    source: {
      site: source.site,
      observer: source.ledger,
      type: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/security-source-type',
          code: '6',
          display: 'Security Server',
        },
      ],
    },
    entity: [
      {
        what: patientReference(entry.patientId),
        type: {
          system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
          code: '1',
          display: 'Person',
        },
        role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1', display: 'Patient' },
      },
      ...decidingRules(entry),
    ],
  };
}
