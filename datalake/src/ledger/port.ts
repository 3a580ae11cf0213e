/**
 * What the data lake needs from the ledger. The production adapter calls the chaincode through
 * `@custodia/ledger`'s typed client; the data lake never talks to the ledger any other way. Every
 * call names the identity it acts for, because the chaincode takes the caller from the signing
 * certificate (a centre registers its own records, a clinician records its own delivery).
 */
import type {
  Caller,
  Category,
  GrantView,
  Page,
  PageRequest,
  PatientRegistration,
  RecordMeta,
  RecordRegistration,
} from '@custodia/chaincode';
import type { EventPosition, LedgerEventStream } from '@custodia/ledger';

/** The identity a ledger call is signed with (the gateway's authenticated user, or the data lake's own). */
export type LedgerActor = Caller;

export interface LedgerPort {
  /** `records:registerRecord`; idempotent for identical metadata (uploads are retried). */
  registerRecord(actor: LedgerActor, registration: RecordRegistration): Promise<RecordMeta>;
  /** `records:getRecordMeta`; undefined when the record is not registered. */
  getRecordMeta(actor: LedgerActor, recordId: string): Promise<RecordMeta | undefined>;
  /** `records:listRecordMeta`: one page of a patient's registrations, of one category when given. */
  listRecordMeta(
    actor: LedgerActor,
    patientId: string,
    page: PageRequest,
    category?: Category,
  ): Promise<Page<RecordMeta>>;
  /** `patients:getPatient` (erased or not); undefined when the patient is not registered. */
  getPatient(actor: LedgerActor, patientId: string): Promise<PatientRegistration | undefined>;
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

export interface LedgerEventSource {
  /** The chaincode's events after `after` (from the first block when absent), read with `actor`'s identity. */
  chaincodeEvents(actor: LedgerActor, after?: EventPosition): Promise<LedgerEventStream>;
}

export type { EventPosition, LedgerEvent, LedgerEventStream } from '@custodia/ledger';
