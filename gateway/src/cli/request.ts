/**
 * `custodia request`: ask for a patient's records with a purpose; the ledger decides per category and logs the
 * decision; then download the temporary record assembled for the committed grant.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { ApiClient } from './api-client';
import { write } from './io';
import type { CliIo } from './io';

export interface RequestOptions {
  readonly patientId: string;
  readonly categories: readonly string[];
  readonly purpose: string;
  readonly reason?: string;
  /** Write the record here (0600) instead of standard output. */
  readonly out?: string;
}

export interface GrantEntry {
  readonly grantId?: string;
  readonly expiresAt?: string;
  readonly decision: {
    readonly categories: readonly { readonly category: string; readonly granted: boolean }[];
  };
}

/** One line per category: what the rules granted. */
export function formatDecision(entry: GrantEntry): string {
  const lines = entry.decision.categories.map(
    (each) => `  ${each.granted ? 'granted' : 'denied '} ${each.category}`,
  );
  const head =
    entry.grantId === undefined
      ? 'nothing granted'
      : `grant ${entry.grantId}` + (entry.expiresAt === undefined ? '' : ` (until ${entry.expiresAt})`);
  return [head, ...lines].join('\n');
}

export function isGranted(entry: GrantEntry): entry is GrantEntry & { readonly grantId: string } {
  return entry.grantId !== undefined && entry.decision.categories.some((each) => each.granted);
}

export async function requestRecord(client: ApiClient, options: RequestOptions, io: CliIo): Promise<number> {
  // Retried under one Idempotency-Key: the ledger logs the request once, and a retry answers that entry.
  const entry = await client.json<GrantEntry>('POST', '/access-requests', {
    idempotencyKey: randomUUID(),
    retry: true,
    json: {
      patientId: options.patientId,
      categories: options.categories,
      purpose: options.purpose,
      ...(options.reason === undefined ? {} : { reason: options.reason }),
    },
  });
  write(io.stderr, formatDecision(entry));
  if (!isGranted(entry)) return 1;
  const response = await client.call('GET', `/grants/${encodeURIComponent(entry.grantId)}/record`, {
    accept: 'application/fhir+json',
    retry: true,
  });
  if (response.body === null) return 1;
  const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
  if (options.out === undefined) await pipeline(body, io.stdout, { end: false });
  else {
    // The record is patient data: readable by its owner only.
    await pipeline(body, createWriteStream(options.out, { mode: 0o600 }));
    write(io.stderr, `record written to ${options.out}`);
  }
  return 0;
}
