import { readEmbeddedConfig, resolveEmbeddedConfig } from './config';

describe('embedded network configuration', () => {
  it('mirrors network/fabric by default: channel and chaincode custodia, three hospitals in DE, FR, IT', () => {
    const config = resolveEmbeddedConfig();
    expect(config).toMatchObject({
      host: '127.0.0.1',
      peerPort: 7051,
      channelName: 'custodia',
      chaincodeName: 'custodia',
      registrar: { id: 'admin' },
    });
    expect(config.organisations.map(({ mspId, country }) => `${mspId}/${country}`)).toEqual([
      'HospitalDEMSP/DE',
      'HospitalFRMSP/FR',
      'HospitalITMSP/IT',
    ]);
    expect(config.registrar.secret).toBeUndefined();
  });

  it('takes the data directory, peer port and registrar secret from the environment', async () => {
    const config = await readEmbeddedConfig({
      CUSTODIA_NETWORK_DIR: '/var/lib/custodia',
      CUSTODIA_PEER_PORT: '17051',
      CUSTODIA_CA_ADMIN_SECRET: 'a-long-secret',
    });
    expect(config).toMatchObject({
      dataDir: '/var/lib/custodia',
      peerPort: 17051,
      registrar: { secret: 'a-long-secret' },
    });
  });

  it.each([
    [
      'a duplicated MSP',
      {
        organisations: [
          { mspId: 'A', country: 'DE', caPort: 0 },
          { mspId: 'A', country: 'FR', caPort: 0 },
        ],
      },
    ],
    ['a country name instead of a code', { organisations: [{ mspId: 'A', country: 'Germany', caPort: 0 }] }],
    ['a host other than loopback', { host: '0.0.0.0' }],
    ['an unknown setting', { peerPorts: 1 }],
    ['a short registrar secret', { registrar: { secret: 'pw' } }],
  ])('refuses %s', (_, settings) => {
    expect(() => resolveEmbeddedConfig(settings as never)).toThrow(
      expect.objectContaining({ code: 'EMBEDDED_CONFIG_INVALID' }),
    );
  });
});
