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

/** Told as a run goes, in bytes: the progress bar and its time left are measured from these. */
export interface UploadProgress {
  /** The run's number of files and their total size. */
  start(files: number, totalBytes: number): void;
  /** Bytes of `file` sent so far (a file sent again starts again from its own start). */
  sent(file: string, bytes: number): void;
  /** A file is finished (stored, skipped or failed); `size` is its size in bytes. */
  fileDone(outcome: FileOutcome, size: number): void;
  stop(): void;
}

interface UploadJob {
  readonly file: string;
  readonly size: number;
  readonly run: (sent: (bytes: number) => void) => Promise<FileOutcome>;
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

/** An upload of this file the gateway still holds, looked for page by page through the centre's history. */
async function findResumable(
  client: ApiClient,
  wanted: Parameters<typeof resumableSession>[1],
): Promise<UploadSessionView | undefined> {
  let bookmark = '';
  do {
    const page = await client.json<{ items: UploadSessionView[]; bookmark: string }>('GET', '/uploads', {
      query: { pageSize: 100, bookmark },
      retry: true,
    });
    const found = resumableSession(page.items, wanted);
    if (found !== undefined) return found;
    bookmark = page.bookmark;
  } while (bookmark !== '');
  return undefined;
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
  const sizeOf = async (file: string): Promise<number> => (await stat(path.join(options.folder, file))).size;
  const jobs: UploadJob[] = [
    ...(await Promise.all(
      plan.fhir.map(async (file) => ({
        file,
        size: await sizeOf(file),
        run: (sent: (bytes: number) => void) => uploadFhir(client, options, file, sent),
      })),
    )),
    ...(await Promise.all(
      plan.binaries.map(async (binary) => ({
        file: binary.file,
        size: await sizeOf(binary.file),
        run: (sent: (bytes: number) => void) => uploadBinary(client, options, binary, sent),
      })),
    )),
  ];
  const outcomes: FileOutcome[] = new Array<FileOutcome>(jobs.length);
  progress.start(
    jobs.length,
    jobs.reduce((sum, job) => sum + job.size, 0),
  );
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const index = next;
      next += 1;
      const job = jobs[index] as UploadJob;
      const outcome = await job.run((bytes) => progress.sent(job.file, bytes));
      outcomes[index] = outcome;
      progress.fileDone(outcome, job.size);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  } finally {
    progress.stop();
  }
  return outcomes;
}

async function uploadFhir(
  client: ApiClient,
  options: UploadOptions,
  file: string,
  sent: (bytes: number) => void,
): Promise<FileOutcome> {
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
    sent(bytes.length);
    return outcomeOf(file, answer.result);
  } catch (error) {
    return failed(file, codeOf(error));
  }
}

async function uploadBinary(
  client: ApiClient,
  options: UploadOptions,
  binary: { readonly file: string; readonly documentReference?: string },
  sent: (bytes: number) => void,
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
    const session =
      (await findResumable(client, { patientId, sourceId, size })) ??
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
    const missing = missingParts(session);
    // Parts received in an earlier run count as sent.
    let sentBytes = size - missing.reduce((sum, part) => sum + (part.end - part.start), 0);
    sent(sentBytes);
    const handle = await open(location, 'r');
    try {
      for (const part of missing) {
        const buffer = Buffer.alloc(part.end - part.start);
        await handle.read(buffer, 0, buffer.length, part.start);
        await client.call('PUT', `/uploads/${session.uploadId}/parts/${part.index}`, {
          body: buffer,
          contentType: 'application/octet-stream',
          retry: true,
        });
        sentBytes += buffer.length;
        sent(sentBytes);
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
