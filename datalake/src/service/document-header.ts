/**
 * A document upload without multipart framing: the binary is the request body as is, and its DocumentReference
 * travels in the `Custodia-Document-Reference` header (base64url of the JSON). Parsing multipart means searching
 * every byte of a multi-gigabyte body for the boundary — as much CPU as a hash pass — so the client sends this
 * form; `multipart/form-data` stays accepted.
 */
import { DatalakeError } from '../errors';
import { parseBoundedJson } from '../json/parse';
import { MAX_DOCUMENT_REFERENCE_BYTES } from './multipart';

export const DOCUMENT_REFERENCE_HEADER = 'custodia-document-reference';
/** The header's encoded length limit (base64url of at most MAX_DOCUMENT_REFERENCE_BYTES). */
export const MAX_DOCUMENT_REFERENCE_HEADER = Math.ceil((MAX_DOCUMENT_REFERENCE_BYTES * 4) / 3);

export function encodeDocumentReference(documentReference: object): string {
  const encoded = Buffer.from(JSON.stringify(documentReference), 'utf8').toString('base64url');
  if (encoded.length > MAX_DOCUMENT_REFERENCE_HEADER)
    throw new DatalakeError('PAYLOAD_TOO_LARGE', 'documentReference is too large', {
      maxBytes: MAX_DOCUMENT_REFERENCE_BYTES,
    });
  return encoded;
}

export function decodeDocumentReference(header: string): unknown {
  if (header.length > MAX_DOCUMENT_REFERENCE_HEADER)
    throw new DatalakeError('PAYLOAD_TOO_LARGE', 'documentReference is too large', {
      maxBytes: MAX_DOCUMENT_REFERENCE_BYTES,
    });
  if (!/^[A-Za-z0-9_-]*$/.test(header))
    throw new DatalakeError('INVALID_INPUT', `${DOCUMENT_REFERENCE_HEADER} must be base64url`);
  return parseBoundedJson(Buffer.from(header, 'base64url'), 'documentReference');
}
