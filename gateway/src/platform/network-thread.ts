/**
 * The embedded network (peer, ordering, the chaincode, the organisations' CAs) on a thread of its own
 * (service-thread.ts): the platform's clients reach it, as they reach a Fabric network, over gRPC and HTTPS.
 */
import type { Logger } from 'pino';
import type { EmbeddedNetwork, EmbeddedNetworkConfig } from '@custodia/network/embedded';
import { startServiceThread } from './service-thread';

/** What the thread reports of the network: all of it but `close`. */
export type EmbeddedNetworkFacts = Omit<EmbeddedNetwork, 'close'>;

export async function startNetworkThread(
  config: EmbeddedNetworkConfig,
  logger: Logger,
): Promise<EmbeddedNetwork & { readonly threadId: number }> {
  const thread = await startServiceThread<EmbeddedNetworkConfig, EmbeddedNetworkFacts>({
    script: 'network-thread-worker',
    data: config,
    logger,
  });
  return { ...thread.value, threadId: thread.threadId, close: () => thread.close() };
}
