/**
 * The patient's journey: rules and their versions, preview, emergency policy, own access log (with the reasons
 * clinicians gave, kept off-chain), contributions.
 */
import { Type } from '@sinclair/typebox';
import type { GrantView } from '@custodia/chaincode';
import { GatewayError } from '../errors';
import { defineRoute } from '../http/route';
import type { RouteDef } from '../http/route';
import { actorOf, caller, lake, requestIdOf } from './context';
import type { JourneyDeps } from './context';
import type { AuthUser } from '../identity/user';
import {
  Category,
  EmergencyPolicySpec,
  IdempotencyHeaders,
  Id,
  Instant,
  LogOrder,
  Paging,
  PatientGrantParams,
  PatientId,
  PatientParams,
  Purpose,
  Requester,
  RuleParams,
  RuleSpec,
  RuleVersionNumber,
} from './schemas';

const TAG = 'patient';

/**
 * A grant of the patient the path names. The chaincode lets only the patient, the requester, auditors and the
 * platform read it; the path must also name the grant's own patient, so no patient path leads to another's.
 */
async function patientGrant(
  ledger: JourneyDeps['ledger'],
  user: AuthUser,
  params: { readonly patientId: string; readonly grantId: string },
): Promise<GrantView> {
  const grant = await ledger.as(user).access.getGrant(params.grantId);
  if (grant.patientId !== params.patientId)
    throw new GatewayError('NOT_FOUND', 'no such grant of this patient');
  return grant;
}

export function patientRoutes(deps: JourneyDeps): RouteDef[] {
  const { ledger } = deps;
  return [
    defineRoute({
      method: 'get',
      path: '/patients/:patientId/rules',
      summary: 'The patient’s rules, every status (auditors: any patient)',
      tag: TAG,
      ownedBy: 'patientId',
      schemas: { params: PatientParams, query: Paging },
      handler: async (input) => {
        const user = caller(input);
        return user.role === 'patient'
          ? ledger.as(user).rules.listMine(input.query)
          : ledger.as(user).rules.listOfPatient(input.params.patientId, input.query);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/patients/:patientId/rules',
      summary: 'Create a rule: who may see what, when, why; permit or deny (idempotent on Idempotency-Key)',
      tag: TAG,
      ownedBy: 'patientId',
      status: 201,
      schemas: { params: PatientParams, headers: IdempotencyHeaders, body: RuleSpec },
      handler: async (input) =>
        ledger.as(caller(input)).rules.create({ requestId: requestIdOf(input.headers), rule: input.body }),
    }),
    defineRoute({
      method: 'get',
      path: '/patients/:patientId/rules/:ruleId',
      summary: 'One rule, current version',
      tag: TAG,
      ownedBy: 'patientId',
      schemas: { params: RuleParams },
      handler: async (input) => ledger.as(caller(input)).rules.get(input.params.ruleId),
    }),
    defineRoute({
      method: 'put',
      path: '/patients/:patientId/rules/:ruleId',
      summary: 'Update a rule (a new version; grants it decided are revoked)',
      tag: TAG,
      ownedBy: 'patientId',
      schemas: { params: RuleParams, body: RuleSpec },
      handler: async (input) => ledger.as(caller(input)).rules.update(input.params.ruleId, input.body),
    }),
    defineRoute({
      method: 'delete',
      path: '/patients/:patientId/rules/:ruleId',
      summary: 'Revoke a rule: effective at the next request; records it released are deleted',
      tag: TAG,
      ownedBy: 'patientId',
      schemas: { params: RuleParams },
      handler: async (input) => ledger.as(caller(input)).rules.revoke(input.params.ruleId),
    }),
    defineRoute({
      method: 'get',
      path: '/patients/:patientId/rules/:ruleId/history',
      summary: 'Every version of a rule, oldest first',
      tag: TAG,
      ownedBy: 'patientId',
      schemas: { params: RuleParams, query: Paging },
      handler: async (input) => ledger.as(caller(input)).rules.history(input.params.ruleId, input.query),
    }),
    defineRoute({
      method: 'post',
      path: '/patients/:patientId/rules/:ruleId/restore',
      summary: 'Restore a previous version of a rule (as a new version)',
      tag: TAG,
      ownedBy: 'patientId',
      schemas: {
        params: RuleParams,
        body: Type.Object({ version: RuleVersionNumber }, { additionalProperties: false }),
      },
      handler: async (input) =>
        ledger.as(caller(input)).rules.restore(input.params.ruleId, input.body.version),
    }),
    defineRoute({
      method: 'post',
      path: '/patients/:patientId/preview',
      summary: 'What a described clinician would receive under the current rules (nothing is logged)',
      tag: TAG,
      ownedBy: 'patientId',
      schemas: {
        params: PatientParams,
        body: Type.Object(
          {
            requester: Requester,
            categories: Type.Array(Category, { minItems: 1, uniqueItems: true }),
            purpose: Purpose,
            at: Type.Optional(Instant),
          },
          { additionalProperties: false },
        ),
      },
      handler: async (input) => ledger.as(caller(input)).access.preview(input.body),
    }),
    defineRoute({
      method: 'get',
      path: '/patients/:patientId/emergency-policy',
      summary: 'The patient’s terms for emergency access (404 when never set)',
      tag: TAG,
      ownedBy: 'patientId',
      schemas: { params: PatientParams },
      handler: async (input) => ledger.as(caller(input)).emergency.getPolicy(input.params.patientId),
    }),
    defineRoute({
      method: 'put',
      path: '/patients/:patientId/emergency-policy',
      summary: 'Set the emergency policy (a new version)',
      tag: TAG,
      ownedBy: 'patientId',
      schemas: { params: PatientParams, body: EmergencyPolicySpec },
      handler: async (input) => ledger.as(caller(input)).emergency.setPolicy(input.body),
    }),
    defineRoute({
      method: 'get',
      path: '/patients/:patientId/access-log',
      summary:
        'Who asked for what about this patient, what was decided and why (the reason in the requester’s words, checked against the hash on the ledger); newest first unless `order=oldest-first`',
      tag: TAG,
      ownedBy: 'patientId',
      schemas: {
        params: PatientParams,
        query: Type.Object(
          { ...Paging.properties, order: Type.Optional(LogOrder) },
          { additionalProperties: false },
        ),
      },
      handler: async (input) => {
        const { order = 'newest-first', ...page } = input.query;
        const found = await ledger
          .as(caller(input))
          .audit.listAccessLog({ by: 'patient', patientId: input.params.patientId, order }, page);
        return { items: await deps.reasons.withReasons(found.items), bookmark: found.bookmark };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/patients/:patientId/grants/:grantId',
      summary:
        'A grant made from this patient’s rules, with its status now (active, expired, revoked or narrowed)',
      tag: TAG,
      ownedBy: 'patientId',
      schemas: { params: PatientGrantParams },
      handler: async (input) => patientGrant(ledger, caller(input), input.params),
    }),
    defineRoute({
      method: 'get',
      path: '/patients/:patientId/grants/:grantId/deliveries',
      summary: 'When the record released by a grant was delivered (opened), and to whom',
      tag: TAG,
      ownedBy: 'patientId',
      schemas: { params: PatientGrantParams, query: Paging },
      handler: async (input) => {
        const user = caller(input);
        const grant = await patientGrant(ledger, user, input.params);
        return ledger.as(user).access.listDeliveries(grant.grantId, input.query);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/patients/:patientId/contributions',
      summary: 'Clinicians’ additions to the record, pending until the patient decides',
      tag: TAG,
      ownedBy: 'patientId',
      schemas: { params: PatientParams, query: Paging },
      handler: async (input) =>
        ledger.as(caller(input)).contributions.list(input.params.patientId, input.query),
    }),
    defineRoute({
      method: 'get',
      path: '/patients/:patientId/emergency-card',
      summary:
        'The code of the patient’s emergency card (shown as a QR code), which clinicians scan to find them',
      tag: TAG,
      ownedBy: 'patientId',
      schemas: {
        params: PatientParams,
        response: Type.Object({ patientId: PatientId, code: Type.String() }),
      },
      handler: async (input) => ({
        patientId: input.params.patientId,
        code: deps.cards.codeFor(input.params.patientId),
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/patients/:patientId/contributions/:contributionId/content',
      summary: 'What a clinician contributed (FHIR), checked against the hash on the ledger, to decide on it',
      tag: TAG,
      ownedBy: 'patientId',
      schemas: {
        params: Type.Object({ patientId: PatientId, contributionId: Id }, { additionalProperties: false }),
      },
      handler: async (input) => {
        const contribution = await ledger
          .as(caller(input))
          .contributions.get(input.params.patientId, input.params.contributionId);
        return deps.contributions.get(input.params.patientId, contribution.contentHash);
      },
    }),
    ...(['approve', 'reject'] as const).map((decision) =>
      defineRoute({
        method: 'post',
        path: `/patients/:patientId/contributions/:contributionId/${decision}`,
        summary:
          decision === 'approve'
            ? 'Approve a clinician’s contribution: registered on-chain as a record of the patient and handed to the data lake (a retry completes a handover that failed)'
            : 'Reject a clinician’s contribution',
        tag: TAG,
        ownedBy: 'patientId',
        schemas: {
          params: Type.Object({ patientId: PatientId, contributionId: Id }, { additionalProperties: false }),
        },
        handler: async (input) => {
          const user = caller(input);
          const { patientId, contributionId } = input.params;
          const contributions = ledger.as(user).contributions;
          if (decision === 'reject') return contributions.reject(contributionId);
          const current = await contributions.get(patientId, contributionId);
          const approved =
            current.status === 'approved' ? current : await contributions.approve(contributionId);
          if (approved.recordId === undefined) return approved;
          // The ledger registered the record; the lake stores its content under that id, checking the hash.
          await lake(deps).storeContribution(
            actorOf(user),
            patientId,
            approved.recordId,
            await deps.contributions.bytes(patientId, approved.contentHash),
          );
          return approved;
        },
      }),
    ),
  ];
}
