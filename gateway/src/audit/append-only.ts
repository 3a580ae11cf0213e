/**
 * The chaincode only ever adds access-log entries (and their patient, requester and time indexes, oldest and
 * newest first), deliveries,
 * rule and policy versions, record registrations, committed registry versions, client request ids and
 * emergency-use marks; an overwrite or delete of one is a rewrite of history.
 * An access-log entry must also carry its five index entries, or the patient's and the auditor's searches
 * would never find it.
 */
import {
  descendingInstant,
  EMERGENCY_USE_PREFIX,
  OBJECT_TYPES,
  TIME_INDEX_PREFIX,
  timeIndexKey,
} from '@custodia/chaincode';
import type { AccessLogEntry } from '@custodia/chaincode';
import type { DecodedWrite } from './chain-decode';
import type { LoggedBy } from './decision-check';
import { DISCREPANCY_KINDS } from './discrepancy';
import type { Discrepancy } from './discrepancy';
import { compositeKey } from './world-keys';
import type { SplitKey } from './world-keys';

const APPEND_ONLY: ReadonlySet<string> = new Set([
  OBJECT_TYPES.accessLog,
  OBJECT_TYPES.accessLogByPatient,
  OBJECT_TYPES.accessLogByRequester,
  OBJECT_TYPES.accessLogByPatientNewest,
  OBJECT_TYPES.accessLogByRequesterNewest,
  OBJECT_TYPES.delivery,
  OBJECT_TYPES.ruleVersion,
  OBJECT_TYPES.policyVersion,
  OBJECT_TYPES.record,
  OBJECT_TYPES.registryVersion,
  OBJECT_TYPES.clientRequest,
]);

export function isAppendOnly(key: string, split: SplitKey | undefined): boolean {
  return split
    ? APPEND_ONLY.has(split.objectType)
    : key.startsWith(TIME_INDEX_PREFIX) || key.startsWith(EMERGENCY_USE_PREFIX);
}

/** A write to an append-only key that already held a value. */
export function rewritten(write: DecodedWrite, split: SplitKey | undefined, tx: LoggedBy): Discrepancy {
  const what = split
    ? `${split.objectType} ${split.attributes.join('/')}`
    : write.key.startsWith(EMERGENCY_USE_PREFIX)
      ? 'emergency-use entry'
      : 'access-log time index entry';
  return {
    kind: DISCREPANCY_KINDS.LEDGER_ENTRY_REWRITTEN,
    block: tx.block,
    txId: tx.txId,
    detail: `${what} was ${write.isDelete ? 'deleted' : 'overwritten'}`,
  };
}

/** The index entries an access-log entry's transaction must also write; empty when all are there. */
export function missingIndexes(
  entry: AccessLogEntry,
  writtenKeys: ReadonlySet<string>,
  tx: LoggedBy,
): Discrepancy[] {
  const { entryId, timestamp, patientId, requester } = entry;
  const indexes = {
    patient: compositeKey(OBJECT_TYPES.accessLogByPatient, [patientId, timestamp, entryId]),
    requester: compositeKey(OBJECT_TYPES.accessLogByRequester, [
      requester.mspId,
      requester.id,
      timestamp,
      entryId,
    ]),
    time: timeIndexKey(timestamp, entryId),
    'patient (newest first)': compositeKey(OBJECT_TYPES.accessLogByPatientNewest, [
      patientId,
      descendingInstant(timestamp),
      entryId,
    ]),
    'requester (newest first)': compositeKey(OBJECT_TYPES.accessLogByRequesterNewest, [
      requester.mspId,
      requester.id,
      descendingInstant(timestamp),
      entryId,
    ]),
  };
  const missing = Object.entries(indexes)
    .filter(([, key]) => !writtenKeys.has(key))
    .map(([name]) => name);
  if (missing.length === 0) return [];
  return [
    {
      kind: DISCREPANCY_KINDS.ACCESS_LOG_UNINDEXED,
      block: tx.block,
      txId: tx.txId,
      detail: `entry ${entryId} has no ${missing.join(', ')} index entry`,
    },
  ];
}
