/**
 * Where the wallet key comes from: CUSTODIA_WALLET_KEY (64 hex digits) in production; in development, a key
 * file created on first use with mode 0600 (and refused when others may read it, as ssh refuses keys).
 */
import { readFile, stat } from 'node:fs/promises';
import { createSecretFileOnce } from '../durable-file';
import { WalletError, WalletErrorCode } from './errors';
import { WALLET_KEY_BYTES } from './seal';

export const WALLET_KEY_ENV = 'CUSTODIA_WALLET_KEY';
const HEX_KEY = new RegExp(`^[0-9a-fA-F]{${WALLET_KEY_BYTES * 2}}$`);

function parseHexKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  if (!HEX_KEY.test(trimmed))
    throw new WalletError(WalletErrorCode.KeyInvalid, `${source} must be ${WALLET_KEY_BYTES * 2} hex digits`);
  return Buffer.from(trimmed, 'hex');
}

async function readKeyFile(path: string): Promise<Buffer> {
  const info = await stat(path);
  if (process.platform !== 'win32' && (info.mode & 0o077) !== 0)
    throw new WalletError(
      WalletErrorCode.KeyInvalid,
      'the wallet key file must not be readable by others (0600)',
    );
  return parseHexKey(await readFile(path, 'utf8'), 'the wallet key file');
}

export interface WalletKeySource {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The environment variable holding the key (64 hex digits); default CUSTODIA_WALLET_KEY. */
  readonly variable?: string;
  /** Used (and created on first use) when the environment has no key. */
  readonly keyFile: string;
}

/** A 32-byte key (the wallet's, or another sealing key); throws WalletError(WALLET_KEY_INVALID). */
export async function loadWalletKey(source: WalletKeySource): Promise<Buffer> {
  const variable = source.variable ?? WALLET_KEY_ENV;
  const fromEnv = (source.env ?? process.env)[variable];
  if (fromEnv !== undefined && fromEnv !== '') return parseHexKey(fromEnv, variable);
  try {
    return await readKeyFile(source.keyFile);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // Another process (the data lake starting beside the gateway) may create it first: then its key is used.
  await createSecretFileOnce(source.keyFile, WALLET_KEY_BYTES);
  return readKeyFile(source.keyFile);
}
