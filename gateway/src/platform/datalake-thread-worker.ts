/** The data lake's thread (datalake-thread.ts): the wallet, its own ledger client, the lake; reports its URL. */
import { startDatalakeWithWallet } from '@custodia/datalake';
import { FileWallet, LedgerClient, WALLET_KEY_ENV } from '@custodia/ledger';
import type { DatalakeThreadData } from './datalake-thread';
import { serveInThread } from './serve-in-thread';

serveInThread<DatalakeThreadData, string>(async (data, logger) => {
  // Structured cloning turned the configuration's Buffers into Uint8Arrays.
  const { hashKey } = data.config;
  const config = { ...data.config, hashKey: hashKey === undefined ? undefined : Buffer.from(hashKey) };
  const ledger = new LedgerClient({ config: config.ledger, profile: data.profile });
  try {
    const wallet = await FileWallet.open(data.walletDir, {
      env: data.walletKey === undefined ? {} : { [WALLET_KEY_ENV]: data.walletKey },
    });
    const lake = await startDatalakeWithWallet(config, { wallet, ledger, logger });
    return {
      value: lake.url,
      close: async () => {
        try {
          await lake.close();
        } finally {
          ledger.close();
        }
      },
    };
  } catch (error) {
    ledger.close();
    throw error;
  }
});
