/**
 * What the data lake needs from the ledger. The production adapter submits and evaluates the
 * chaincode transactions through `@custodia/ledger`'s `connect()`; the data lake never talks to
 * the ledger any other way. Every call names the identity it acts for, because the chaincode takes
 * the caller from the signing certificate (a centre registers its own records, a clinician records
 * its own delivery).
 */
import type { Caller, GrantView, RecordMeta, RecordRegistration } from '@custodia/chaincode';

/** The identity a ledger call is signed with (the gateway's authenticated user, or the data lake's own). */
export type LedgerActor = Caller;

export interface LedgerPort {
  /** `records:registerRecord`; idempotent for identical metadata (uploads are retried). */
  registerRecord(actor: LedgerActor, registration: RecordRegistration): Promise<RecordMeta>;
  /** `records:getRecordMeta`; undefined when the record is not registered. */
  getRecordMeta(actor: LedgerActor, recordId: string): Promise<RecordMeta | undefined>;
  /** `access:getGrant`, evaluated at the query's transaction time; undefined when there is no such grant. */
  getGrant(actor: LedgerActor, grantId: string): Promise<GrantView | undefined>;
  /** `access:recordDelivery`: logs that the requester received the record with this manifest hash. */
  recordDelivery(actor: LedgerActor, grantId: string, manifestHash: string): Promise<void>;
  /**
   * Who the chaincode sees when the lake signs for `actor`: read from the certificate it signs with (MSP id and
   * the `custodia.*` attributes), not from the gateway's claim. FORBIDDEN when the actor has no enrolment.
   */
  signerOf(actor: LedgerActor): Promise<Caller>;
}

/** One chaincode event as the ledger delivered it (payload: JSON of identifiers only). */
export interface LedgerEvent {
  readonly blockNumber: bigint;
  readonly transactionId: string;
  readonly eventName: string;
  readonly payload: Uint8Array;
}

/** Where a listener stopped: events up to and including this transaction are not delivered again. */
export interface EventPosition {
  readonly blockNumber: bigint;
  readonly transactionId: string;
}

export interface LedgerEventStream extends AsyncIterable<LedgerEvent> {
  close(): void;
}

export interface LedgerEventSource {
  /** The chaincode's events after `after` (from the first block when absent), read with `actor`'s identity. */
  chaincodeEvents(actor: LedgerActor, after?: EventPosition): Promise<LedgerEventStream>;
}
