/**
 * `custodia upload`: every FHIR JSON file of a folder to the records route, and (with --binary) every other
 * file through the resumable upload routes, a few at a time, each retried with backoff on transient failures.
 * Retrying is safe: the data lake is idempotent on source id + content.
 */
import { open, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ApiError } from './api-client';
import type { ApiClient } from './api-client';
import {
  contentTypeFor,
  defaultDocumentReference,
  missingParts,
  patientOf,
  planFolder,
  recordsRoute,
  resumableSession,
  sourceIdFor,
} from './upload-plan';
import type { UploadSessionView } from './upload-plan';
import { failed, outcomeOf } from './upload-summary';
import type { FileOutcome, IngestAnswer } from './upload-summary';

export interface UploadOptions {
  readonly folder: string;
  /** Every file is about this patient; otherwise each file names its patient. */
  readonly patientId?: string;
  readonly binaries: boolean;
  readonly concurrency: number;
  /** Prefixed to every source id (e.g. the sending system's name). */
  readonly sourcePrefix?: string;
}

export interface UploadProgress {
  start(total: number): void;
  fileDone(outcome: FileOutcome): void;
  stop(): void;
}

/** Local problems, reported with codes like the server's. */
const INVALID_JSON = 'INVALID_JSON';
const EMPTY_FILE = 'EMPTY_FILE';

async function listFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)));
}

function codeOf(error: unknown): string {
  if (error instanceof ApiError) return error.code;
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : 'ERROR';
}

export async function uploadFolder(
  client: ApiClient,
  options: UploadOptions,
  progress: UploadProgress,
): Promise<FileOutcome[]> {
  const plan = planFolder(await listFiles(options.folder), options.binaries);
  const jobs: (() => Promise<FileOutcome>)[] = [
    ...plan.fhir.map((file) => () => uploadFhir(client, options, file)),
    ...plan.binaries.map((binary) => () => uploadBinary(client, options, binary)),
  ];
  const outcomes: FileOutcome[] = new Array<FileOutcome>(jobs.length);
  progress.start(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const index = next;
      next += 1;
      const job = jobs[index] as () => Promise<FileOutcome>;
      const outcome = await job();
      outcomes[index] = outcome;
      progress.fileDone(outcome);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  } finally {
    progress.stop();
  }
  return outcomes;
}

async function uploadFhir(client: ApiClient, options: UploadOptions, file: string): Promise<FileOutcome> {
  try {
    const bytes = await readFile(path.join(options.folder, file));
    let document: unknown;
    try {
      document = JSON.parse(bytes.toString('utf8'));
    } catch {
      return failed(file, INVALID_JSON);
    }
    const patient = options.patientId === undefined ? patientOf(document) : { patientId: options.patientId };
    if (!('patientId' in patient)) return failed(file, patient.problem);
    const answer = await client.json<{ result: IngestAnswer }>('POST', recordsRoute(patient.patientId), {
      query: { sourceId: sourceIdFor(file, options.sourcePrefix) },
      body: bytes,
      contentType: 'application/fhir+json',
      retry: true,
    });
    return outcomeOf(file, answer.result);
  } catch (error) {
    return failed(file, codeOf(error));
  }
}

async function uploadBinary(
  client: ApiClient,
  options: UploadOptions,
  binary: { readonly file: string; readonly documentReference?: string },
): Promise<FileOutcome> {
  const { file } = binary;
  try {
    const location = path.join(options.folder, file);
    const size = (await stat(location)).size;
    if (size === 0) return failed(file, EMPTY_FILE);
    const contentType = contentTypeFor(file);
    let described: unknown;
    if (binary.documentReference !== undefined) {
      try {
        described = JSON.parse(await readFile(path.join(options.folder, binary.documentReference), 'utf8'));
      } catch {
        return failed(file, INVALID_JSON);
      }
    }
    const patient = options.patientId !== undefined ? { patientId: options.patientId } : patientOf(described);
    if (!('patientId' in patient)) return failed(file, patient.problem);
    const { patientId } = patient;
    const sourceId = sourceIdFor(file, options.sourcePrefix);
    const history = await client.json<{ items: UploadSessionView[] }>('GET', '/uploads', {
      query: { limit: 500 },
      retry: true,
    });
    const session =
      resumableSession(history.items, { patientId, sourceId, size }) ??
      (await client.json<UploadSessionView>('POST', '/uploads', {
        json: {
          patientId,
          sourceId,
          fileName: path.basename(file),
          contentType,
          size,
          documentReference: described ?? defaultDocumentReference(patientId, contentType),
        },
        retry: true,
      }));
    const handle = await open(location, 'r');
    try {
      for (const part of missingParts(session)) {
        const buffer = Buffer.alloc(part.end - part.start);
        await handle.read(buffer, 0, buffer.length, part.start);
        await client.call('PUT', `/uploads/${session.uploadId}/parts/${part.index}`, {
          body: buffer,
          contentType: 'application/octet-stream',
          retry: true,
        });
      }
    } finally {
      await handle.close();
    }
    const done = await client.json<UploadSessionView & { result?: IngestAnswer }>(
      'POST',
      `/uploads/${session.uploadId}/complete`,
      { retry: true },
    );
    return outcomeOf(file, done.result ?? {});
  } catch (error) {
    return failed(file, codeOf(error));
  }
}
