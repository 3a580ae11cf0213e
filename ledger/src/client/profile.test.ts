import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LedgerClientErrorCode } from './errors';
import { parseConnectionProfile, readConnectionProfile } from './profile';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('connection profiles', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'custodia-profile-'));
    writeFileSync(join(dir, 'tls-ca.pem'), PEM);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads peers in order, with TLS CA certificates inline or from a file next to the profile', async () => {
    const path = join(dir, 'connection.json');
    writeFileSync(
      path,
      JSON.stringify({
        channelName: 'custodia',
        chaincodeName: 'custodia',
        peers: [
          { endpoint: 'peer0.org1:7051', mspId: 'Org1MSP', tlsCaCertificateFile: 'tls-ca.pem' },
          { endpoint: 'peer0.org2:9051', mspId: 'Org2MSP', tlsCaCertificate: PEM, hostnameOverride: 'peer0' },
        ],
      }),
    );
    const profile = await readConnectionProfile(path);
    expect(profile.peers).toEqual([
      { endpoint: 'peer0.org1:7051', mspId: 'Org1MSP', tlsCaCertificate: PEM },
      { endpoint: 'peer0.org2:9051', mspId: 'Org2MSP', tlsCaCertificate: PEM, hostnameOverride: 'peer0' },
    ]);
    expect(profile.organisations).toEqual([]);
  });

  it.each([
    ['no peer', { channelName: 'c', chaincodeName: 'cc', peers: [] }],
    [
      'an endpoint without a port',
      {
        channelName: 'c',
        chaincodeName: 'cc',
        peers: [{ endpoint: 'peer0', mspId: 'M', tlsCaCertificate: PEM }],
      },
    ],
    ['no TLS CA', { channelName: 'c', chaincodeName: 'cc', peers: [{ endpoint: 'peer0:7051', mspId: 'M' }] }],
    [
      'a country that is not ISO 3166',
      {
        channelName: 'c',
        chaincodeName: 'cc',
        peers: [{ endpoint: 'p:1', mspId: 'M', tlsCaCertificate: PEM }],
        organisations: [{ mspId: 'M', country: 'Germany' }],
      },
    ],
  ])('refuses a profile with %s', async (_, value) => {
    await expect(parseConnectionProfile(value, dir)).rejects.toMatchObject({
      code: LedgerClientErrorCode.InvalidConfig,
    });
  });

  it('says the network may not be started when the embedded profile is missing', async () => {
    await expect(readConnectionProfile(join(dir, 'missing.json'))).rejects.toMatchObject({
      code: LedgerClientErrorCode.InvalidConfig,
      message: expect.stringContaining('is the network started?') as string,
    });
  });
});
