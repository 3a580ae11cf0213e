import { join, resolve } from 'node:path';
import { readLedgerClientConfig } from './config';
import { LedgerClientErrorCode } from './errors';

describe('ledger client configuration', () => {
  it('defaults to the embedded network’s profile under .custodia/network', () => {
    const config = readLedgerClientConfig({});
    expect(config.network).toBe('embedded');
    expect(config.profilePath).toBe(join(resolve('.custodia/network'), 'connection.json'));
    expect(config.timeouts).toEqual({
      evaluate: 5_000,
      endorse: 45_000,
      submit: 35_000,
      commitStatus: 60_000,
    });
    expect(config.failover).toEqual({
      probeAfter: 1_000,
      probeTimeout: 1_500,
      breakFor: 30_000,
      ordererRetry: 30_000,
      conflictRetries: 3,
      keepalive: 65_000,
      keepaliveTimeout: 20_000,
      channelIdle: 300_000,
    });
    expect(config.pool).toEqual({ maxIdentities: 500, idleMs: 300_000 });
    expect(
      readLedgerClientConfig({ CUSTODIA_LEDGER_MAX_IDENTITIES: '20', CUSTODIA_LEDGER_IDLE_MS: '1000' }).pool,
    ).toEqual({ maxIdentities: 20, idleMs: 1_000 });
  });

  it('needs a connection file for a Fabric network', () => {
    expect(() => readLedgerClientConfig({ CUSTODIA_NETWORK: 'fabric' })).toThrow(
      expect.objectContaining({ code: LedgerClientErrorCode.InvalidConfig }),
    );
    expect(
      readLedgerClientConfig({ CUSTODIA_NETWORK: 'fabric', CUSTODIA_CONNECTION_FILE: 'conn.json' })
        .profilePath,
    ).toBe(resolve('conn.json'));
  });

  it.each([
    [{ CUSTODIA_NETWORK: 'besu' }],
    [{ CUSTODIA_LEDGER_ENDORSE_TIMEOUT_MS: '0' }],
    [{ CUSTODIA_LEDGER_COMMIT_TIMEOUT_MS: 'soon' }],
    [{ CUSTODIA_LEDGER_MAX_IDENTITIES: '-5' }],
    [{ CUSTODIA_LEDGER_IDLE_MS: '1.5' }],
    [{ CUSTODIA_LEDGER_KEEPALIVE_MS: '59999' }],
    [{ CUSTODIA_LEDGER_PROBE_AFTER_MS: '0' }],
    [{ CUSTODIA_LEDGER_CONFLICT_RETRIES: '-1' }],
  ])('refuses %j with a coded error', (env) => {
    expect(() => readLedgerClientConfig(env)).toThrow(
      expect.objectContaining({ code: LedgerClientErrorCode.InvalidConfig }),
    );
  });
});
