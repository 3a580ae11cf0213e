/**
 * What replay & verify can find wrong, as stable machine-readable codes: an auditor's tooling (and the
 * CSV export) keys on `kind`, never on `detail`, which is for people and names only ids, codes and hashes.
 */
export const DISCREPANCY_KINDS = {
  /** A block's previous_hash is not the header hash of the block before it. */
  HASH_CHAIN_BROKEN: 'HASH_CHAIN_BROKEN',
  /** A block's data_hash does not match its transactions. */
  DATA_HASH_MISMATCH: 'DATA_HASH_MISMATCH',
  /** A block does not carry the number its position in the chain requires. */
  BLOCK_NUMBER_MISMATCH: 'BLOCK_NUMBER_MISMATCH',
  /** A block after the genesis block carries no valid signature of an ordering organisation of the channel. */
  BLOCK_SIGNATURE_INVALID: 'BLOCK_SIGNATURE_INVALID',
  /** A block or transaction does not decode as Fabric protobufs. */
  MALFORMED_BLOCK: 'MALFORMED_BLOCK',
  /** A logged decision differs from the one the rules (and emergency policy) in force at that point give. */
  DECISION_MISMATCH: 'DECISION_MISMATCH',
  /** The grant written with an access-log entry does not match its decision (or is missing / unexpected). */
  GRANT_MISMATCH: 'GRANT_MISMATCH',
  /**
   * An access-log or delivery entry does not belong to its transaction (its id, time or requester differ from
   * the transaction's) or does not decode.
   */
  LOG_ENTRY_INCONSISTENT: 'LOG_ENTRY_INCONSISTENT',
  /**
   * An append-only entry (access-log entry or index, delivery, rule or policy version, record registration)
   * was overwritten or deleted: the chaincode only ever adds them.
   */
  LEDGER_ENTRY_REWRITTEN: 'LEDGER_ENTRY_REWRITTEN',
  /** An access-log entry was written without the index entries that make it found by patient, requester, time. */
  ACCESS_LOG_UNINDEXED: 'ACCESS_LOG_UNINDEXED',
  /** A rule or emergency-policy change left active a grant it should have revoked in the same transaction. */
  GRANT_NOT_REVOKED: 'GRANT_NOT_REVOKED',
  /** A grant was revoked by a transaction whose changes give no reason to revoke it. */
  GRANT_REVOKED_WITHOUT_CAUSE: 'GRANT_REVOKED_WITHOUT_CAUSE',
  /** A delivery names a grant that did not exist when it was logged. */
  DELIVERY_WITHOUT_GRANT: 'DELIVERY_WITHOUT_GRANT',
  /** A delivery was logged by (or for) someone other than the grant's requester, or for another patient. */
  DELIVERY_REQUESTER_MISMATCH: 'DELIVERY_REQUESTER_MISMATCH',
  /** A delivery was logged at or after its grant's expiry. */
  DELIVERY_AFTER_EXPIRY: 'DELIVERY_AFTER_EXPIRY',
  /** A delivery was logged after its grant was revoked. */
  DELIVERY_AFTER_REVOCATION: 'DELIVERY_AFTER_REVOCATION',
  /** A delivery was logged for a grant the rules (or emergency policy) in force at that moment no longer covered. */
  DELIVERY_OF_NARROWED_GRANT: 'DELIVERY_OF_NARROWED_GRANT',
  /**
   * A request or delivery was logged for a party the chaincode must have refused: its organisation not in the
   * registry, a country other than the registry's, a disabled identity, a patient not registered or erased.
   */
  CALLER_NOT_ADMITTED: 'CALLER_NOT_ADMITTED',
  /** A break-glass request was logged although its requester had reached the hourly limit. */
  EMERGENCY_LIMIT_EXCEEDED: 'EMERGENCY_LIMIT_EXCEEDED',
  /**
   * A registry version was committed without the approvals its governance needs (every founder for the genesis, a
   * strict majority of members after), by an organisation that does not vote on it, or an approval was written
   * for another organisation than the approving admin's.
   */
  REGISTRY_CHANGE_UNAPPROVED: 'REGISTRY_CHANGE_UNAPPROVED',
  /**
   * A patient registration or erasure, or an identity's disabling, was written by someone other than an admin of
   * that organisation, or a registration was altered other than by its erasure.
   */
  REGISTRATION_INCONSISTENT: 'REGISTRATION_INCONSISTENT',
  /** The data lake has no manifest for a logged delivery (or could not be asked). */
  MANIFEST_UNAVAILABLE: 'MANIFEST_UNAVAILABLE',
  /** The manifest the data lake holds does not hash to the delivery's on-chain manifest hash. */
  MANIFEST_HASH_MISMATCH: 'MANIFEST_HASH_MISMATCH',
  /** A delivered record is not registered on-chain. */
  RECORD_NOT_REGISTERED: 'RECORD_NOT_REGISTERED',
  /** A delivered record's hash differs from its on-chain registration. */
  RECORD_HASH_MISMATCH: 'RECORD_HASH_MISMATCH',
  /** A delivered record is not one its grant releases (another patient, a category or label not granted). */
  RECORD_OUTSIDE_GRANT: 'RECORD_OUTSIDE_GRANT',
} as const;
export type DiscrepancyKind = (typeof DISCREPANCY_KINDS)[keyof typeof DISCREPANCY_KINDS];

export interface Discrepancy {
  readonly kind: DiscrepancyKind;
  readonly block: number;
  /** Empty for a discrepancy of a whole block. */
  readonly txId: string;
  readonly detail: string;
}
