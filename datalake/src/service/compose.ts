/**
 * The production wiring of the lake: the ledger through `FabricLedgerPort`, signing as each acting user with the
 * enrolment the gateway keeps in the shared wallet, the lake's own admin identity from the configuration, and
 * revocations followed on the chaincode events. `main.ts` and a composition root starting the whole platform in
 * one process both use it.
 */
import { LedgerClient } from '@custodia/ledger';
import type { Wallet } from '@custodia/ledger';
import { DatalakeError } from '../errors';
import { FabricLedgerPort } from '../ledger/fabric-port';
import { WalletIdentities } from '../ledger/identity';
import type { DatalakeConfig } from './config';
import { startDatalake } from './server';
import type { DatalakeDeps, RunningDatalake } from './server';

export interface WalletDatalakeDeps extends Pick<DatalakeDeps, 'logger' | 'keys' | 'now'> {
  readonly wallet: Wallet;
  /**
   * The ledger client to call through, shared with the rest of the process (the platform's one pool); the lake
   * does not close it. Default: a client of its own on `config.ledger`, closed with the lake.
   */
  readonly ledger?: LedgerClient;
}

/** Starts the lake on the ledger of `config.ledger`; its `close` also closes a ledger client it opened. */
export async function startDatalakeWithWallet(
  config: DatalakeConfig,
  deps: WalletDatalakeDeps,
): Promise<RunningDatalake> {
  const actor = config.serviceActor;
  // Fail at start, not at the first assembly, when the lake's own enrolment is missing.
  if (actor !== undefined && (await deps.wallet.get(actor.mspId, actor.id)) === undefined)
    throw new DatalakeError(
      'INVALID_INPUT',
      'CUSTODIA_DATALAKE_IDENTITY names no identity in the wallet (enrol the lake first)',
    );
  const client = deps.ledger ?? new LedgerClient({ config: config.ledger });
  const release = (): void => {
    if (deps.ledger === undefined) client.close();
  };
  const ledger = new FabricLedgerPort({ identities: new WalletIdentities(deps.wallet), client });
  try {
    const running = await startDatalake(config, {
      ledger,
      events: ledger,
      ...(deps.logger === undefined ? {} : { logger: deps.logger }),
      ...(deps.keys === undefined ? {} : { keys: deps.keys }),
      ...(deps.now === undefined ? {} : { now: deps.now }),
    });
    return {
      ...running,
      close: async () => {
        await running.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}
