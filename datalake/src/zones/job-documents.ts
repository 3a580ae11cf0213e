/**
 * Status documents of asynchronous upload jobs, in the structured zone of the uploading organisation's location
 * (the data's country): who may read it (the centre that uploaded), where the job is, and its outcome — counts,
 * skipped entries, issues (element paths and reasons). Never content, never names; the source id only as a keyed
 * hash. Sealed under the patient's key of the uploading organisation (zones/documents.ts), naming the patient in
 * its header so erasure finds a patient's jobs without opening them.
 */
import type { Caller } from '@custodia/chaincode';
import { DatalakeError, isDatalakeError } from '../errors';
import type { StorageLocation, StorageLocations } from '../storage/locations';
import { SealedDocuments } from './documents';
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
  /** Entries kept as the records' context (what they reference); absent in jobs of earlier versions. */
  readonly context?: number;
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
  readonly schema: 2;
  readonly jobId: string;
  readonly patientId: string;
  /** The centre that uploaded: the only one that may read the job. */
  readonly owner: Pick<Caller, 'mspId' | 'id'>;
  /** Storage location (country) of the sealed upload body: the uploading organisation's. */
  readonly country: string;
  /** The upload's source id as the lake keeps it (keyed hash), so an interrupted job can be resumed. */
  readonly sourceToken: string;
  readonly status: JobStatus;
  readonly progress: JobProgress;
  readonly result?: JobResult;
  readonly error?: { readonly code: string; readonly message: string; readonly issues?: readonly unknown[] };
  readonly createdAt: string;
  readonly updatedAt: string;
}

const MAX_DOCUMENT_BYTES = 256 * 1024;

export class JobDocuments {
  constructor(
    private readonly locations: StorageLocations,
    private readonly documents: SealedDocuments,
  ) {}

  async put(doc: JobDocument): Promise<void> {
    await this.documents.put(
      this.locations.forCountry(doc.country),
      'structured',
      layout.jobDocument(doc.jobId),
      { scope: 'patient', patientId: doc.patientId, owner: doc.owner.mspId, named: true },
      doc,
    );
  }

  /** The job of `country`'s location; undefined when absent; INTEGRITY_FAILED when not authentic. */
  async get(country: string, jobId: string): Promise<JobDocument | undefined> {
    const location = this.locations.forCountry(country);
    return this.read(location, layout.jobDocument(jobId));
  }

  /** Every job document of every location (read at start, to find jobs a stop interrupted); unreadable ones skipped. */
  async *scan(onUnreadable: (key: string, code: string) => void): AsyncIterable<JobDocument> {
    for (const location of this.locations.all()) {
      for await (const item of location.store.list(location.bucket('structured'), layout.jobDocuments())) {
        try {
          const doc = await this.read(location, item.key);
          if (doc !== undefined) yield doc;
        } catch (error) {
          if (!isDatalakeError(error, 'INTEGRITY_FAILED')) throw error;
          onUnreadable(item.key, error.code);
        }
      }
    }
  }

  /** Removes the patient's job documents from every location (erasure); returns how many there were. */
  async removePatient(patientId: string): Promise<number> {
    let removed = 0;
    for (const location of this.locations.all()) {
      const bucket = location.bucket('structured');
      const keys: string[] = [];
      for await (const item of location.store.list(bucket, layout.jobDocuments())) {
        const bytes = await location.store.getBuffer(bucket, item.key, MAX_DOCUMENT_BYTES);
        if (bytes !== undefined && SealedDocuments.namedPatient(bytes) === patientId) keys.push(item.key);
      }
      await location.store.remove(bucket, keys);
      removed += keys.length;
    }
    return removed;
  }

  private async read(location: StorageLocation, key: string): Promise<JobDocument | undefined> {
    const opened = await this.documents.get(location, 'structured', key, MAX_DOCUMENT_BYTES);
    if (opened === undefined) return undefined;
    const doc = opened.value as Partial<JobDocument>;
    if (
      doc.schema === 2 &&
      typeof doc.jobId === 'string' &&
      key === layout.jobDocument(doc.jobId) &&
      doc.patientId === opened.patientId &&
      doc.owner?.mspId === opened.owner &&
      doc.country === location.country &&
      typeof doc.sourceToken === 'string'
    )
      return doc as JobDocument;
    throw new DatalakeError('INTEGRITY_FAILED', 'job document is malformed');
  }
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
