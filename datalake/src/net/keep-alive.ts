/**
 * The agents of the lake's outgoing HTTP connections — the gateway's client of the lake (`client/transport.ts`) and a
 * worker's signed S3 read (`storage/signed-get.ts`) — defined once: connections are kept alive and reused, but never
 * one its server is about to close.
 *
 * A server closes a kept-alive connection after its own idle timeout (node's: 5 s); a client that sends its next
 * request on that connection as the server closes it gets a reset — a failed request that reached no handler (the
 * likely cause of a lone 503 DATALAKE_UNAVAILABLE on an upload in a soak: the log then named no cause). Node's agent
 * closes an idle connection a second before the timeout the server announces (`Keep-Alive: timeout=5`) only when
 * the agent has a timeout of its own that is longer; without one, it ignores the announcement and keeps the
 * connection until the server drops it.
 */
import http from 'node:http';
import https from 'node:https';

/**
 * The longest an outgoing connection stays open while idle, whatever its server announces (ms): below the idle
 * timeouts of the S3 servers the lake is used with, which announce none (Ceph RGW's beast: 65 s).
 */
export const IDLE_CONNECTION_MS = 15_000;

/** A keep-alive agent for `protocol` that closes an idle connection before its server would. */
export function keepAliveAgent(protocol: 'http:' | 'https:'): http.Agent {
  const options = { keepAlive: true, timeout: IDLE_CONNECTION_MS };
  return protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
}
