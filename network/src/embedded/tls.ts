import { generateKeyPairSync } from 'node:crypto';
import { CaStore } from '../ca/store';

/** What the gRPC server presents and what clients must trust. */
export interface TlsMaterial {
  /** The TLS CA certificate (PEM) clients pin. */
  readonly caCertificate: string;
  readonly certificate: string;
  readonly privateKey: string;
}

const TLS_HOSTS = ['127.0.0.1', 'localhost'];

/**
 * The network's own TLS CA (kept under `dir`, like a Fabric TLS CA's home) and a fresh server certificate for
 * 127.0.0.1/localhost. The server key is regenerated on every start: clients trust the CA, never the leaf.
 */
export async function loadTlsMaterial(dir: string, serverName: string): Promise<TlsMaterial> {
  const authority = await new CaStore(dir).loadOrCreateAuthority({
    mspId: 'tls',
    commonName: 'tlsca.custodia.local',
    organization: 'Custodia',
  });
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const certificate = await authority.certify({
    enrollmentId: serverName,
    publicKey,
    attrs: {},
    ou: 'peer',
    hosts: [...TLS_HOSTS, serverName],
    profile: 'tls',
  });
  return {
    caCertificate: authority.certificate,
    certificate,
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}
