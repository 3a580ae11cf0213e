import { CodedError } from '../coded-error';

/** Stable codes of wallet failures; callers switch on these, never on the message. */
export const WalletErrorCode = {
  /** CUSTODIA_WALLET_KEY or the key file is not 32 bytes of hex, or the key file is readable by others. */
  KeyInvalid: 'WALLET_KEY_INVALID',
  /** The entry was sealed under another wallet key. */
  KeyMismatch: 'WALLET_KEY_MISMATCH',
  /** The entry's authentication failed: its key, certificate or names were altered. */
  EntryTampered: 'WALLET_ENTRY_TAMPERED',
  /** The entry is not a wallet entry this version reads. */
  EntryInvalid: 'WALLET_ENTRY_INVALID',
  /** An MSP id or identity label that cannot name a wallet entry. */
  IdInvalid: 'WALLET_ID_INVALID',
} as const;
export type WalletErrorCode = (typeof WalletErrorCode)[keyof typeof WalletErrorCode];

export class WalletError extends CodedError<WalletErrorCode> {
  override readonly name = 'WalletError';
}
