/**
 * The one connection policy of every Custodia ledger client — evaluate, endorse, submit, commit status, event
 * streams and qscc alike: how a peer's channel is opened (TLS, keepalive, idle close), how long each call may take,
 * how a call is cancelled when its peer is found hung, and how a peer is asked whether it still answers.
 * The numbers, and why each has its value, are in the package README ("The fail-over policy").
 */
import * as grpc from '@grpc/grpc-js';
import { GatewayError } from '@hyperledger/fabric-gateway';
import type { Gateway } from '@hyperledger/fabric-gateway';
import type { CallOptions } from '@grpc/grpc-js';
import type { LedgerClientConfig } from '../client/config';
import type { PeerEndpoint } from '../client/profile';
import type { CallStep } from './failure-cause';
import type { HealthTiming, Prober } from './health';

/** Event streams may stay silent for long: their peer is probed after this many probe intervals of silence. */
const STREAM_PROBE_FACTOR = 5;

/** Fabric peers accept messages up to 100 MiB (core.yaml peer.maxRecvMsgSize / maxSendMsgSize). */
const MAX_MESSAGE_BYTES = 100 * 1024 * 1024;

export function healthTiming(failover: LedgerClientConfig['failover']): HealthTiming {
  return {
    probeAfter: failover.probeAfter,
    streamProbeAfter: failover.probeAfter * STREAM_PROBE_FACTOR,
    probeTimeout: failover.probeTimeout,
  };
}

/**
 * gRPC options of every channel to a peer: keepalive pings no more often than the peer's enforcement allows
 * (Fabric: peer.keepalive.minInterval 60 s, permitWithoutStream true — a client that pings faster is sent GOAWAY),
 * pings also while no call is open (so a silent event stream's dead connection is found), and the connection
 * closed after `channelIdle` without calls (grpc-js reconnects on the next call).
 */
export function channelOptions(
  peer: PeerEndpoint,
  failover: LedgerClientConfig['failover'],
): grpc.ChannelOptions {
  return {
    'grpc.keepalive_time_ms': failover.keepalive,
    'grpc.keepalive_timeout_ms': failover.keepaliveTimeout,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.client_idle_timeout_ms': failover.channelIdle,
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    ...(peer.hostnameOverride
      ? {
          'grpc.ssl_target_name_override': peer.hostnameOverride,
          'grpc.default_authority': peer.hostnameOverride,
        }
      : {}),
  };
}

/** The TLS gRPC channel to one peer, shared by every identity that calls it. */
export function openPeerChannel(peer: PeerEndpoint, failover: LedgerClientConfig['failover']): grpc.Client {
  const credentials = grpc.credentials.createSsl(Buffer.from(peer.tlsCaCertificate));
  return new grpc.Client(peer.endpoint, credentials, channelOptions(peer, failover));
}

/** The deadline of each step (events: none — a stream lives until closed or its peer fails). */
export function stepDeadline(step: CallStep, timeouts: LedgerClientConfig['timeouts']): number | undefined {
  switch (step) {
    case 'evaluate':
      return timeouts.evaluate;
    case 'endorse':
      return timeouts.endorse;
    case 'submit':
      return timeouts.submit;
    case 'commitStatus':
      return timeouts.commitStatus;
    case 'events':
      return undefined;
  }
}

/**
 * Options of one call: its step's deadline, and an interceptor that cancels the call when `signal` aborts (its
 * peer was found hung), so the call ends at once instead of at its deadline.
 */
export function callOptions(deadlineMs: number | undefined, signal: AbortSignal): CallOptions {
  const cancelOnAbort: grpc.Interceptor = (options, nextCall) => {
    const call = new grpc.InterceptingCall(nextCall(options));
    const cancel = (): void =>
      call.cancelWithStatus(grpc.status.CANCELLED, 'the peer did not answer a probe');
    if (signal.aborted) queueMicrotask(cancel);
    else signal.addEventListener('abort', cancel, { once: true });
    return call;
  };
  return {
    ...(deadlineMs === undefined ? {} : { deadline: Date.now() + deadlineMs }),
    interceptors: [cancelOnAbort],
  };
}

/** Failures that mean the peer itself did not answer the probe. */
const NO_ANSWER: ReadonlySet<number> = new Set([
  grpc.status.UNAVAILABLE,
  grpc.status.DEADLINE_EXCEEDED,
  grpc.status.CANCELLED,
]);

/**
 * The probe: qscc GetChainInfo on `channelName` signed by whoever's gateway this is — the cheapest question a
 * Fabric peer answers from its own ledger (the same one the gateway's readiness check asks). Any answer, even a
 * refusal, proves the peer is alive.
 */
export function chainInfoProber(gateway: Gateway, channelName: string): Prober {
  return async (timeoutMs) => {
    try {
      await gateway
        .getNetwork(channelName)
        .getContract('qscc')
        .newProposal('GetChainInfo', { arguments: [channelName] })
        .evaluate({ deadline: Date.now() + timeoutMs });
      return true;
    } catch (error) {
      return !(error instanceof GatewayError && NO_ANSWER.has(error.code));
    }
  };
}
