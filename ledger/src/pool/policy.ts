/**
 * The one connection policy of every Custodia ledger client: how a peer's channel is opened, how long each call may
 * take, and which failures move a call on to the next peer of the profile. Keepalive and hung-peer detection
 * belong here too, so every identity and every service gets them at once.
 */
import * as grpc from '@grpc/grpc-js';
import { GatewayError } from '@hyperledger/fabric-gateway';
import type { CallOptions } from '@grpc/grpc-js';
import type { LedgerClientConfig } from '../client/config';
import type { PeerEndpoint } from '../client/profile';

/** A peer that cannot be reached answers UNAVAILABLE (connection refused, reset, TLS failure): try the next. */
export function isUnavailable(error: unknown): boolean {
  return error instanceof GatewayError && error.code === grpc.status.UNAVAILABLE;
}

/** The TLS gRPC channel to one peer, shared by every identity that calls it. */
export function openPeerChannel(peer: PeerEndpoint): grpc.Client {
  const credentials = grpc.credentials.createSsl(Buffer.from(peer.tlsCaCertificate));
  const options: grpc.ClientOptions = peer.hostnameOverride
    ? {
        'grpc.ssl_target_name_override': peer.hostnameOverride,
        'grpc.default_authority': peer.hostnameOverride,
      }
    : {};
  return new grpc.Client(peer.endpoint, credentials, options);
}

function deadline(milliseconds: number): () => CallOptions {
  return () => ({ deadline: Date.now() + milliseconds });
}

/** Deadlines per gateway call, from the configuration (as fabric-samples sets them). */
export function callDeadlines(timeouts: LedgerClientConfig['timeouts']): {
  readonly evaluateOptions: () => CallOptions;
  readonly endorseOptions: () => CallOptions;
  readonly submitOptions: () => CallOptions;
  readonly commitStatusOptions: () => CallOptions;
} {
  return {
    evaluateOptions: deadline(timeouts.evaluate),
    endorseOptions: deadline(timeouts.endorse),
    submitOptions: deadline(timeouts.submit),
    commitStatusOptions: deadline(timeouts.commitStatus),
  };
}
