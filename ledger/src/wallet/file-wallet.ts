/**
 * A wallet on disk, one file per identity:
 *
 *   <dir>/<mspId>/<id>.json     mode 0600, names URI-encoded; written atomically (temp file, fsync, rename)
 *   <dir>/wallet.key            the development wallet key (0600), only when CUSTODIA_WALLET_KEY is not set;
 *                               beside the entries it guards only copies of entries (backups, one leaked
 *                               file) — production sets CUSTODIA_WALLET_KEY (or `keyFile` elsewhere)
 *
 * An entry (version 1):
 *   { "version": 1, "type": "X.509", "mspId", "id", "certificate": PEM,
 *     "privateKey": { "algorithm": "AES-256-GCM", "keyId", "iv", "tag", "ciphertext" } }   (base64 fields)
 *
 * The certificate is public and stays readable; the private key is sealed under the wallet key with the entry's
 * MSP id, label and certificate as authenticated data (see seal.ts).
 */
import { mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from '../durable-file';
import type { Identity } from '../msp';
import { WalletError, WalletErrorCode } from './errors';
import { loadWalletKey } from './key';
import { sealPrivateKey, unsealPrivateKey } from './seal';
import type { SealedKey } from './seal';
import type { Wallet, WalletEntryRef } from './wallet';

export const WALLET_KEY_FILE = 'wallet.key';
const ENTRY_VERSION = 1;
const SUFFIX = '.json';

interface WalletEntry {
  readonly version: typeof ENTRY_VERSION;
  readonly type: 'X.509';
  readonly mspId: string;
  readonly id: string;
  readonly certificate: string;
  readonly privateKey: SealedKey;
}

function segment(name: string, what: string): string {
  const encoded = encodeURIComponent(name);
  if (name === '' || encoded === '.' || encoded === '..' || encoded.length > 200)
    throw new WalletError(WalletErrorCode.IdInvalid, `the ${what} cannot name a wallet entry`);
  return encoded;
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function isSealedKey(value: unknown): value is SealedKey {
  if (typeof value !== 'object' || value === null) return false;
  const sealed = value as Record<string, unknown>;
  return (
    sealed.algorithm === 'AES-256-GCM' &&
    isString(sealed.keyId) &&
    isString(sealed.iv) &&
    isString(sealed.tag) &&
    isString(sealed.ciphertext)
  );
}

function parseEntry(text: string): WalletEntry {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new WalletError(WalletErrorCode.EntryInvalid, 'the wallet entry is not JSON');
  }
  const entry = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  if (
    entry.version !== ENTRY_VERSION ||
    entry.type !== 'X.509' ||
    !isString(entry.mspId) ||
    !isString(entry.id) ||
    !isString(entry.certificate) ||
    !isSealedKey(entry.privateKey)
  )
    throw new WalletError(WalletErrorCode.EntryInvalid, 'the wallet entry is not a version 1 entry');
  return entry as unknown as WalletEntry;
}

export interface FileWalletOptions {
  /** Default process.env: CUSTODIA_WALLET_KEY. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The development key file; default `<dir>/wallet.key`. */
  readonly keyFile?: string;
}

export class FileWallet implements Wallet {
  /** Writes per entry in progress: one at a time (they share a temporary file name). */
  private readonly writes = new Map<string, Promise<unknown>>();

  /** `key`: the 32-byte wallet key (see `FileWallet.open` to load it from the environment or key file). */
  constructor(
    readonly dir: string,
    private readonly key: Uint8Array,
  ) {}

  /** A wallet in `dir`, its key from CUSTODIA_WALLET_KEY or the key file (created 0600 on first use). */
  static async open(dir: string, options: FileWalletOptions = {}): Promise<FileWallet> {
    const key = await loadWalletKey({
      keyFile: options.keyFile ?? join(dir, WALLET_KEY_FILE),
      ...(options.env && { env: options.env }),
    });
    return new FileWallet(dir, key);
  }

  private path(mspId: string, id: string): { dir: string; name: string } {
    return {
      dir: join(this.dir, segment(mspId, 'MSP id')),
      name: `${segment(id, 'identity label')}${SUFFIX}`,
    };
  }

  async get(mspId: string, id: string): Promise<Identity | undefined> {
    const { dir, name } = this.path(mspId, id);
    let text: string;
    try {
      text = await readFile(join(dir, name), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const entry = parseEntry(text);
    // An entry copied under another name must not let one user (or organisation) sign as another.
    if (entry.mspId !== mspId || entry.id !== id)
      throw new WalletError(WalletErrorCode.EntryTampered, 'the wallet entry is filed under another name');
    const privateKey = unsealPrivateKey(this.key, entry.privateKey, entry);
    return { mspId: entry.mspId, certificate: entry.certificate, privateKey };
  }

  async put(identity: Identity, id: string): Promise<void> {
    const { dir, name } = this.path(identity.mspId, id);
    const context = { mspId: identity.mspId, id, certificate: identity.certificate };
    const entry: WalletEntry = {
      version: ENTRY_VERSION,
      type: 'X.509',
      ...context,
      privateKey: sealPrivateKey(this.key, identity.privateKey, context),
    };
    await this.serialised(join(dir, name), async () => {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await writeFileAtomically(dir, name, `${JSON.stringify(entry, null, 2)}\n`, 0o600);
    });
  }

  async remove(mspId: string, id: string): Promise<boolean> {
    const { dir, name } = this.path(mspId, id);
    return this.serialised(join(dir, name), async () => {
      try {
        await unlink(join(dir, name));
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw error;
      }
    });
  }

  private async serialised<T>(path: string, write: () => Promise<T>): Promise<T> {
    const run = (this.writes.get(path) ?? Promise.resolve()).then(write);
    const settled = run.catch(() => undefined);
    this.writes.set(path, settled);
    try {
      return await run;
    } finally {
      if (this.writes.get(path) === settled) this.writes.delete(path);
    }
  }

  async list(): Promise<WalletEntryRef[]> {
    let organisations;
    try {
      organisations = await readdir(this.dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const entries: WalletEntryRef[] = [];
    for (const organisation of organisations) {
      if (!organisation.isDirectory()) continue;
      const mspId = decodeURIComponent(organisation.name);
      for (const file of await readdir(join(this.dir, organisation.name), { withFileTypes: true })) {
        if (!file.isFile() || !file.name.endsWith(SUFFIX)) continue;
        entries.push({ mspId, id: decodeURIComponent(file.name.slice(0, -SUFFIX.length)) });
      }
    }
    return entries.sort((a, b) =>
      a.mspId === b.mspId ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.mspId < b.mspId ? -1 : 1,
    );
  }
}
