/**
 * The data lake on a thread of its own (service-thread.ts): it opens the wallet again and has its own ledger client
 * (one gRPC channel per peer, as a separate service would); the gateway reaches it, as it reaches a remote lake,
 * over HTTP.
 */
import type { Logger } from 'pino';
import { DatalakeError, isDatalakeErrorCode } from '@custodia/datalake';
import type { DatalakeConfig } from '@custodia/datalake';
import { WALLET_KEY_ENV } from '@custodia/ledger';
import type { ConnectionProfile } from '@custodia/ledger';
import { startServiceThread } from './service-thread';

/** What the thread starts from (structured-cloned: Buffers arrive as Uint8Arrays). */
export interface DatalakeThreadData {
  readonly config: DatalakeConfig;
  readonly walletDir: string;
  /** The wallet key, when the environment gives it (otherwise the wallet's key file). */
  readonly walletKey?: string;
  /** The peers the lake's ledger client reaches (fault tests put relays in front of them). */
  readonly profile: ConnectionProfile;
}

export interface DatalakeThreadOptions {
  readonly config: DatalakeConfig;
  readonly walletDir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly profile: ConnectionProfile;
  readonly logger: Logger;
}

export interface DatalakeThread {
  readonly url: string;
  /** The lake's thread (worker_threads' id; the platform's own is 0). */
  readonly threadId: number;
  /** Stops the lake (its sweeps, listener, servers), then the thread. */
  close(): Promise<void>;
}

export async function startDatalakeThread(options: DatalakeThreadOptions): Promise<DatalakeThread> {
  const walletKey = options.env[WALLET_KEY_ENV];
  const thread = await startServiceThread<DatalakeThreadData, string>({
    script: 'datalake-thread-worker',
    data: {
      config: options.config,
      walletDir: options.walletDir,
      ...(walletKey === undefined ? {} : { walletKey }),
      profile: options.profile,
    },
    logger: options.logger,
    failure: ({ name, code, message }) =>
      name === 'DatalakeError' && isDatalakeErrorCode(code) ? new DatalakeError(code, message) : undefined,
  });
  return { url: thread.value, threadId: thread.threadId, close: () => thread.close() };
}
