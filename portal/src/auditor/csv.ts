/** RFC 4180 CSV for the access-log export (the replay report's CSV comes from the gateway). */
import type { AccessLogEntry } from '@custodia/chaincode/model';

export function csvCell(value: string | number | boolean | undefined): string {
  const text = value === undefined ? '' : String(value);
  // A leading =, +, - or @ would be run as a formula by spreadsheet programs.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(
  header: readonly string[],
  rows: readonly (readonly (string | number | boolean | undefined)[])[],
): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export const ACCESS_LOG_COLUMNS = [
  'timestamp',
  'entryId',
  'patientId',
  'requesterMspId',
  'requesterId',
  'requesterRole',
  'requesterCountry',
  'purpose',
  'emergency',
  'requested',
  'granted',
  'denied',
  'rules',
  'grantId',
  'expiresAt',
] as const;

export function accessLogCsv(entries: readonly AccessLogEntry[]): string {
  return toCsv(
    ACCESS_LOG_COLUMNS,
    entries.map((e) => [
      e.timestamp,
      e.entryId,
      e.patientId,
      e.requester.mspId,
      e.requester.id,
      e.requester.role,
      e.requester.country,
      e.purpose,
      e.emergency,
      e.requested.join(' '),
      e.decision.granted.join(' '),
      e.decision.denied.join(' '),
      e.decision.rules.map((r) => `${r.ruleId}@${r.version}:${r.effect}`).join(' '),
      e.grantId,
      e.expiresAt,
    ]),
  );
}
