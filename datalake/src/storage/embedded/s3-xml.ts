/** What the embedded server writes itself, as S3 writes it: XML documents and error answers. */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

export const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

export function escapeXml(value: string): string {
  return value.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `<Name>value</Name>`, escaped. */
export function element(name: string, value: string | number | boolean): string {
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

export function sendXml(res: ServerResponse, status: number, body: string): void {
  const document = `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
  res.writeHead(status, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(document),
  });
  res.end(document);
}

/**
 * An S3 error answer (`<Error><Code>…`). The connection is closed after it: a refused upload's body is not read.
 */
export function sendS3Error(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  resource: string,
): void {
  res.setHeader('connection', 'close');
  sendXml(
    res,
    status,
    '<Error>' +
      element('Code', code) +
      element('Message', message) +
      element('Resource', resource) +
      element('RequestId', randomBytes(8).toString('hex')) +
      '</Error>',
  );
}
