/** /readyz: can the gateway reach what its routes need — a ledger peer and the data lake? */
import { connect as tcpConnect } from 'node:net';
import type { PeerEndpoint } from '@custodia/ledger';

/** True when one of the peers accepts a TCP connection within `timeoutMs` (TLS and gRPC come later, per call). */
export async function anyPeerReachable(peers: readonly PeerEndpoint[], timeoutMs = 1_000): Promise<boolean> {
  for (const peer of peers) {
    const separator = peer.endpoint.lastIndexOf(':');
    const host = peer.endpoint.slice(0, separator).replace(/^\[|\]$/g, '');
    const port = Number(peer.endpoint.slice(separator + 1));
    const reachable = await new Promise<boolean>((resolve) => {
      const socket = tcpConnect({ host, port });
      const done = (result: boolean): void => {
        socket.destroy();
        resolve(result);
      };
      socket.setTimeout(timeoutMs, () => done(false));
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
    });
    if (reachable) return true;
  }
  return false;
}
