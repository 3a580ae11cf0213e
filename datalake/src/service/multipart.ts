/**
 * Reads a document upload: `multipart/form-data` with a `documentReference` field (FHIR JSON) first,
 * then one `content` file part that is handed on as a stream — never buffered.
 */
import type { Readable } from 'node:stream';
import type { Request } from 'express';
import busboy from 'busboy';
import { DatalakeError } from '../errors';
import { parseBoundedJson } from '../json/parse';

export const MAX_DOCUMENT_REFERENCE_BYTES = 64 * 1024;

export type FileHandler<T> = (
  documentReference: unknown,
  content: Readable,
  contentType: string,
) => Promise<T>;

export function readDocumentUpload<T>(req: Request, handle: FileHandler<T>): Promise<T> {
  if (!req.is('multipart/form-data')) {
    return Promise.reject(
      new DatalakeError('UNSUPPORTED_MEDIA_TYPE', 'documents are sent as multipart/form-data'),
    );
  }
  return new Promise<T>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        // busboy 1.x emits partsLimit when the count *reaches* the limit: 3 makes it fire only on a third part.
        limits: { fields: 1, files: 1, parts: 3, fieldSize: MAX_DOCUMENT_REFERENCE_BYTES },
      });
    } catch {
      reject(new DatalakeError('INVALID_INPUT', 'malformed multipart request'));
      return;
    }
    let documentReference: unknown;
    let handling: Promise<T> | undefined;
    const fail = (error: unknown): void => {
      req.unpipe(parser);
      reject(error);
    };
    parser.on('field', (name, value, info) => {
      if (name !== 'documentReference')
        return fail(new DatalakeError('INVALID_INPUT', 'unexpected form field'));
      if (info.valueTruncated)
        return fail(new DatalakeError('PAYLOAD_TOO_LARGE', 'documentReference is too large'));
      try {
        documentReference = parseBoundedJson(Buffer.from(value, 'utf8'), 'documentReference');
      } catch (error) {
        fail(error as DatalakeError);
      }
    });
    parser.on('file', (name, stream, info) => {
      if (name !== 'content' || documentReference === undefined || handling !== undefined) {
        stream.resume();
        return fail(
          new DatalakeError('INVALID_INPUT', 'send the documentReference field, then one content file'),
        );
      }
      handling = handle(documentReference, stream, info.mimeType || 'application/octet-stream');
      handling.catch((error: unknown) => {
        stream.resume();
        fail(error);
      });
    });
    parser.on('partsLimit', () => fail(new DatalakeError('INVALID_INPUT', 'too many parts')));
    parser.on('error', () => fail(new DatalakeError('INVALID_INPUT', 'malformed multipart request')));
    parser.on('close', () => {
      if (handling === undefined)
        fail(new DatalakeError('INVALID_INPUT', 'the content file part is missing'));
      else handling.then(resolve, reject);
    });
    req.pipe(parser);
  });
}
