/** The wallet: enrolled identities kept on disk with their private keys encrypted at rest. */
export { FileWallet, WALLET_KEY_FILE } from './file-wallet';
export type { FileWalletOptions } from './file-wallet';
export { loadWalletKey, WALLET_KEY_ENV } from './key';
export type { WalletKeySource } from './key';
export { seal, unseal, WALLET_KEY_BYTES } from './seal';
export type { Sealed } from './seal';
export { WalletError, WalletErrorCode } from './errors';
export type { Wallet, WalletEntryRef } from './wallet';
