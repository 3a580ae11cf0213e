import * as grpc from '@grpc/grpc-js';
import { connect as connectGateway, GatewayError } from '@hyperledger/fabric-gateway';
import type { ConnectOptions, Gateway } from '@hyperledger/fabric-gateway';
import type { PeerEndpoint } from './profile';

/** One open gateway connection to one peer. */
interface ActivePeer {
  readonly index: number;
  readonly client: grpc.Client;
  readonly gateway: Gateway;
}

export type GatewayOptions = Omit<ConnectOptions, 'client'>;

/** A peer that cannot be reached answers UNAVAILABLE (connection refused, reset, TLS failure). */
export function isUnavailable(error: unknown): boolean {
  return error instanceof GatewayError && error.code === grpc.status.UNAVAILABLE;
}

function newGrpcClient(peer: PeerEndpoint): grpc.Client {
  const credentials = grpc.credentials.createSsl(Buffer.from(peer.tlsCaCertificate));
  const options: grpc.ClientOptions = peer.hostnameOverride
    ? {
        'grpc.ssl_target_name_override': peer.hostnameOverride,
        'grpc.default_authority': peer.hostnameOverride,
      }
    : {};
  return new grpc.Client(peer.endpoint, credentials, options);
}

/**
 * The peers of a connection profile, used one at a time in profile order. An operation that finds its peer
 * unreachable is retried on the next one, so one organisation's node going down does not stop the client.
 */
export class PeerPool {
  private active: ActivePeer | undefined;
  private next = 0;
  private closed = false;

  constructor(
    private readonly peers: readonly PeerEndpoint[],
    private readonly options: GatewayOptions,
  ) {}

  /** The gateway of the peer currently in use (opened on first use). */
  current(): Gateway {
    return this.activePeer().gateway;
  }

  /** Runs `operation` against the current peer, moving on to the next peer while peers are unreachable. */
  async use<T>(operation: (gateway: Gateway) => Promise<T>): Promise<T> {
    let lastError: unknown;
    for (let attempt = 0; attempt < this.peers.length; attempt += 1) {
      const peer = this.activePeer();
      try {
        return await operation(peer.gateway);
      } catch (error) {
        if (!isUnavailable(error)) throw error;
        lastError = error;
        this.drop(peer);
      }
    }
    throw lastError;
  }

  close(): void {
    this.closed = true;
    if (this.active) this.drop(this.active);
  }

  private activePeer(): ActivePeer {
    if (this.closed) throw new Error('ledger connection is closed');
    if (!this.active) {
      const index = this.next % this.peers.length;
      const endpoint = this.peers[index];
      if (!endpoint) throw new Error('connection profile lists no peer');
      const client = newGrpcClient(endpoint);
      this.active = { index, client, gateway: connectGateway({ ...this.options, client }) };
    }
    return this.active;
  }

  private drop(peer: ActivePeer): void {
    if (this.active !== peer) return;
    this.active = undefined;
    this.next = peer.index + 1;
    peer.gateway.close();
    peer.client.close();
  }
}
