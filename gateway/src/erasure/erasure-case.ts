/**
 * An erasure case and how it moves, pure: a patient asks (`requested`), an administrator of their home organisation
 * carries out the verified request (`erasing`, step by step), and it ends `erased`. Each step is recorded once done,
 * so an execution a stop cut short resumes at the first step not done.
 */
import { GatewayError } from '../errors';

/** The steps of an erasure, in the order they run (each idempotent). */
export const ERASURE_STEPS = ['ledger', 'datalake', 'gateway', 'certificate'] as const;
export type ErasureStep = (typeof ERASURE_STEPS)[number];

export type ErasureStatus = 'requested' | 'erasing' | 'erased';

export interface ErasureCase {
  /** The patient's pseudonym (their ledger id). */
  readonly patientId: string;
  /** The patient's home organisation: only its administrators carry the erasure out. */
  readonly mspId: string;
  /** The patient's account on this gateway (internal id), purged by the `gateway` step. */
  readonly userId?: string;
  readonly status: ErasureStatus;
  /** When the case was opened: the patient's request, or the administrator's execution of an offline one. */
  readonly openedAt: string;
  /** When the patient asked through Custodia (absent for a request verified offline). */
  readonly requestedAt?: string;
  /** The administrator's reference of a request verified outside Custodia (a ticket or letter number). */
  readonly reference?: string;
  /** The administrator (internal user id) who carried it out, and when it started. */
  readonly executedBy?: string;
  readonly startedAt?: string;
  /** When each step was done. */
  readonly steps: Partial<Record<ErasureStep, string>>;
  readonly erasedAt?: string;
}

/** Who the patient is on this gateway, as a case records them. */
export interface ErasureSubject {
  readonly patientId: string;
  readonly mspId: string;
  readonly userId?: string;
}

/** A patient's request: a new case, or the one already open (asking again changes nothing). */
export function requestErasure(
  current: ErasureCase | undefined,
  subject: ErasureSubject,
  at: string,
): ErasureCase {
  if (current !== undefined) return current;
  return {
    ...subject,
    status: 'requested',
    openedAt: at,
    requestedAt: at,
    steps: {},
  };
}

/**
 * An administrator starts (or resumes) a verified erasure: the patient's request must be on file, or the
 * administrator names the reference of a request verified offline. A case already `erasing` or `erased` is resumed
 * as it is (its steps done stay done).
 */
export function startErasure(
  current: ErasureCase | undefined,
  subject: ErasureSubject,
  execution: { readonly adminUserId: string; readonly reference?: string; readonly at: string },
): ErasureCase {
  if (current?.status === 'erasing' || current?.status === 'erased') return current;
  if (current === undefined && execution.reference === undefined)
    throw new GatewayError(
      'CONFLICT',
      'the patient has not asked for erasure here: give the reference of a request verified offline',
    );
  return {
    ...(current ?? { ...subject, openedAt: execution.at, steps: {} }),
    status: 'erasing',
    executedBy: execution.adminUserId,
    startedAt: execution.at,
    ...(execution.reference === undefined ? {} : { reference: execution.reference }),
  };
}

/** The first step not done yet; undefined when every step is. */
export function nextStep(erasure: ErasureCase): ErasureStep | undefined {
  return ERASURE_STEPS.find((step) => erasure.steps[step] === undefined);
}

/** Records a step as done; the case is `erased` once the last is. */
export function stepDone(erasure: ErasureCase, step: ErasureStep, at: string): ErasureCase {
  const steps = { ...erasure.steps, [step]: erasure.steps[step] ?? at };
  const done = ERASURE_STEPS.every((name) => steps[name] !== undefined);
  return done
    ? { ...erasure, steps, status: 'erased', erasedAt: erasure.erasedAt ?? at }
    : { ...erasure, steps };
}

/** Whether nothing new may be stored or recorded for the patient (an erasure started or finished). */
export function isErasing(erasure: ErasureCase | undefined): boolean {
  return erasure !== undefined && erasure.status !== 'requested';
}
