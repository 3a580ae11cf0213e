/**
 * Profile constraints written as FHIRPath, each with the key or element rule it comes from. The IPS rules are
 * taken from the IPS IG 2.0.1 StructureDefinitions (HL7/fhir-ips, input/fsh: invariants/*.fsh,
 * profiles/BundleUvIps.fsh, CompositionUvIps.fsh, PatientUvIps.fsh); the BALP rules from IHE ITI Basic Audit Log
 * Patterns 1.1 (IHE/ITI.BasicAudit, input/fsh/AuthZ.fsh, Disclose.fsh). Cardinalities and fixed values of a profile
 * have no key: they are named `<profile id>: <element> <rule>`. `custodia-*` rules are Custodia's own promises
 * (issue #14), stricter than the profiles.
 *
 * `context` selects the nodes a rule applies to (each must satisfy `expression`); `resolveEntry()` resolves a
 * Reference against the Bundle's fullUrls (HL7's `resolve()` needs a server).
 */

export interface ProfileRule {
  readonly key: string;
  readonly context: string;
  readonly expression: string;
}

const LOINC = "system = 'http://loinc.org'";
const COMPOSITION = 'entry.first().resource';
const section = (code: string) =>
  `${COMPOSITION}.section.where(code.coding.where(${LOINC} and code = '${code}').exists())`;
const types = (list: readonly string[]) =>
  `resolveEntry().resourceType in (${list.map((t) => `'${t}'`).join(' | ')})`;

/** IPS 2.0.1 Composition-uv-ips: each section's `entry only Reference(…)` (DocumentReference allowed in all). */
const SECTION_ENTRY_TYPES: Readonly<Record<string, readonly string[]>> = {
  '11450-4': ['Condition', 'DocumentReference'],
  '48765-2': ['AllergyIntolerance', 'DocumentReference'],
  '10160-0': [
    'MedicationStatement',
    'MedicationRequest',
    'MedicationAdministration',
    'MedicationDispense',
    'DocumentReference',
  ],
  '11369-6': ['Immunization', 'DocumentReference'],
  '30954-2': ['Observation', 'DiagnosticReport', 'DocumentReference'],
  '47519-4': ['Procedure', 'DocumentReference'],
  '46264-8': ['DeviceUseStatement', 'DocumentReference'],
  '42348-3': ['Consent', 'DocumentReference'],
  '104605-1': ['Flag', 'DocumentReference'],
  '47420-5': ['Condition', 'ClinicalImpression', 'DocumentReference'],
  '11348-0': ['Condition', 'DocumentReference'],
  '10162-6': ['Observation', 'DocumentReference'],
  '18776-5': ['CarePlan', 'ImmunizationRecommendation', 'DocumentReference'],
  '29762-2': ['Observation', 'DocumentReference'],
  '8716-3': ['Observation', 'DocumentReference'],
};
/** Patient Story (81338-6) allows any resource. */
const IPS_SECTION_CODES = [...Object.keys(SECTION_ENTRY_TYPES), '81338-6'];

export const IPS_RULES: readonly ProfileRule[] = [
  { key: 'bdl-ips-1', context: '', expression: 'entry.tail().where(resource is Composition).empty()' },
  { key: 'Bundle-uv-ips: identifier 1..', context: '', expression: 'identifier.exists()' },
  { key: 'Bundle-uv-ips: type = document', context: '', expression: "type = 'document'" },
  { key: 'Bundle-uv-ips: timestamp 1..', context: '', expression: 'timestamp.exists()' },
  { key: 'Bundle-uv-ips: entry.fullUrl 1..', context: 'entry', expression: 'fullUrl.exists()' },
  {
    key: 'Bundle-uv-ips: entry.search, request, response ..0',
    context: 'entry',
    expression: 'search.empty() and request.empty() and response.empty()',
  },
  {
    key: 'Bundle-uv-ips: entry[composition] 1..1, first',
    context: '',
    expression: 'entry.first().resource is Composition and entry.where(resource is Composition).count() = 1',
  },
  {
    key: 'Bundle-uv-ips: entry[patient] 1..1',
    context: '',
    expression: 'entry.where(resource is Patient).count() = 1',
  },
  {
    key: 'Composition-uv-ips: type = LOINC 60591-5',
    context: COMPOSITION,
    expression: `type.coding.where(${LOINC} and code = '60591-5').exists()`,
  },
  {
    key: 'Composition-uv-ips: subject.reference 1.., only Reference(Patient)',
    context: COMPOSITION,
    expression: "subject.reference.exists() and subject.resolveEntry().resourceType = 'Patient'",
  },
  { key: 'Composition-uv-ips: section 1..', context: COMPOSITION, expression: 'section.exists()' },
  {
    key: 'Composition-uv-ips: section.title 1..1, code 1..1, text 1.., section ..0',
    context: `${COMPOSITION}.section`,
    expression: 'title.exists() and code.exists() and text.exists() and section.empty()',
  },
  ...[
    ['sectionProblems', '11450-4'],
    ['sectionAllergies', '48765-2'],
    ['sectionMedications', '10160-0'],
  ].flatMap(([name, code]) => [
    {
      key: `Composition-uv-ips: ${name} 1..1`,
      context: '',
      expression: `${section(code as string)}.count() = 1`,
    },
    {
      key: `ips-comp-1 (${name})`,
      context: section(code as string),
      expression: '(entry.reference.exists() or emptyReason.exists())',
    },
  ]),
  ...Object.entries(SECTION_ENTRY_TYPES).map(([code, list]) => ({
    key: `Composition-uv-ips: section ${code} entry only Reference(${list.join(' | ')})`,
    context: `${section(code)}.entry`,
    expression: types(list),
  })),
  {
    key: 'Patient-uv-ips: name 1..*, birthDate 1..1',
    context: 'entry.resource.ofType(Patient)',
    expression: 'name.exists() and birthDate.exists()',
  },
  {
    key: 'ips-pat-1',
    context: 'entry.resource.ofType(Patient).name',
    expression: 'family.exists() or given.exists() or text.exists()',
  },
  // Custodia's own promises (issue #14).
  {
    key: 'custodia-ips-sections: IPS section codes only',
    context: `${COMPOSITION}.section`,
    expression: `code.coding.where(${LOINC}).code.all($this in (${IPS_SECTION_CODES.map((c) => `'${c}'`).join(' | ')})) and code.coding.where(${LOINC}).exists()`,
  },
  {
    key: 'custodia-ips-ids: resource.id agrees with fullUrl',
    context: 'entry',
    expression: "resource.id.exists() and fullUrl = 'urn:uuid:' + resource.id",
  },
  {
    key: 'custodia-ips-narrative: every entry resource and section has generated narrative',
    context: `entry.resource | ${COMPOSITION}.section`,
    expression: "text.status = 'generated' and text.`div`.exists()",
  },
  {
    key: 'custodia-ips-confidentiality: one v3-Confidentiality label on Bundle and Composition, the same',
    context: '',
    expression:
      "meta.security.where(system = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality').count() = 1 and " +
      `${COMPOSITION}.confidentiality = meta.security.where(system = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality').code and ` +
      `${COMPOSITION}.meta.security.where(system = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality').code = ${COMPOSITION}.confidentiality`,
  },
  {
    key: 'custodia-ips-use: DELAU and NORDSCLCD on the Bundle',
    context: '',
    expression:
      "('DELAU' in meta.security.where(system = 'http://terminology.hl7.org/CodeSystem/v3-ActCode').code) and " +
      "('NORDSCLCD' in meta.security.where(system = 'http://terminology.hl7.org/CodeSystem/v3-ActCode').code)",
  },
  {
    key: 'custodia-ips-attachments: absolute URLs, no inline data',
    context: 'entry.resource.descendants().ofType(Attachment)',
    expression: "url.exists() implies url.matches('^https?://')",
  },
];

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const agent = (system: string, code: string) =>
  `agent.where(type.coding.where(system = '${system}' and code = '${code}').exists())`;
const CLIENT = agent(DCM, '110150');
const USER = agent('http://terminology.hl7.org/CodeSystem/v3-ParticipationType', 'IRCP');
const USERORG = agent('http://terminology.hl7.org/CodeSystem/v3-RoleClass', 'PROV');
const AUTHORIZER = agent('http://terminology.hl7.org/CodeSystem/extra-security-role-type', 'authserver');
const PATIENT_ENTITY =
  "entity.where(type.system = 'http://terminology.hl7.org/CodeSystem/audit-entity-type' and type.code = '1')";
const CONSENT_ENTITY =
  "entity.where(type.system = 'http://hl7.org/fhir/resource-types' and type.code = 'Consent')";
const TOKEN_ENTITY =
  "entity.where(type.system = 'https://profiles.ihe.net/ITI/BALP/CodeSystem/UserAgentTypes' and type.code = 'UserOauthAgent')";

/** IHE BALP 1.1 IHE.BasicAudit.AuthZconsent (AuthZ.fsh). */
export const BALP_AUTHZ_CONSENT_RULES: readonly ProfileRule[] = [
  { key: 'AuthZconsent: modifierExtension 0..0', context: '', expression: 'modifierExtension.empty()' },
  {
    key: 'AuthZconsent: type = DCM#110113',
    context: '',
    expression: `type.system = '${DCM}' and type.code = '110113'`,
  },
  {
    key: 'AuthZconsent: subtype 1.. from AuthZsubTypeVS',
    context: '',
    expression:
      "subtype.exists() and subtype.all(system = 'https://profiles.ihe.net/ITI/BALP/CodeSystem/AuthZsubType' and (code = 'AuthZ-Consent' or code = 'AuthZ-Role'))",
  },
  { key: 'AuthZconsent: action = E', context: '', expression: "action = 'E'" },
  {
    key: 'AuthZconsent: recorded 1..1, outcome 1..1',
    context: '',
    expression: 'recorded.exists() and outcome.exists()',
  },
  { key: 'AuthZconsent: agent 2..*', context: '', expression: 'agent.count() >= 2' },
  { key: 'AuthZconsent: agent[client] 1..1', context: '', expression: `${CLIENT}.count() = 1` },
  {
    key: 'AuthZconsent: agent[client] who 1..1, network 1..1, role/altId/name/location/media/purposeOfUse 0..0',
    context: CLIENT,
    expression:
      'who.exists() and network.exists() and role.empty() and altId.empty() and name.empty() and location.empty() and media.empty() and purposeOfUse.empty()',
  },
  { key: 'AuthZconsent: agent[user] 1..1', context: '', expression: `${USER}.count() = 1` },
  {
    key: 'AuthZconsent: agent[user] who 1..1, requestor = true, altId/location/media/network 0..0',
    context: USER,
    expression:
      'who.exists() and requestor = true and altId.empty() and location.empty() and media.empty() and network.empty()',
  },
  { key: 'AuthZconsent: agent[userorg] 1..1', context: '', expression: `${USERORG}.count() = 1` },
  {
    key: 'AuthZconsent: agent[userorg] who 1..1, requestor = false, role/altId/name/location/policy/media/network 0..0',
    context: USERORG,
    expression:
      'who.exists() and requestor = false and role.empty() and altId.empty() and name.empty() and location.empty() and policy.empty() and media.empty() and network.empty()',
  },
  { key: 'AuthZconsent: agent[authorizer] 1..1', context: '', expression: `${AUTHORIZER}.count() = 1` },
  {
    key: 'AuthZconsent: agent[authorizer] who 1..1, requestor = false, role/altId/name/location/policy/media/network/purposeOfUse 0..0',
    context: AUTHORIZER,
    expression:
      'who.exists() and requestor = false and role.empty() and altId.empty() and name.empty() and location.empty() and policy.empty() and media.empty() and network.empty() and purposeOfUse.empty()',
  },
  {
    key: 'val-audit-source (agent[authorizer])',
    context: AUTHORIZER,
    expression: '$this.who = %resource.source.observer',
  },
  { key: 'AuthZconsent: entity 2..*', context: '', expression: 'entity.count() >= 2' },
  {
    key: 'AuthZconsent: entity slicing closed (patient | consent | token)',
    context: '',
    expression: `entity.count() = ${PATIENT_ENTITY}.count() + ${CONSENT_ENTITY}.count() + ${TOKEN_ENTITY}.count()`,
  },
  { key: 'AuthZconsent: entity[patient] 1..1', context: '', expression: `${PATIENT_ENTITY}.count() = 1` },
  {
    key: 'AuthZconsent: entity[patient] role = object-role#1, what 1..1 only Reference(Patient)',
    context: PATIENT_ENTITY,
    expression:
      "role.system = 'http://terminology.hl7.org/CodeSystem/object-role' and role.code = '1' and what.exists() and (what.reference.startsWith('Patient/') or what.type = 'Patient')",
  },
  { key: 'AuthZconsent: entity[consent] 1..*', context: '', expression: `${CONSENT_ENTITY}.exists()` },
  { key: 'AuthZconsent: entity[consent] what 1..1', context: CONSENT_ENTITY, expression: 'what.exists()' },
];

/** Custodia's Consent mapping (R4 Consent; ppc-1…ppc-5 are core invariants, checked with the core). */
export const CUSTODIA_CONSENT_RULES: readonly ProfileRule[] = [
  {
    key: 'custodia-consent: scope patient-privacy',
    context: '',
    expression:
      "scope.coding.where(system = 'http://terminology.hl7.org/CodeSystem/consentscope' and code = 'patient-privacy').exists()",
  },
  {
    key: 'custodia-consent: category LOINC 59284-0',
    context: '',
    expression: `category.coding.where(${LOINC} and code = '59284-0').exists()`,
  },
  {
    key: 'custodia-consent: patient, dateTime, policyRule',
    context: '',
    expression: 'patient.exists() and dateTime.exists() and policyRule.exists()',
  },
  {
    key: 'custodia-consent: ledger id and version',
    context: '',
    expression:
      "identifier.where(system = 'urn:custodia:rule' or system = 'urn:custodia:emergency-policy').value.exists() and " +
      "identifier.where(system = 'urn:custodia:ledger-tx').value.exists() and meta.versionId.exists()",
  },
  { key: 'custodia-consent: base deny', context: '', expression: "provision.type = 'deny'" },
  {
    key: 'custodia-consent: nested provisions carry type, actor, purpose and categories',
    context: 'provision.provision',
    expression: 'type.exists() and actor.exists() and purpose.exists() and code.exists()',
  },
];
