import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CertificateAuthority } from '../msp';
import type { CreateAuthorityOptions } from '../msp';
import type { CaState } from './state';
import { writeFileAtomically } from '@custodia/ledger';

/**
 * The CA's files under its data directory, laid out like fabric-ca-server's home: `ca-cert.pem`,
 * `ca-key.pem` (mode 0600) and the registry `ca-state.json`. Every write replaces the file atomically
 * (temporary file, fsync, rename, fsync of the directory), so a crash leaves the old or the new version.
 */
export class CaStore {
  constructor(private readonly dir: string) {}

  /** The persisted CA, or a new one (then saved) on first start. */
  async loadOrCreateAuthority(create: CreateAuthorityOptions): Promise<CertificateAuthority> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const certificate = await readOptional(join(this.dir, 'ca-cert.pem'));
    const privateKey = await readOptional(join(this.dir, 'ca-key.pem'));
    if (certificate !== undefined && privateKey !== undefined) {
      return CertificateAuthority.load({ mspId: create.mspId, certificate, privateKey });
    }
    const authority = await CertificateAuthority.create(create);
    const material = authority.material();
    await writeFileAtomically(this.dir, 'ca-key.pem', material.privateKey, 0o600);
    await writeFileAtomically(this.dir, 'ca-cert.pem', material.certificate, 0o644);
    return authority;
  }

  async loadState(): Promise<CaState | undefined> {
    const text = await readOptional(join(this.dir, 'ca-state.json'));
    if (text === undefined) return undefined;
    const state = JSON.parse(text) as CaState;
    if (state.version !== 1) throw new Error(`unsupported CA state version ${String(state.version)}`);
    return state;
  }

  async saveState(state: CaState): Promise<void> {
    await writeFileAtomically(this.dir, 'ca-state.json', JSON.stringify(state), 0o600);
  }
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
