/**
 * The clinician's journey: find a patient, request access (or emergency access), receive the temporary
 * record assembled by the data lake against the committed grant, submit a contribution. A clinician's own words
 * (the reason of a request) never go on-chain: the ledger records their salted hash, the gateway keeps them
 * sealed. Creating requests are idempotent on the `Idempotency-Key` header.
 */
import { pipeline } from 'node:stream/promises';
import { Type } from '@sinclair/typebox';
import { MAX_CONTRIBUTION_BYTES } from '../contributions/content-store';
import { GatewayError } from '../errors';
import { defineRoute } from '../http/route';
import type { RouteDef } from '../http/route';
import { actorOf, caller, lake, readRecord, reasonOwner, refuseErased, requestIdOf } from './context';
import type { JourneyDeps } from './context';
import {
  Category,
  EmergencyReasonCode,
  EmergencyReasonText,
  GrantParams,
  IdempotencyHeaders,
  Id,
  Label,
  PatientId,
  Reason,
  RequestPurpose,
} from './schemas';

const TAG = 'clinician';
const Categories = Type.Array(Category, { minItems: 1, uniqueItems: true });

export function clinicianRoutes(deps: JourneyDeps): RouteDef[] {
  const { ledger } = deps;
  return [
    defineRoute({
      method: 'get',
      path: '/patients/lookup',
      summary:
        'Find a patient by id or by the code of their emergency card. A medical centre of the patient’s own organisation also gets the name and birth date to confirm who it is before uploading; anyone else only that the patient is registered',
      tag: TAG,
      schemas: {
        query: Type.Object(
          { id: Type.Optional(PatientId), card: Type.Optional(Type.String({ maxLength: 300 })) },
          { additionalProperties: false },
        ),
        response: Type.Object({
          patientId: PatientId,
          person: Type.Optional(
            Type.Object({
              given: Type.Array(Type.String()),
              family: Type.String(),
              birthDate: Type.String({ format: 'date' }),
            }),
          ),
        }),
      },
      handler: async (input) => {
        const user = caller(input);
        const { id, card } = input.query;
        if ((id === undefined) === (card === undefined))
          throw new GatewayError('VALIDATION_FAILED', 'give either id or card');
        const patientId = id ?? deps.cards.patientOf(card ?? '');
        if (patientId === undefined) throw new GatewayError('NOT_FOUND', 'this card code is not valid');
        const patient = await deps.patients.find(patientId);
        if (patient === undefined) throw new GatewayError('NOT_FOUND', 'no patient with this id');
        // Only the patient's home organisation's centre, which uploads their records, confirms the person; a
        // clinician identifies them from the record a grant releases.
        if (user.role !== 'centre' || user.mspId !== patient.mspId || patient.person === undefined)
          return { patientId };
        const { given, family, birthDate } = patient.person;
        return { patientId, person: { given, family, birthDate } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/access-requests',
      summary:
        'Ask for a patient’s records: the rules decide on the ledger, and the decision is logged (the reason stays off-chain)',
      tag: TAG,
      status: 201,
      schemas: {
        headers: IdempotencyHeaders,
        body: Type.Object(
          {
            patientId: PatientId,
            categories: Categories,
            purpose: RequestPurpose,
            reason: Type.Optional(Reason),
          },
          { additionalProperties: false },
        ),
      },
      handler: async (input) => {
        const user = caller(input);
        const requestId = requestIdOf(input.headers);
        const { reason, ...asked } = input.body;
        await refuseErased(deps, asked.patientId);
        const reasonHash =
          reason === undefined
            ? undefined
            : await deps.reasons.prepare(reasonOwner(user), requestId, reason, asked.patientId);
        const entry = await ledger.as(user).access.request({
          ...asked,
          requestId,
          ...(reasonHash === undefined ? {} : { reasonHash }),
        });
        if (reason !== undefined)
          await deps.reasons.link(reasonOwner(user), requestId, entry.entryId, asked.patientId);
        return entry;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/emergency-access',
      summary:
        'Emergency access under the patient’s emergency policy: a reason code and at least a sentence of explanation (kept off-chain); at most 5 per clinician and hour; flagged for the patient and auditors',
      tag: TAG,
      status: 201,
      schemas: {
        headers: IdempotencyHeaders,
        body: Type.Object(
          {
            patientId: PatientId,
            categories: Categories,
            reasonCode: EmergencyReasonCode,
            reason: EmergencyReasonText,
          },
          { additionalProperties: false },
        ),
      },
      handler: async (input) => {
        const user = caller(input);
        const requestId = requestIdOf(input.headers);
        const { reason, ...asked } = input.body;
        await refuseErased(deps, asked.patientId);
        const reasonHash = await deps.reasons.prepare(reasonOwner(user), requestId, reason, asked.patientId);
        const entry = await ledger.as(user).access.requestEmergency({ ...asked, reasonHash, requestId });
        await deps.reasons.link(reasonOwner(user), requestId, entry.entryId, asked.patientId);
        return entry;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/grants/:grantId',
      summary: 'A grant and its status now',
      tag: TAG,
      schemas: { params: GrantParams },
      handler: async (input) => ledger.as(caller(input)).access.getGrant(input.params.grantId),
    }),
    defineRoute({
      method: 'post',
      path: '/grants/:grantId/assembly',
      summary: 'Have the data lake assemble the temporary record of a committed grant',
      tag: TAG,
      status: 201,
      schemas: { params: GrantParams },
      handler: async (input) => lake(deps).assemble(actorOf(caller(input)), input.params.grantId),
    }),
    defineRoute({
      method: 'get',
      path: '/grants/:grantId/record',
      summary: 'The temporary patient record (FHIR IPS-style Bundle), assembled on first read',
      tag: TAG,
      produces: 'application/fhir+json',
      schemas: { params: GrantParams },
      handler: async (input) => {
        const stream = await readRecord(deps, caller(input), input.params.grantId);
        input.res.status(200).type('application/fhir+json');
        input.res.setHeader('Cache-Control', 'no-store');
        await pipeline(stream, input.res);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/grants/:grantId/binaries/:recordId',
      summary: 'A released binary, through the short-lived link in its DocumentReference',
      tag: TAG,
      produces: 'application/octet-stream',
      schemas: {
        params: Type.Object({ grantId: Id, recordId: Id }, { additionalProperties: false }),
        query: Type.Object(
          { expires: Type.String({ maxLength: 40 }), sig: Type.String({ maxLength: 200 }) },
          { additionalProperties: false },
        ),
      },
      handler: async (input) => {
        const binary = await lake(deps).downloadBinary(
          actorOf(caller(input)),
          input.params.grantId,
          input.params.recordId,
          { expires: input.query.expires, sig: input.query.sig },
        );
        input.res.status(200).type(binary.contentType);
        input.res.setHeader('Cache-Control', 'no-store');
        if (binary.length !== undefined) input.res.setHeader('Content-Length', String(binary.length));
        await pipeline(binary.stream, input.res);
        return undefined;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/patients/:patientId/contributions',
      summary:
        'Add to a patient’s record (with an active grant for them): held as a contribution until the patient approves it',
      tag: TAG,
      status: 201,
      maxBodyBytes: MAX_CONTRIBUTION_BYTES,
      schemas: {
        params: Type.Object({ patientId: PatientId }, { additionalProperties: false }),
        headers: IdempotencyHeaders,
        body: Type.Object(
          {
            categories: Categories,
            labels: Type.Array(Label, { uniqueItems: true, default: [] }),
            resource: Type.Object({ resourceType: Type.String({ minLength: 1, maxLength: 64 }) }),
          },
          { additionalProperties: false },
        ),
      },
      handler: async (input) => {
        const { patientId } = input.params;
        await refuseErased(deps, patientId);
        // Content first (addressed by its hash): a crash before the ledger commits leaves nothing the patient
        // sees. Refused by the ledger (no active grant, unknown patient, over quota), nothing new is kept.
        const stored = await deps.contributions.put(patientId, input.body.resource);
        try {
          return await ledger.as(caller(input)).contributions.submit({
            patientId,
            categories: input.body.categories,
            labels: input.body.labels,
            contentHash: stored.contentHash,
            requestId: requestIdOf(input.headers),
          });
        } catch (error) {
          if (stored.created) await deps.contributions.remove(patientId, stored.contentHash);
          throw error;
        }
      },
    }),
  ];
}
