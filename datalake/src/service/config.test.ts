import path from 'node:path';
import { loadConfig } from './config';

const TOKEN = { CUSTODIA_DATALAKE_TOKEN: 'a-service-token-of-length' };

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('loadConfig', () => {
  it('starts from documented defaults: embedded S3, embedded network, no own identity', () => {
    const config = loadConfig(TOKEN);
    expect(config.embeddedS3?.directory).toBe(path.resolve('.custodia/s3'));
    expect(config.walletDir).toBe(path.resolve('.custodia/wallet'));
    expect(config.ledger.network).toBe('embedded');
    expect(config.serviceActor).toBeUndefined();
    expect(config.logLevel).toBe('info');
  });

  it('reads the production settings: MinIO, the lake identity, a Fabric connection file', () => {
    const config = loadConfig({
      ...TOKEN,
      CUSTODIA_S3_ENDPOINT: 'https://minio.example:9000',
      CUSTODIA_S3_ACCESS_KEY: 'access',
      CUSTODIA_S3_SECRET_KEY: 'secret',
      CUSTODIA_DATALAKE_IDENTITY: 'HospitalDEMSP/custodia-datalake',
      CUSTODIA_NETWORK: 'fabric',
      CUSTODIA_CONNECTION_FILE: '/etc/custodia/connection.json',
      CUSTODIA_WALLET_DIR: '/var/lib/custodia/wallet',
      CUSTODIA_LOG_LEVEL: 'warn',
    });
    expect(config.embeddedS3).toBeUndefined();
    expect(config.locations.endpoint?.url).toBe('https://minio.example:9000');
    expect(config.serviceActor).toEqual({ mspId: 'HospitalDEMSP', id: 'custodia-datalake', role: 'admin' });
    expect(config.ledger).toMatchObject({ network: 'fabric', profilePath: '/etc/custodia/connection.json' });
    expect(config.walletDir).toBe('/var/lib/custodia/wallet');
    expect(config.logLevel).toBe('warn');
  });

  it('gives the embedded S3 server configured keys, or none (it generates its own), and a home bucket prefix', () => {
    expect(loadConfig(TOKEN).embeddedS3?.credentials).toBeUndefined();
    const keys = { CUSTODIA_S3_ACCESS_KEY: 'lake-key', CUSTODIA_S3_SECRET_KEY: 'a-secret-of-24-characters' };
    const config = loadConfig({ ...TOKEN, ...keys, CUSTODIA_S3_BUCKET_PREFIX: 'site1-' });
    expect(config.embeddedS3?.credentials).toEqual({
      accessKey: 'lake-key',
      secretKey: 'a-secret-of-24-characters',
    });
    expect(config.locations).toEqual({ bucketPrefix: 'site1-', countries: {} });
  });

  it('refuses half a key pair, a guessable secret for the embedded server, and a prefix no bucket can have', () => {
    expect(codeOf(() => loadConfig({ ...TOKEN, CUSTODIA_S3_ACCESS_KEY: 'lake-key' }))).toBe('INVALID_INPUT');
    expect(codeOf(() => loadConfig({ ...TOKEN, CUSTODIA_S3_SECRET_KEY: 'a-secret-of-24-characters' }))).toBe(
      'INVALID_INPUT',
    );
    expect(
      codeOf(() =>
        loadConfig({ ...TOKEN, CUSTODIA_S3_ACCESS_KEY: 'S3RVER', CUSTODIA_S3_SECRET_KEY: 'S3RVER' }),
      ),
    ).toBe('INVALID_INPUT');
    expect(codeOf(() => loadConfig({ ...TOKEN, CUSTODIA_S3_BUCKET_PREFIX: 'Upper_' }))).toBe('INVALID_INPUT');
  });

  it('refuses a missing token, a malformed identity, a MinIO endpoint without keys, an unknown log level', () => {
    expect(codeOf(() => loadConfig({}))).toBe('INVALID_INPUT');
    for (const identity of ['custodia-datalake', 'A/b/c', '/id', 'Msp/'])
      expect(codeOf(() => loadConfig({ ...TOKEN, CUSTODIA_DATALAKE_IDENTITY: identity }))).toBe(
        'INVALID_INPUT',
      );
    expect(codeOf(() => loadConfig({ ...TOKEN, CUSTODIA_S3_ENDPOINT: 'http://minio:9000' }))).toBe(
      'INVALID_INPUT',
    );
    expect(codeOf(() => loadConfig({ ...TOKEN, CUSTODIA_LOG_LEVEL: 'loud' }))).toBe('INVALID_INPUT');
    expect(codeOf(() => loadConfig({ ...TOKEN, CUSTODIA_NETWORK: 'fabric' }))).toBe(
      'LEDGER_CLIENT_CONFIG_INVALID',
    );
  });

  it('reads the organisations’ countries, per-country locations with their key and index folders, the hash key and the upload TTL', () => {
    const config = loadConfig({
      ...TOKEN,
      CUSTODIA_ORGANISATIONS: '{"HospitalDEMSP":"DE","HospitalFRMSP":"FR"}',
      CUSTODIA_S3_LOCATIONS: JSON.stringify({
        FR: {
          endpoint: { url: 'https://s3.fr.example', accessKey: 'fr-key', secretKey: 'fr-secret' },
          keyDir: '/srv/fr/keys',
          indexDir: '/srv/fr/index',
        },
        DE: { bucketPrefix: 'de-' },
      }),
      CUSTODIA_DATALAKE_HASH_KEY: 'ab'.repeat(32),
      CUSTODIA_UPLOAD_TTL_SECONDS: '3600',
    });
    expect(config.organisations).toEqual({ HospitalDEMSP: 'DE', HospitalFRMSP: 'FR' });
    expect(config.locations.countries.FR).toEqual({
      endpoint: { url: 'https://s3.fr.example', accessKey: 'fr-key', secretKey: 'fr-secret' },
      keyDir: '/srv/fr/keys',
      indexDir: '/srv/fr/index',
    });
    expect(config.locations.countries.DE).toEqual({ bucketPrefix: 'de-' });
    expect(config.hashKey?.toString('hex')).toBe('ab'.repeat(32));
    expect(config.uploadTtlMs).toBe(3_600_000);
    expect(loadConfig(TOKEN).uploadTtlMs).toBe(86_400_000);
  });

  it('refuses organisations without an ISO country, locations of unknown shape or country, and a short hash key', () => {
    for (const organisations of ['[]', '{"HospitalDEMSP":"Germany"}', '{"bad msp!":"DE"}', 'not json'])
      expect(codeOf(() => loadConfig({ ...TOKEN, CUSTODIA_ORGANISATIONS: organisations }))).toBe(
        'INVALID_INPUT',
      );
    for (const locations of [
      '{"de":{}}',
      '{"DE":[]}',
      '{"DE":{"region":"eu"}}',
      '{"DE":{"endpoint":{"url":"ftp://x","accessKey":"a","secretKey":"b"}}}',
      '{"DE":{"bucketPrefix":"Upper_"}}',
    ])
      expect(codeOf(() => loadConfig({ ...TOKEN, CUSTODIA_S3_LOCATIONS: locations }))).toBe('INVALID_INPUT');
    expect(codeOf(() => loadConfig({ ...TOKEN, CUSTODIA_DATALAKE_HASH_KEY: 'abcd' }))).toBe('INVALID_INPUT');
  });
});
