/**
 * Status documents of asynchronous upload jobs, in the home location's structured zone: who may read it (the
 * centre that uploaded), where the job is, and its outcome — counts, skipped entries, issues (element paths
 * and reasons). Never content, never names.
 */
import type { Caller } from '@custodia/chaincode';
import { DatalakeError } from '../errors';
import type { StorageLocations } from '../storage/locations';
import { layout } from './layout';

export const JOB_STATUSES = [
  'queued',
  'validating',
  'storing',
  'completed',
  'failed',
  'interrupted',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
/** A job in one of these states is over. */
export const FINAL_JOB_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'interrupted'];

export interface JobProgress {
  /** Entries read so far (all of them once validation is over). */
  readonly entries: number;
  /** Entries stored, found already stored, or skipped. */
  readonly processed: number;
}

export interface JobResult {
  readonly created: number;
  readonly existing: number;
  readonly duplicate: number;
  /** Created records that replaced an earlier version of their source document. */
  readonly superseding: number;
  /** Records that carry at least one security label. */
  readonly labelled: number;
  /** Records labelled V because a source label was not understood. */
  readonly unrecognisedLabels: number;
  readonly skipped: {
    readonly count: number;
    /** The first skipped entries (index, type, reason). */
    readonly entries: readonly {
      readonly index: number;
      readonly resourceType: string;
      readonly reason: string;
    }[];
  };
}

export interface JobDocument {
  readonly schema: 1;
  readonly jobId: string;
  readonly patientId: string;
  /** The centre that uploaded: the only one that may read the job. */
  readonly owner: Pick<Caller, 'mspId' | 'id'>;
  /** Storage location (country) of the sealed upload body. */
  readonly country: string;
  readonly status: JobStatus;
  readonly progress: JobProgress;
  readonly result?: JobResult;
  readonly error?: { readonly code: string; readonly message: string; readonly issues?: readonly unknown[] };
  readonly createdAt: string;
  readonly updatedAt: string;
}

const MAX_DOCUMENT_BYTES = 256 * 1024;

export class JobDocuments {
  constructor(private readonly locations: StorageLocations) {}

  async put(doc: JobDocument): Promise<void> {
    const home = this.locations.homeLocation;
    await home.store.put(
      home.bucket('structured'),
      layout.jobDocument(doc.jobId),
      Buffer.from(JSON.stringify(doc)),
      {
        contentType: 'application/json',
      },
    );
  }

  async get(jobId: string): Promise<JobDocument | undefined> {
    const home = this.locations.homeLocation;
    const bytes = await home.store.getBuffer(
      home.bucket('structured'),
      layout.jobDocument(jobId),
      MAX_DOCUMENT_BYTES,
    );
    return bytes === undefined ? undefined : decode(bytes);
  }

  /** Every job document (read at start, to find jobs a stop interrupted). */
  async *scan(): AsyncIterable<JobDocument> {
    const home = this.locations.homeLocation;
    for await (const item of home.store.list(home.bucket('structured'), layout.jobDocuments())) {
      const bytes = await home.store.getBuffer(home.bucket('structured'), item.key, MAX_DOCUMENT_BYTES);
      if (bytes !== undefined) yield decode(bytes);
    }
  }
}

function decode(bytes: Buffer): JobDocument {
  try {
    const doc = JSON.parse(bytes.toString('utf8')) as Partial<JobDocument>;
    if (doc.schema === 1 && typeof doc.jobId === 'string' && typeof doc.patientId === 'string')
      return doc as JobDocument;
  } catch {
    // reported below
  }
  throw new DatalakeError('INTEGRITY_FAILED', 'job document is malformed');
}

/** What a centre sees of a job (`GET /v1/jobs/:jobId`): where it is and what it did, not whose it is. */
export interface JobView {
  readonly jobId: string;
  readonly status: JobStatus;
  /** Relative to the lake's base URL. */
  readonly statusUrl: string;
  readonly progress: JobProgress;
  readonly result?: JobResult;
  readonly error?: JobDocument['error'];
  readonly createdAt: string;
  readonly updatedAt: string;
}

export function jobView(doc: JobDocument): JobView {
  const { jobId, status, progress, result, error, createdAt, updatedAt } = doc;
  return {
    jobId,
    status,
    statusUrl: `/v1/jobs/${jobId}`,
    progress,
    ...(result === undefined ? {} : { result }),
    ...(error === undefined ? {} : { error }),
    createdAt,
    updatedAt,
  };
}
