/**
 * The typed client of the data lake's internal API (see the README's route table), used by the gateway. Every
 * call names the user the gateway acts for; the lake signs its ledger calls with that user's own enrolment.
 * Failures are DatalakeErrors: the lake's own code and status, or DATALAKE_UNAVAILABLE (503) when the lake
 * cannot be reached.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Caller } from '@custodia/chaincode';
import type { AssemblyResult } from '../assembly/assemble';
import type { Manifest } from '../assembly/manifest';
import type { PatientIdentification } from '../assembly/patient';
import { DatalakeError } from '../errors';
import type { IngestResult } from '../ingest/ingest-service';
import type { JobView } from '../zones/job-documents';
import type { ErasureReport } from '../zones/erasure';
import type { ResidencyReport } from '../residency/report';
import { DOCUMENT_REFERENCE_HEADER, encodeDocumentReference } from '../service/document-header';
import { Transport } from './transport';

export interface DatalakeClientOptions {
  readonly baseUrl: string;
  /** The service credential (`CUSTODIA_DATALAKE_TOKEN`). */
  readonly token: string;
  /** Inactivity limit per request (no byte moving for this long); default 120 s. */
  readonly timeoutMs?: number;
}

/** The lake accepted a large Bundle as an asynchronous job: its status is at `job.statusUrl` (`getJob`). */
export interface UploadAccepted {
  readonly job: JobView;
}

/** The answer to a FHIR upload: what was stored, or the job that will store it. */
export type UploadAnswer = IngestResult | UploadAccepted;

export function isUploadJob(answer: UploadAnswer): answer is UploadAccepted {
  return 'job' in answer;
}

/** The user the gateway acts for: who they are on the ledger (their certificate's MSP, id, role, country). */
export type DatalakeActor = Caller;

/** The signed link's query of a binary in the temporary record (`?expires=…&sig=…`). */
export interface BinaryLinkQuery {
  readonly expires: string;
  readonly sig: string;
}

export interface BinaryDownload {
  readonly stream: Readable;
  readonly contentType: string;
  /** Plaintext length, when the lake announced it. */
  readonly length?: number;
}

/** A delivery manifest as stored by the lake, with the SHA-256 of its canonical bytes (what the ledger holds). */
export interface StoredManifest extends Manifest {
  readonly manifestHash: string;
}

const DEFAULT_TIMEOUT_MS = 120_000;
const FHIR_JSON = 'application/fhir+json';

const segment = (value: string): string => encodeURIComponent(value);

export class DatalakeClient {
  private readonly transport: Transport;

  constructor(options: DatalakeClientOptions) {
    this.transport = new Transport({
      baseUrl: options.baseUrl,
      token: options.token,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
  }

  /**
   * Registers a patient (the gateway does it when they enrol); idempotent. Admin or the patient. The home
   * organisation's admin gives the patient's identification set with it (and again whenever it changes): the lake
   * keeps it sealed under the patient's key and puts it in the Patient of every record it assembles.
   */
  registerPatient(
    actor: DatalakeActor,
    patientId: string,
    identification?: PatientIdentification,
  ): Promise<void> {
    return this.transport.empty({
      method: 'PUT',
      path: `/v1/patients/${segment(patientId)}`,
      actor,
      ...(identification === undefined
        ? {}
        : { body: Buffer.from(JSON.stringify({ identification })), contentType: 'application/json' }),
      expect: [204],
    });
  }

  /** A FHIR R4 resource or Bundle from a centre (`sourceId`: the source system's document id). */
  uploadRecords(
    actor: DatalakeActor,
    patientId: string,
    sourceId: string,
    body: Readable | Buffer,
    contentType: string = FHIR_JSON,
  ): Promise<UploadAnswer> {
    return this.transport.json<UploadAnswer>({
      method: 'POST',
      path: `/v1/patients/${segment(patientId)}/records?sourceId=${segment(sourceId)}`,
      actor,
      body,
      contentType,
      expect: [200, 201, 202],
    });
  }

  /** An upload job's status (the centre that uploaded only). */
  getJob(actor: DatalakeActor, jobId: string): Promise<JobView> {
    return this.transport.json<JobView>({
      method: 'GET',
      path: `/v1/jobs/${segment(jobId)}`,
      actor,
      expect: [200],
    });
  }
  /** Resumes an interrupted upload job from the copy the lake kept (the centre that sent it only). */
  async resumeJob(actor: DatalakeActor, jobId: string): Promise<JobView> {
    const answer = await this.transport.json<UploadAccepted>({
      method: 'POST',
      path: `/v1/jobs/${segment(jobId)}/resume`,
      actor,
      expect: [202],
    });
    return answer.job;
  }

  /** The residency check (auditors): per storage location, the countries of the data it holds. */
  residency(actor: DatalakeActor): Promise<ResidencyReport> {
    return this.transport.json<ResidencyReport>({
      method: 'GET',
      path: '/v1/residency',
      actor,
      expect: [200],
    });
  }

  /**
   * Hands over an approved contribution's content (the exact bytes its on-chain registration hashes), as the patient
   * who approved it; stored as the record `recordId` that approval registered. Idempotent.
   */
  storeContribution(
    actor: DatalakeActor,
    patientId: string,
    recordId: string,
    content: Buffer,
  ): Promise<IngestResult> {
    return this.transport.json<IngestResult>({
      method: 'PUT',
      path: `/v1/patients/${segment(patientId)}/contributions/${segment(recordId)}`,
      actor,
      body: content,
      contentType: FHIR_JSON,
      expect: [200, 201],
    });
  }

  /**
   * A binary and the DocumentReference describing it, streamed to the lake as it is read (the request body is the
   * binary itself; the DocumentReference goes in a header). `fileName` is not sent: the lake stores no file names
   * (they may name the patient); the DocumentReference's attachment title describes the content.
   */
  uploadDocument(
    actor: DatalakeActor,
    patientId: string,
    sourceId: string,
    documentReference: object,
    content: Readable,
    fileName: string,
    contentType: string,
  ): Promise<IngestResult> {
    return this.transport.json<IngestResult>({
      method: 'POST',
      path: `/v1/patients/${segment(patientId)}/documents?sourceId=${segment(sourceId)}`,
      actor,
      body: content,
      contentType,
      headers: { [DOCUMENT_REFERENCE_HEADER]: encodeDocumentReference(documentReference) },
      expect: [200, 201],
    });
  }

  /**
   * Assembles the temporary record of the requester's active grant anew (replacing a stored one); the manifest of
   * what went in. Opening the record (`openRecord`) assembles it when needed: this is for a fresh assembly.
   */
  assemble(actor: DatalakeActor, grantId: string): Promise<AssemblyResult> {
    return this.transport.json<AssemblyResult>({
      method: 'POST',
      path: `/v1/grants/${segment(grantId)}/assembly`,
      actor,
      expect: [201],
    });
  }

  /**
   * The temporary record of the requester's active grant (IPS Bundle JSON) as a stream, in one call: assembled first
   * when the lake has none yet. Refusals: GRANT_NOT_FOUND, NOT_REQUESTER, GRANT_NOT_ACTIVE, COUNTRY_NOT_ALLOWED.
   */
  async openRecord(actor: DatalakeActor, grantId: string): Promise<Readable> {
    const answer = await this.transport.send({
      method: 'GET',
      path: `/v1/grants/${segment(grantId)}/record`,
      actor,
      expect: [200],
    });
    return answer.body;
  }

  /** The patient's own record (IPS Bundle JSON) as a stream, for that patient alone. */
  async ownRecord(actor: DatalakeActor, patientId: string): Promise<Readable> {
    const answer = await this.transport.send({
      method: 'GET',
      path: `/v1/patients/${segment(patientId)}/summary`,
      actor,
      expect: [200],
    });
    return answer.body;
  }

  /** A binary of the temporary record through its signed link (the query of the link in the DocumentReference). */
  async downloadBinary(
    actor: DatalakeActor,
    grantId: string,
    recordId: string,
    query: BinaryLinkQuery,
  ): Promise<BinaryDownload> {
    const answer = await this.transport.send({
      method: 'GET',
      path:
        `/v1/grants/${segment(grantId)}/binaries/${segment(recordId)}` +
        `?expires=${segment(query.expires)}&sig=${segment(query.sig)}`,
      actor,
      expect: [200],
    });
    const length = Number(answer.headers['content-length']);
    return {
      stream: answer.body,
      contentType: answer.headers['content-type'] ?? 'application/octet-stream',
      ...(Number.isSafeInteger(length) && length >= 0 ? { length } : {}),
    };
  }

  /** Erasure of everything the lake holds for a patient (admin or the patient). */
  erasePatient(actor: DatalakeActor, patientId: string): Promise<ErasureReport> {
    return this.transport.json<ErasureReport>({
      method: 'DELETE',
      path: `/v1/patients/${segment(patientId)}`,
      actor,
      expect: [200],
    });
  }

  /**
   * For auditors: the stored manifest of a grant's delivery (the latest, or the one whose hash the ledger
   * recorded when `manifestHash` is given). `manifestHash` in the answer is the SHA-256 of the bytes received,
   * to compare with the ledger's delivery entry.
   */
  async getManifest(actor: DatalakeActor, grantId: string, manifestHash?: string): Promise<StoredManifest> {
    const bytes = await this.transport.bytes({
      method: 'GET',
      path:
        `/v1/grants/${segment(grantId)}/manifest` +
        (manifestHash === undefined ? '' : `?manifestHash=${segment(manifestHash)}`),
      actor,
      expect: [200],
    });
    let manifest: Manifest;
    try {
      manifest = JSON.parse(bytes.toString('utf8')) as Manifest;
    } catch (error) {
      throw new DatalakeError('INTERNAL', 'the stored manifest is not JSON', {}, error);
    }
    return { ...manifest, manifestHash: createHash('sha256').update(bytes).digest('hex') };
  }

  /** True when the lake answers and its storage is reachable; never throws. */
  async health(): Promise<boolean> {
    try {
      await this.transport.empty({ method: 'GET', path: '/v1/health', expect: [200] });
      return true;
    } catch {
      return false;
    }
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.transport.close();
  }
}
