/**
 * A document upload as the service reads it (`service/multipart.ts`): `multipart/form-data` with the
 * `documentReference` field first, then one `content` file part — produced as a stream, so the file goes out
 * as it is read and is never held whole.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

export interface MultipartBody {
  readonly body: Readable;
  readonly contentType: string;
}

/** Quotes a header parameter the way browsers do: no CR/LF, double quotes percent-encoded. */
function quoted(value: string): string {
  return `"${value.replace(/[\r\n]/g, ' ').replace(/"/g, '%22')}"`;
}

export function documentUploadBody(
  documentReference: object,
  content: Readable,
  fileName: string,
  contentType: string,
): MultipartBody {
  // 128 random bits: a file containing the boundary by chance is not a practical concern.
  const boundary = `custodia-${randomBytes(16).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="documentReference"\r\n` +
      `Content-Type: application/fhir+json\r\n\r\n${JSON.stringify(documentReference)}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="content"; filename=${quoted(fileName)}\r\n` +
      `Content-Type: ${contentType.replace(/[\r\n]/g, '')}\r\n\r\n`,
    'utf8',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  async function* parts(): AsyncGenerator<Buffer> {
    yield head;
    for await (const chunk of content) yield chunk as Buffer;
    yield tail;
  }
  return {
    body: Readable.from(parts(), { objectMode: false }),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}
