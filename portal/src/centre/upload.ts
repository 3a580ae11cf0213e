/** Sends one file: FHIR JSON through the records route, anything else through the chunked upload routes. */
import type { CentreApi } from '../api/endpoints';
import { ApiProblem } from '../api/problem';
import type { FhirResource, IngestResult } from '../api/types';
import { isFhirJson, partRanges, sourceIdFor } from './parts';
import { documentReferenceFor, tagUpload } from './tags';
import type { UploadTags } from './tags';

export interface UploadTarget {
  readonly patientId: string;
  readonly tags: UploadTags;
}

/** Parts are retried this many times: a dropped connection should not restart a large upload. */
export const PART_ATTEMPTS = 3;

export async function uploadFile(
  api: CentreApi,
  file: File,
  target: UploadTarget,
  onProgress: (fraction: number) => void,
): Promise<IngestResult | undefined> {
  if (isFhirJson(file)) {
    let document: FhirResource;
    try {
      document = JSON.parse(await readText(file)) as FhirResource;
    } catch {
      throw new ApiProblem(400, { code: 'NOT_JSON', detail: `${file.name} is not valid JSON.` });
    }
    onProgress(0.5);
    const answer = await api.uploadRecords(
      target.patientId,
      sourceIdFor(file),
      tagUpload(document, target.tags),
    );
    onProgress(1);
    return answer.result;
  }
  const session = await api.createUpload({
    patientId: target.patientId,
    sourceId: sourceIdFor(file),
    fileName: file.name,
    contentType: file.type || 'application/octet-stream',
    size: file.size,
    documentReference: documentReferenceFor(file, target.patientId, target.tags),
  });
  let sent = 0;
  for (const part of partRanges(file.size, session.partBytes)) {
    await withRetry(() => api.putPart(session.uploadId, part.index, file.slice(part.start, part.end)));
    sent += part.end - part.start;
    onProgress((sent / file.size) * 0.99);
  }
  const done = await api.completeUpload(session.uploadId);
  onProgress(1);
  return done.result;
}

async function withRetry<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      // Only failures that may pass on a retry: the network, or the server side.
      const retriable = error instanceof ApiProblem && (error.status === 0 || error.status >= 500);
      if (!retriable || attempt >= PART_ATTEMPTS) throw error;
    }
  }
}

/** FileReader rather than `Blob.text()`, which older engines (and jsdom) lack. */
function readText(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () =>
      reject(new ApiProblem(400, { code: 'UNREADABLE_FILE', detail: 'The file could not be read.' }));
    reader.readAsText(file);
  });
}
