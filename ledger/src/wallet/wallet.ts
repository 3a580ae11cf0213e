import type { Identity } from '../msp';

/** Names one wallet entry: the identity's organisation and its label (the enrolment id). */
export interface WalletEntryRef {
  readonly mspId: string;
  readonly id: string;
}

/** Where enrolled identities are kept, as Fabric SDK wallets do: one entry per (MSP id, label). */
export interface Wallet {
  /** The identity stored under (mspId, id), or undefined when there is none. */
  get(mspId: string, id: string): Promise<Identity | undefined>;
  /** Stores `identity` under (identity.mspId, id), replacing what was there. */
  put(identity: Identity, id: string): Promise<void>;
  /** Removes the entry; false when there was none. */
  remove(mspId: string, id: string): Promise<boolean>;
  /** Every entry, sorted by MSP id then label. */
  list(): Promise<WalletEntryRef[]>;
}
