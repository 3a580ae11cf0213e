/** `custodia patients erasure-requests | erase`: the administrator's side of patients' erasures, over the admin routes. */
import type { ErasureCase } from '../erasure/erasure-case';
import type { ErasureStatement } from '../erasure/statement';
import type { ApiClient } from './api-client';
import { formatTable } from './table';
import type { Columns } from './table';
import { write } from './io';
import type { CliIo } from './io';

const COLUMNS: Columns<ErasureCase> = [
  ['PATIENT', (erasure) => erasure.patientId],
  ['STATUS', (erasure) => erasure.status],
  ['OPENED', (erasure) => erasure.openedAt],
  ['ASKED HERE', (erasure) => (erasure.requestedAt === undefined ? 'no' : 'yes')],
  ['REFERENCE', (erasure) => erasure.reference ?? ''],
  ['STEPS DONE', (erasure) => Object.keys(erasure.steps).join(',')],
];

/** Aligned columns of erasure cases (pseudonyms, statuses and dates only). */
export function formatErasures(erasures: readonly ErasureCase[]): string {
  return formatTable(COLUMNS, erasures);
}

export async function listErasureRequests(
  client: ApiClient,
  options: { json: boolean; status: string },
  io: CliIo,
): Promise<number> {
  const { items } = await client.json<{ items: ErasureCase[] }>('GET', '/admin/erasure-requests', {
    query: { status: options.status },
    retry: true,
  });
  write(io.stdout, options.json ? JSON.stringify(items, null, 2) : formatErasures(items));
  return 0;
}

/**
 * Carries out a verified erasure; exit code 0 once every step is done. Retried on outages: each step is
 * idempotent, and a retry resumes at the first step not done.
 */
export async function erasePatient(
  client: ApiClient,
  patientId: string,
  options: { reference?: string },
  io: CliIo,
): Promise<number> {
  const erasure = await client.json<ErasureCase & { statement: ErasureStatement }>(
    'POST',
    `/admin/patients/${encodeURIComponent(patientId)}/erasure`,
    { json: options.reference === undefined ? {} : { reference: options.reference }, retry: true },
  );
  const { statement, ...shown } = erasure;
  write(io.stdout, formatErasures([shown]));
  write(
    io.stderr,
    [
      'Kept on the ledger (no longer personal data):',
      ...statement.remains.map((item) => `  - ${item.text}`),
      statement.why,
    ].join('\n'),
  );
  return erasure.status === 'erased' ? 0 : 1;
}
