/**
 * The embedded network on a worker thread of this process (network-thread.ts), as the platform runs it: the peer,
 * the orderer, the chaincode and the CAs get an event loop of their own, which can run while the platform's does, and the
 * gateway and the data lake reach them over gRPC and HTTPS as before. Measured with `scripts/bench/gateway.ts`
 * (issue #13): with the network and the S3 server on the platform's one event loop, 50 clinicians' request + record
 * ran at 34–36 requests/s, the platform using 1.3 of 2 cores; see the README for the figures with threads.
 *
 * The thread runs the compiled network (ledger/service compiledEntry); the network's own tests start it in-process
 * (network.ts).
 */
import { compiledEntry, startOnThread } from '@custodia/ledger/service';
import type { OnThread, ServiceThreadOptions } from '@custodia/ledger/service';
import type { EmbeddedNetworkConfig } from './config';
import type { EmbeddedNetwork } from './network';

/** What the thread reports once the network runs: everything of a started network but its stop. */
export type EmbeddedNetworkDescription = Omit<EmbeddedNetwork, 'close'>;

export type EmbeddedNetworkOnThread = OnThread<EmbeddedNetworkDescription>;

/** `options.onStopped`: the network's thread stopped without being closed (the network failed). */
export function startEmbeddedNetworkOnThread(
  config: EmbeddedNetworkConfig,
  options: ServiceThreadOptions = {},
): Promise<EmbeddedNetworkOnThread> {
  return startOnThread<EmbeddedNetworkDescription>(
    'the embedded network',
    compiledEntry(__filename, 'network-thread'),
    config,
    options,
  );
}
