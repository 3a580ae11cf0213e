/**
 * The default KeyProvider: one 32-byte key-encryption key per organisation, in `<dir>/<owner>.key`
 * (hex). Missing keys are created (mode 0600) only when `create` is set, for development stacks.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { DatalakeError } from '../errors';
import { readKeyFile } from './key-file';
import { unwrapKey, wrapKey } from './key-wrap';
import type { KeyProvider, WrappedKey } from './key-provider';

const OWNER = /^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$/;

export interface FileKeyProviderOptions {
  readonly directory: string;
  /** Create a missing organisation key instead of failing. */
  readonly create?: boolean;
}

export class FileKeyProvider implements KeyProvider {
  private readonly keys = new Map<string, Promise<Buffer>>();

  constructor(private readonly options: FileKeyProviderOptions) {}

  async wrap(owner: string, dataKey: Buffer, context: string): Promise<WrappedKey> {
    const kek = await this.key(owner);
    const wrapped = wrapKey(kek, dataKey, aad(owner, context));
    return { owner, kekId: kekId(kek), alg: 'A256GCM', wrapped };
  }

  async unwrap(key: WrappedKey, context: string): Promise<Buffer> {
    const kek = await this.key(key.owner);
    if (key.alg !== 'A256GCM' || key.kekId !== kekId(kek)) {
      throw new DatalakeError('INTEGRITY_FAILED', 'data key was wrapped by another key');
    }
    return unwrapKey(kek, key.wrapped, aad(key.owner, context));
  }

  private key(owner: string): Promise<Buffer> {
    if (!OWNER.test(owner)) throw new DatalakeError('INVALID_INPUT', 'key owner must be an organisation id');
    let pending = this.keys.get(owner);
    if (pending === undefined) {
      pending = this.load(owner);
      // A failed load is not cached, so a key file added later is picked up.
      pending.catch(() => this.keys.delete(owner));
      this.keys.set(owner, pending);
    }
    return pending;
  }

  private async load(owner: string): Promise<Buffer> {
    const key = await readKeyFile(
      path.join(this.options.directory, `${owner}.key`),
      this.options.create ?? false,
    );
    if (key === undefined)
      throw new DatalakeError('FORBIDDEN', 'no key-encryption key for this organisation');
    return key;
  }
}

function kekId(kek: Buffer): string {
  return createHash('sha256').update('custodia-kek-id').update(kek).digest('hex').slice(0, 16);
}

function aad(owner: string, context: string): Buffer {
  return Buffer.from(`custodia-dek\0${owner}\0${context}`, 'utf8');
}
