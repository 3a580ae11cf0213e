/**
 * Asynchronous upload jobs: a Bundle too large to answer for in one request is sealed into the raw zone as it
 * arrives, answered with 202 and a status URL at once, and ingested in the background by `runBundleJob`, one
 * job at a time (memory and ledger load stay bounded whatever is queued). Its status document says where it is
 * and, at the end, what it did (counts, skipped entries) or why it failed (code, issues) — nothing is left
 * running unseen behind an error. The sealed body is deleted when the job ends; a job a stop interrupted is
 * marked so at the next start and keeps its sealed body, so the centre can resume it (`resume`) — or send the
 * upload again: ingestion is idempotent. An interrupted job not resumed within `resumeTtlMs` loses its body.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { DatalakeError, isDatalakeError } from '../errors';
import type { BundleStreamLimits } from '../json/bundle-stream';
import type { LedgerActor } from '../ledger/port';
import type { StorageLocations } from '../storage/locations';
import { FINAL_JOB_STATUSES } from '../zones/job-documents';
import type { JobDocument, JobDocuments, JobProgress } from '../zones/job-documents';
import { layout } from '../zones/layout';
import type { SealedObjects } from '../zones/sealed-objects';
import { runBundleJob } from './bundle-job';
import type { IngestService, UploadContext } from './ingest-service';

export interface IngestJobsDeps {
  readonly ingest: IngestService;
  readonly documents: JobDocuments;
  readonly sealed: SealedObjects;
  readonly locations: StorageLocations;
  readonly limits: BundleStreamLimits & {
    /** Largest body a job accepts, in bytes. */
    readonly maxBundleBytes: number;
  };
  readonly logger: Logger;
  readonly now: () => Date;
  /** How long an interrupted job's sealed body is kept for a resume. */
  readonly resumeTtlMs: number;
}

/** Records stored at once within a job. */
const STORE_CONCURRENCY = 8;
const INTERRUPTED = {
  status: 'interrupted',
  error: {
    code: 'INTERRUPTED',
    message: 'the data lake stopped during this upload; resume it or send it again',
  },
} as const;
/** Tries of a job's final status write (a storage hiccup must not leave the job "running" for good). */
const FINAL_WRITE_ATTEMPTS = 5;
/** Job documents kept in memory for status reads. */
const MAX_LIVE_JOBS = 1000;
/** Least time between two progress writes. */
const PROGRESS_INTERVAL_MS = 1000;

export class IngestJobs {
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly stopping = new AbortController();
  /**
   * The jobs of this process as they stand (every progress step, not only those written): reads are answered
   * from here without racing the job's own writes of its status document.
   */
  private readonly live = new Map<string, JobDocument>();

  constructor(private readonly deps: IngestJobsDeps) {}

  /** Seals the body (what was already read, then the rest of the stream) and queues its job. */
  async submit(context: UploadContext, head: Buffer, rest: Readable | undefined): Promise<JobDocument> {
    if (this.closed) throw new DatalakeError('STORAGE_UNAVAILABLE', 'the data lake is stopping; retry');
    const jobId = randomUUID();
    const at = this.deps.now().toISOString();
    const target = this.input(context.patientId, context.actor.country, context.actor.mspId, jobId);
    await this.deps.sealed.write(
      target,
      rest === undefined ? head : Readable.from(prefixed(head, rest)),
      this.deps.limits.maxBundleBytes,
    );
    const doc: JobDocument = {
      schema: 2,
      jobId,
      patientId: context.patientId,
      owner: { mspId: context.actor.mspId, id: context.actor.id },
      country: context.actor.country,
      sourceToken: context.sourceToken,
      status: 'queued',
      progress: { entries: 0, processed: 0 },
      createdAt: at,
      updatedAt: at,
    };
    await this.deps.documents.put(doc);
    this.enqueue(doc, context);
    return doc;
  }

  /**
   * The job, for the centre that uploaded it only (anyone else is told there is no such job). `country`: the
   * centre's organisation's, where its jobs are kept.
   */
  async get(jobId: string, actor: Pick<LedgerActor, 'mspId' | 'id'>, country: string): Promise<JobDocument> {
    const doc = /^[0-9a-f-]{36}$/.test(jobId)
      ? (this.live.get(jobId) ?? (await this.deps.documents.get(country, jobId)))
      : undefined;
    if (doc === undefined || doc.owner.mspId !== actor.mspId || doc.owner.id !== actor.id)
      throw new DatalakeError('NOT_FOUND', 'no such upload job');
    return doc;
  }

  /** Queues an interrupted job again, from its sealed body, for the centre that uploaded it. */
  async resume(jobId: string, actor: LedgerActor & { readonly country: string }): Promise<JobDocument> {
    if (this.closed) throw new DatalakeError('STORAGE_UNAVAILABLE', 'the data lake is stopping; retry');
    const doc = await this.get(jobId, actor, actor.country);
    if (doc.status !== 'interrupted')
      throw new DatalakeError(
        'CONFLICT',
        `this upload job is ${doc.status}; only an interrupted one resumes`,
      );
    const location = this.deps.locations.forCountry(doc.country);
    if (
      (await location.store.stat(location.bucket('raw'), layout.jobInput(doc.patientId, doc.jobId))) ===
      undefined
    )
      throw new DatalakeError('CONFLICT', 'this upload’s copy is no longer kept; send the upload again');
    const queued: JobDocument = {
      ...doc,
      status: 'queued',
      error: undefined,
      updatedAt: this.deps.now().toISOString(),
    };
    await this.deps.documents.put(queued);
    this.enqueue(queued, { actor, patientId: doc.patientId, sourceToken: doc.sourceToken });
    return queued;
  }

  /**
   * At start: jobs a stop interrupted are marked interrupted (their sealed bodies kept for a resume); bodies of
   * jobs interrupted longer ago than `resumeTtlMs` are removed.
   */
  async recover(): Promise<number> {
    let count = 0;
    const now = this.deps.now();
    const unreadable = (key: string, code: string) =>
      this.deps.logger.warn({ key, code }, 'an upload job document failed authentication; left untouched');
    for await (const doc of this.deps.documents.scan(unreadable)) {
      if (doc.status === 'interrupted' && now.getTime() - Date.parse(doc.updatedAt) > this.deps.resumeTtlMs) {
        await this.removeInput(doc);
        continue;
      }
      if (FINAL_JOB_STATUSES.includes(doc.status)) continue;
      await this.deps.documents.put({ ...doc, ...INTERRUPTED, updatedAt: now.toISOString() });
      count += 1;
    }
    return count;
  }

  private enqueue(doc: JobDocument, context: UploadContext): void {
    this.remember(doc);
    this.queue = this.queue.then(() => (this.stopping.signal.aborted ? undefined : this.run(doc, context)));
  }

  /** Stops taking jobs; the running one ends at its next entry and is marked interrupted. */
  async close(): Promise<void> {
    this.closed = true;
    this.stopping.abort();
    await this.queue;
  }

  private async run(queued: JobDocument, context: UploadContext): Promise<void> {
    let doc = queued;
    let written = 0;
    let interrupted = false;
    const save = async (next: JobDocument, force: boolean) => {
      doc = next;
      this.remember(doc);
      const now = Date.now();
      if (!force && now - written < PROGRESS_INTERVAL_MS) return;
      written = now;
      // Progress is best effort (the next write carries it); the final status is retried.
      await this.write(doc, force ? FINAL_WRITE_ATTEMPTS : 1).catch((error: unknown) => {
        if (force) throw error;
      });
    };
    const progress = async (phase: 'validating' | 'storing', value: JobProgress) =>
      save(
        { ...doc, status: phase, progress: value, updatedAt: this.deps.now().toISOString() },
        doc.status !== phase,
      );
    try {
      const target = this.input(doc.patientId, doc.country, doc.owner.mspId, doc.jobId);
      const result = await runBundleJob(context, () => this.deps.sealed.read(target), {
        ingest: this.deps.ingest,
        limits: this.deps.limits,
        now: this.deps.now,
        concurrency: STORE_CONCURRENCY,
        signal: this.stopping.signal,
        progress,
      });
      await save(
        {
          ...doc,
          status: 'completed',
          progress: { entries: doc.progress.entries, processed: doc.progress.entries },
          result,
          updatedAt: this.deps.now().toISOString(),
        },
        true,
      );
    } catch (error) {
      if (this.stopping.signal.aborted) {
        // The sealed body stays: the job resumes from it.
        interrupted = true;
        await save({ ...doc, ...INTERRUPTED, updatedAt: this.deps.now().toISOString() }, true).catch(
          () => undefined,
        );
        return;
      }
      const known = isDatalakeError(error) && error.status < 500 && error.code !== 'INTEGRITY_FAILED';
      if (!known)
        this.deps.logger.error(
          { code: isDatalakeError(error) ? error.code : 'INTERNAL', jobId: doc.jobId },
          'upload job failed',
        );
      await save(
        {
          ...doc,
          status: 'failed',
          error: isDatalakeError(error)
            ? {
                code: error.code,
                message:
                  known || error.status === 503
                    ? error.message
                    : 'the data lake could not complete the upload',
                ...(known && Array.isArray(error.details?.issues) ? { issues: error.details.issues } : {}),
              }
            : { code: 'INTERNAL', message: 'the data lake could not complete the upload' },
          updatedAt: this.deps.now().toISOString(),
        },
        true,
      ).catch(() => undefined);
    } finally {
      if (!interrupted) await this.removeInput(doc).catch(() => undefined);
    }
  }

  private remember(doc: JobDocument): void {
    this.live.delete(doc.jobId);
    this.live.set(doc.jobId, doc);
    // Bounded: the oldest entries go first (their documents stay in the structured zone).
    for (const [jobId] of this.live) {
      if (this.live.size <= MAX_LIVE_JOBS) break;
      this.live.delete(jobId);
    }
  }

  private async write(doc: JobDocument, attempts: number): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.deps.documents.put(doc);
        return;
      } catch (error) {
        if (attempt >= attempts || !isDatalakeError(error, 'STORAGE_UNAVAILABLE')) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  }

  private input(patientId: string, country: string, owner: string, jobId: string) {
    return {
      location: this.deps.locations.forCountry(country),
      zone: 'raw' as const,
      objectKey: layout.jobInput(patientId, jobId),
      keyKey: layout.dataKey(patientId, jobId),
      patientId,
      owner,
      objectId: jobId,
    };
  }

  private async removeInput(doc: JobDocument): Promise<void> {
    await this.deps.sealed.remove(this.input(doc.patientId, doc.country, doc.owner.mspId, doc.jobId));
  }
}

/** The bytes already read, then the rest of the request. */
async function* prefixed(head: Buffer, rest: Readable): AsyncIterable<Buffer> {
  if (head.length > 0) yield head;
  for await (const chunk of rest) yield chunk as Buffer;
}
