/** What the journeys' routes are built from: the ledger (as the signed-in user), the data lake, the directories. */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { DatalakeActor, DatalakeClient } from '@custodia/datalake';
import { GatewayError } from '../errors';
import type { AuthUser, PersonIdentification } from '../identity/user';
import type { UserLedger } from '../ledger/users';
import type { ContributionContent } from '../contributions/content-store';
import type { ReasonOwner, ReasonStore } from '../reasons/reason-store';
import type { EmergencyCards } from './emergency-card';
import type { RouteInput, RouteSchemas } from '../http/route';

/** The data lake as the journeys use it: the operations of its client they call. */
export type DataLake = Pick<
  DatalakeClient,
  | 'registerPatient'
  | 'uploadRecords'
  | 'getJob'
  | 'resumeJob'
  | 'uploadDocument'
  | 'storeContribution'
  | 'assemble'
  | 'openRecord'
  | 'ownRecord'
  | 'downloadBinary'
  | 'erasePatient'
  | 'residency'
  | 'health'
>;

/** A patient known here: their home organisation and, when it recorded one, their identification set. */
export interface KnownPatient {
  readonly mspId: string;
  readonly person?: PersonIdentification;
}

/** The patients known here (clinicians and centres look patients up by id before acting). */
export interface PatientDirectory {
  find(patientId: string): Promise<KnownPatient | undefined>;
}

/** Whether an erasure of the patient started or finished on this gateway (nothing new is taken for them then). */
export interface ErasedPatients {
  erasing(patientId: string): Promise<boolean>;
}

export interface JourneyDeps {
  readonly ledger: UserLedger;
  /** Absent or down: routes that need data answer 503, everything else keeps working. */
  readonly datalake: DataLake | undefined;
  readonly patients: PatientDirectory;
  readonly cards: EmergencyCards;
  /** Contributions' content, held until the patient decides. */
  readonly contributions: ContributionContent;
  /** Clinicians' reasons (their words off-chain, sealed and erasable; a salted hash on-chain). */
  readonly reasons: ReasonStore;
  readonly erased: ErasedPatients;
  readonly now: () => Date;
}

/** The signed-in caller (routes that reach here are never public). */
export function caller<S extends RouteSchemas>(input: RouteInput<S>): AuthUser {
  if (input.user === undefined) throw new GatewayError('UNAUTHENTICATED', 'sign in first');
  return input.user;
}

export function lake(deps: Pick<JourneyDeps, 'datalake'>): DataLake {
  if (deps.datalake === undefined)
    throw new GatewayError('DATALAKE_UNAVAILABLE', 'the data lake is not configured on this gateway');
  return deps.datalake;
}

/**
 * The chaincode's client request id of a creating request: the caller's `Idempotency-Key`, so a retry answers what
 * the first attempt created; a new id when the caller gave none.
 */
export function requestIdOf(headers: { readonly 'idempotency-key'?: string }): string {
  return headers['idempotency-key'] ?? randomUUID();
}

/** 410 PATIENT_ERASED when the patient's erasure started or finished: nothing new is stored or recorded for them. */
export async function refuseErased(deps: Pick<JourneyDeps, 'erased'>, patientId: string): Promise<void> {
  if (await deps.erased.erasing(patientId))
    throw new GatewayError(
      'PATIENT_ERASED',
      'this patient’s data was erased; nothing more is taken for them',
    );
}

/** Whose reasons these are, as the chaincode keys client request ids. */
export function reasonOwner(user: AuthUser): ReasonOwner {
  return { mspId: user.mspId, role: user.role, id: user.ledgerId };
}

/** How the data lake is told who it acts for. */
export function actorOf(user: AuthUser): DatalakeActor {
  return { mspId: user.mspId, id: user.ledgerId, role: user.role, country: user.country };
}

/**
 * The grant's temporary record, in one call to the lake: it reads the grant on the ledger as this user, refuses
 * with a code that says why (GRANT_NOT_FOUND, NOT_REQUESTER, GRANT_NOT_ACTIVE, COUNTRY_NOT_ALLOWED), and streams the
 * stored record — assembled first, and its delivery logged, when there is none yet.
 */
export function readRecord(deps: JourneyDeps, user: AuthUser, grantId: string): Promise<Readable> {
  return lake(deps).openRecord(actorOf(user), grantId);
}
