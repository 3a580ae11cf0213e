/**
 * Carries erasures out: a patient's request is filed; an administrator's verified execution runs the steps in
 * order — the ledger, the data lake, this gateway's stores, the certificate — recording each once done, so a retry
 * after a failure or a stop resumes at the first step not done. Two executions of one patient at once share one run.
 */
import { isErasing, nextStep, requestErasure, startErasure, stepDone } from './erasure-case';
import type { ErasureCase, ErasureStep, ErasureSubject } from './erasure-case';
import type { ErasureStore } from './erasure-store';

/** How each step is done for one patient (each idempotent: doing it again after it was done changes nothing). */
export type ErasureSteps = Readonly<Record<ErasureStep, (erasure: ErasureCase) => Promise<void>>>;

export interface Execution {
  /** The administrator's internal user id. */
  readonly adminUserId: string;
  /** A request verified outside Custodia, when the patient did not ask here. */
  readonly reference?: string;
}

export class ErasureService {
  private readonly running = new Map<string, Promise<ErasureCase>>();

  constructor(
    private readonly store: ErasureStore,
    private readonly now: () => Date,
  ) {}

  get(patientId: string): Promise<ErasureCase | undefined> {
    return this.store.get(patientId);
  }

  list(): Promise<ErasureCase[]> {
    return this.store.list();
  }

  /** Whether nothing new may be stored or recorded for the patient here (an erasure started or finished). */
  async erasing(patientId: string): Promise<boolean> {
    return isErasing(await this.store.get(patientId));
  }

  /** Files the patient's request (asking again answers the case already open). */
  async request(subject: ErasureSubject): Promise<ErasureCase> {
    const at = this.now().toISOString();
    const filed = await this.store.update(subject.patientId, (current) =>
      requestErasure(current, subject, at),
    );
    return filed as ErasureCase;
  }

  /** Starts or resumes the erasure and runs every step not done yet; the case as it ends. */
  execute(subject: ErasureSubject, execution: Execution, steps: ErasureSteps): Promise<ErasureCase> {
    const ongoing = this.running.get(subject.patientId);
    if (ongoing !== undefined) return ongoing;
    const run = this.run(subject, execution, steps).finally(() => this.running.delete(subject.patientId));
    this.running.set(subject.patientId, run);
    return run;
  }

  private async run(
    subject: ErasureSubject,
    execution: Execution,
    steps: ErasureSteps,
  ): Promise<ErasureCase> {
    const at = this.now().toISOString();
    let erasure = (await this.store.update(subject.patientId, (current) =>
      startErasure(current, subject, { ...execution, at }),
    )) as ErasureCase;
    for (let step = nextStep(erasure); step !== undefined; step = nextStep(erasure)) {
      await steps[step](erasure);
      const done = step;
      const doneAt = this.now().toISOString();
      erasure = (await this.store.update(subject.patientId, (current) =>
        stepDone(current ?? erasure, done, doneAt),
      )) as ErasureCase;
    }
    return erasure;
  }
}
