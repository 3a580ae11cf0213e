/**
 * Erasure as a journey (GDPR art. 17): the patient asks, told first what is erased and what stays on the ledger;
 * an administrator of the patient's home organisation sees the requests and carries out a verified one — on-chain
 * first (signed by the administrator: every grant ends, every rule is revoked, nothing new from then on), then the
 * data lake (the patient's keys destroyed in every location, every zone emptied), then this gateway's stores, then
 * the patient's certificate revoked at the CA. A retry resumes where a failure or a stop left it.
 */
import { Type } from '@sinclair/typebox';
import type { LedgerSession } from '@custodia/ledger';
import { errorCode, GatewayError } from '../errors';
import type { ErasureCase, ErasureSubject } from '../erasure/erasure-case';
import type { ErasureService, ErasureSteps } from '../erasure/erasure-service';
import { ERASURE_STATEMENT } from '../erasure/statement';
import { defineRoute } from '../http/route';
import type { RouteDef } from '../http/route';
import type { IdentityService } from '../identity';
import type { AuthUser } from '../identity/user';
import type { UploadStore } from '../uploads/upload-store';
import { actorOf, caller, lake } from './context';
import type { JourneyDeps } from './context';
import { PatientParams } from './schemas';

const TAG = 'erasure';

/** An administrator's reference of a request verified offline: a ticket or letter number, never free text. */
const Reference = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._:/#-]{0,63}$',
  description: 'the reference of a request verified outside Custodia (ticket or letter number; no names)',
});

export interface ErasureDeps extends Pick<JourneyDeps, 'ledger' | 'datalake' | 'contributions' | 'reasons'> {
  readonly identity: IdentityService;
  readonly uploads: UploadStore;
  readonly erasures: ErasureService;
}

/** The case as the API shows it, with the statement of what is erased and what stays. */
function view(erasure: ErasureCase): ErasureCase & { readonly statement: typeof ERASURE_STATEMENT } {
  return { ...erasure, statement: ERASURE_STATEMENT };
}

/** The patient's ledger registration is marked erased, once (a retry after it was finds it so). */
async function markErasedOnChain(ledger: LedgerSession, patientId: string): Promise<void> {
  if ((await ledger.patients.get(patientId)).erased !== undefined) return;
  try {
    await ledger.patients.markErased(patientId);
  } catch (error) {
    // Another execution committed it meanwhile: done, as long as the registration now says so.
    if (errorCode(error) !== 'FAILED_PRECONDITION') throw error;
    if ((await ledger.patients.get(patientId)).erased === undefined) throw error;
  }
}

export function erasureRoutes(deps: ErasureDeps): RouteDef[] {
  const { erasures, identity } = deps;

  /** The patient as this gateway knows them: their account, or the case that outlives it. */
  const subjectOf = async (patientId: string): Promise<ErasureSubject> => {
    const account = identity
      .listUsers()
      .find((user) => user.role === 'patient' && user.ledgerId === patientId);
    if (account !== undefined) return { patientId, mspId: account.mspId, userId: account.userId };
    const erasure = await erasures.get(patientId);
    if (erasure === undefined) throw new GatewayError('NOT_FOUND', 'no patient with this id on this gateway');
    return {
      patientId,
      mspId: erasure.mspId,
      ...(erasure.userId === undefined ? {} : { userId: erasure.userId }),
    };
  };

  const steps = (admin: AuthUser): ErasureSteps => ({
    ledger: (erasure) => markErasedOnChain(deps.ledger.as(admin), erasure.patientId),
    datalake: async (erasure) => {
      await lake(deps).erasePatient(actorOf(admin), erasure.patientId);
    },
    gateway: async (erasure) => {
      const { patientId, mspId } = erasure;
      await deps.contributions.removePatient(patientId);
      await deps.uploads.removePatient(patientId);
      await deps.reasons.erasePatient(patientId);
      await identity.erasePatientAccount({
        mspId,
        ledgerId: patientId,
        ...(erasure.userId === undefined ? {} : { userId: erasure.userId }),
      });
      deps.ledger.forget({ mspId, ledgerId: patientId });
    },
    certificate: (erasure) => identity.revokeErasedIdentity(erasure.mspId, erasure.patientId),
  });

  return [
    defineRoute({
      method: 'post',
      path: '/patients/:patientId/erasure-request',
      summary:
        'Ask for the erasure of all your data (an administrator of your hospital carries it out); the answer says what is erased and what stays on the ledger',
      tag: TAG,
      ownedBy: 'patientId',
      status: 202,
      schemas: {
        params: PatientParams,
        body: Type.Object(
          { confirm: Type.Literal(true, { description: 'the patient read the statement and confirms' }) },
          { additionalProperties: false },
        ),
      },
      handler: async (input) => {
        const user = caller(input);
        return view(
          await erasures.request({ patientId: user.ledgerId, mspId: user.mspId, userId: user.userId }),
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/patients/:patientId/erasure-request',
      summary:
        'Your erasure request, if any, and the statement of what an erasure erases and what stays on the ledger',
      tag: TAG,
      ownedBy: 'patientId',
      schemas: { params: PatientParams },
      handler: async (input) => {
        const erasure = await erasures.get(input.params.patientId);
        return { request: erasure ?? null, statement: ERASURE_STATEMENT };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/admin/erasure-requests',
      summary:
        'Erasure requests of the patients of the administrator’s organisation: pending (asked or under way) by default',
      tag: TAG,
      schemas: {
        query: Type.Object(
          {
            status: Type.Optional(
              Type.Union([Type.Literal('pending'), Type.Literal('erased'), Type.Literal('all')], {
                default: 'pending',
              }),
            ),
          },
          { additionalProperties: false },
        ),
      },
      handler: async (input) => {
        const { mspId } = caller(input);
        const wanted = input.query.status ?? 'pending';
        const items = (await erasures.list()).filter(
          (erasure) =>
            erasure.mspId === mspId &&
            (wanted === 'all' || (wanted === 'erased') === (erasure.status === 'erased')),
        );
        return { items };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/admin/patients/:patientId/erasure',
      summary:
        'Carry out a verified erasure (the patient asked here, or `reference` names a request verified offline): on the ledger, in the data lake, on this gateway, at the CA; a retry resumes where a failure left it',
      tag: TAG,
      schemas: {
        params: PatientParams,
        body: Type.Object({ reference: Type.Optional(Reference) }, { additionalProperties: false }),
      },
      handler: async (input) => {
        const admin = caller(input);
        const subject = await subjectOf(input.params.patientId);
        if (subject.mspId !== admin.mspId)
          throw new GatewayError(
            'OTHER_ORGANISATION',
            'only an administrator of the patient’s home organisation erases their data',
          );
        const erasure = await erasures.execute(
          subject,
          {
            adminUserId: admin.userId,
            ...(input.body.reference === undefined ? {} : { reference: input.body.reference }),
          },
          steps(admin),
        );
        return view(erasure);
      },
    }),
  ];
}
