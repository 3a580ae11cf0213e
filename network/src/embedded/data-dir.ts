import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CONNECTION_PROFILE_FILE, writeFileAtomically } from '@custodia/ledger';
import type { ConnectionProfile } from '@custodia/ledger';

/**
 * The embedded network's data directory:
 *   connection.json        the connection profile clients read (no secrets)
 *   registrar.secret       the CAs' bootstrap registrar secret when none is configured (mode 0600)
 *   tls/                   the TLS CA (certificate, key 0600)
 *   orgs/<mspId>/ca/       each organisation's CA home (as fabric-ca-server's)
 *   orderer/ca/            the ordering organisation's CA, whose orderer identity signs blocks
 *   ledger/<channel>/      block files, block index, state and history databases
 */
export class DataDir {
  constructor(readonly root: string) {}

  get profilePath(): string {
    return join(this.root, CONNECTION_PROFILE_FILE);
  }

  get tlsDir(): string {
    return join(this.root, 'tls');
  }

  caDir(mspId: string): string {
    return join(this.root, 'orgs', mspId, 'ca');
  }

  get ordererCaDir(): string {
    return join(this.root, 'orderer', 'ca');
  }

  ledgerDir(channelName: string): string {
    return join(this.root, 'ledger', channelName);
  }

  async create(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o700 });
  }

  /** The registrar secret generated on first start (random, 24 bytes base64url). */
  async registrarSecret(): Promise<string> {
    const path = join(this.root, 'registrar.secret');
    try {
      return (await readFile(path, 'utf8')).trim();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const secret = randomBytes(24).toString('base64url');
    await writeFileAtomically(this.root, 'registrar.secret', `${secret}\n`, 0o600);
    return secret;
  }

  async writeProfile(profile: ConnectionProfile): Promise<void> {
    await writeFileAtomically(
      this.root,
      CONNECTION_PROFILE_FILE,
      `${JSON.stringify(profile, null, 2)}\n`,
      0o644,
    );
  }
}
