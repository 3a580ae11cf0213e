/**
 * Sends a GET signed by the lake's S3 client (`ObjectStore.signedGet`) with node's own HTTP client: how a worker
 * thread that opens a binary (open-workers/) reads from S3. The main thread's store signs; the worker holds no S3
 * keys and loads no S3 client (minio's cost a worker 18 MiB resident).
 */
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import { DatalakeError } from '../errors';
import { keepAliveAgent } from '../net/keep-alive';
import { codeOf, idempotent } from './idempotent-read';
import type { SignedGet } from './object-store';

const agents = {
  'http:': keepAliveAgent('http:'),
  'https:': keepAliveAgent('https:'),
};

/** The object's bytes as a stream; NOT_FOUND when S3 has no such object, STORAGE_UNAVAILABLE on any other failure. */
export async function sendSignedGet(signed: SignedGet): Promise<IncomingMessage> {
  try {
    return await idempotent(() => send(new URL(signed.url), signed.headers));
  } catch (error) {
    if (error instanceof DatalakeError) throw error;
    throw new DatalakeError('STORAGE_UNAVAILABLE', 'object storage request failed', {
      storageCode: codeOf(error) ?? 'unknown',
    });
  }
}

function send(url: URL, headers: SignedGet['headers']): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const agent = url.protocol === 'https:' ? agents['https:'] : agents['http:'];
    const request = client.get(url, { agent, headers }, (response) => {
      const status = response.statusCode ?? 0;
      if (status === 200) return resolve(response);
      // S3 explains a refusal in an XML body: of no use here, and not kept.
      response.resume();
      reject(
        status === 404
          ? new DatalakeError('NOT_FOUND', 'object not found')
          : new DatalakeError('STORAGE_UNAVAILABLE', 'object storage refused the read', {
              storageStatus: status,
            }),
      );
    });
    request.once('error', reject);
  });
}
