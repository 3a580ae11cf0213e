/**
 * `GET /fhir/metadata`: the CapabilityStatement of Custodia's FHIR endpoint (R4 4.0.1, JSON only), listing exactly
 * what it supports: the IPS `$summary` operation on Patient (by id or by `identifier`, GET or POST), and searches
 * of Consent and AuditEvent by `patient`. Pure.
 */
import type { CapabilityStatement } from '@medplum/fhirtypes';
import { narrative, paragraph, text } from '@custodia/datalake';
import { FHIR_JSON } from './format';

export const IPS_SUMMARY_OPERATION = 'http://hl7.org/fhir/uv/ips/OperationDefinition/summary';

export function capabilityStatement(options: {
  readonly baseUrl: string;
  readonly version: string;
  /** When this software version was built or started (the statement's date). */
  readonly date: string;
}): CapabilityStatement {
  const byPatient = {
    name: 'patient',
    type: 'reference' as const,
    documentation: 'The patient’s pseudonymous id (`pt-…` or `Patient/pt-…`); required',
  };
  return {
    resourceType: 'CapabilityStatement',
    text: narrative(
      paragraph(
        text(
          'Custodia FHIR R4 endpoint (JSON): the International Patient Summary of a grant ($summary), the patient’s rules as Consent and the access log as AuditEvent.',
        ),
      ),
    ),
    status: 'active',
    date: options.date,
    publisher: 'Custodia',
    kind: 'instance',
    software: { name: 'Custodia', version: options.version },
    implementation: { description: 'Custodia FHIR endpoint', url: `${options.baseUrl}/fhir` },
    fhirVersion: '4.0.1',
    format: [FHIR_JSON, 'json'],
    rest: [
      {
        mode: 'server',
        security: {
          service: [
            {
              coding: [
                { system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'OAuth' },
              ],
            },
          ],
          description:
            'A Bearer access token from POST /api/v1/auth/login. $summary: clinicians holding an active grant; Consent and AuditEvent: the patient (their own) and auditors.',
        },
        resource: [
          {
            type: 'Patient',
            operation: [
              {
                name: 'summary',
                definition: IPS_SUMMARY_OPERATION,
                documentation:
                  'GET or POST (Parameters) /Patient/{id}/$summary, or /Patient/$summary?identifier=urn:custodia:patient|{id}; profile: the IPS Bundle profile only',
              },
            ],
          },
          {
            type: 'Consent',
            interaction: [{ code: 'search-type' }],
            searchParam: [byPatient],
          },
          {
            type: 'AuditEvent',
            supportedProfile: [
              'https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.AuthZconsent',
            ],
            interaction: [{ code: 'search-type' }],
            searchParam: [byPatient],
          },
        ],
      },
    ],
  };
}
