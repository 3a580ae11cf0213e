/**
 * The pool against real gRPC servers on loopback (no services: every call answers UNIMPLEMENTED, which the client
 * reports as a refusal — enough to see where calls go), each behind a TCP relay that counts the connections made.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import type { Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { testIdentity } from '../../test/fixtures/identity';
import { readLedgerClientConfig } from '../client/config';
import type { LedgerClientConfig } from '../client/config';
import { LedgerClientError, LedgerClientErrorCode } from '../client/errors';
import type { ConnectionProfile, PeerEndpoint } from '../client/profile';
import { LedgerClient } from '../facade/client';
import type { Identity } from '../msp/identity';

interface Peer {
  readonly endpoint: string;
  /** TCP connections the relay accepted. */
  connections(): number;
  down(): Promise<void>;
}

const stops: (() => Promise<void>)[] = [];

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/** A gRPC server with no services, behind a relay that can be taken down. */
async function startPeer(): Promise<Peer> {
  const grpcServer = new grpc.Server();
  const grpcPort = await new Promise<number>((resolve, reject) =>
    grpcServer.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) =>
      error ? reject(error) : resolve(port),
    ),
  );
  let accepted = 0;
  const sockets = new Set<Socket>();
  const relay = createServer((client) => {
    accepted += 1;
    const upstream = tcpConnect(grpcPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  const port = await listen(relay);
  let running = true;
  const down = async (): Promise<void> => {
    if (!running) return;
    running = false;
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => relay.close(() => resolve()));
    grpcServer.forceShutdown();
  };
  stops.push(down);
  return { endpoint: `127.0.0.1:${port}`, connections: () => accepted, down };
}

function profileOf(peers: readonly Peer[]): ConnectionProfile {
  return {
    channelName: 'custodia',
    chaincodeName: 'custodia',
    // Any certificate: the test servers are plaintext (see `counting`); a profile file must still carry one.
    peers: peers.map((peer) => ({
      endpoint: peer.endpoint,
      mspId: 'Org1MSP',
      tlsCaCertificate: (identities[0] as Identity).certificate,
    })),
    organisations: [],
  };
}

function config(pool: LedgerClientConfig['pool'], profilePath = 'unused'): LedgerClientConfig {
  return { ...readLedgerClientConfig({}), network: 'fabric', profilePath, pool };
}

/** Channels opened, counted; plaintext to the test servers (the policy's TLS channel is for real peers). */
function counting(): { opened: PeerEndpoint[]; open: (peer: PeerEndpoint) => grpc.Client } {
  const opened: PeerEndpoint[] = [];
  return {
    opened,
    open: (peer) => {
      opened.push(peer);
      return new grpc.Client(peer.endpoint, grpc.credentials.createInsecure());
    },
  };
}

/** A read as `identity`: the test servers refuse it (UNIMPLEMENTED), which proves it reached a peer. */
async function refusal(client: LedgerClient, identity: Identity): Promise<string> {
  const error: unknown = await client
    .as(identity)
    .rules.get('rule-1')
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  if (!(error instanceof LedgerClientError)) throw new Error(`unexpected ${String(error)}`);
  return error.code;
}

let identities: Identity[];

beforeAll(async () => {
  identities = await Promise.all(Array.from({ length: 200 }, (_, i) => testIdentity('Org1MSP', `user-${i}`)));
});

afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

it('carries 200 identities over one channel to the peer in use: one TCP connection, one gateway each', async () => {
  const [first, second] = [await startPeer(), await startPeer()];
  const channels = counting();
  const client = new LedgerClient({
    config: config({ maxIdentities: 500, idleMs: 60_000 }),
    profile: profileOf([first, second]),
    openChannel: channels.open,
  });
  try {
    const codes = await Promise.all(identities.map((identity) => refusal(client, identity)));
    expect(new Set(codes)).toEqual(new Set([LedgerClientErrorCode.Rejected]));
    expect(channels.opened.map((peer) => peer.endpoint)).toEqual([first.endpoint]);
    expect(first.connections()).toBe(1);
    expect(second.connections()).toBe(0);
    expect(await client.stats()).toEqual({ channels: 1, identities: 200 });
  } finally {
    client.close();
  }
});

it('keeps at most the configured number of identities, over the one channel', async () => {
  const peer = await startPeer();
  const client = new LedgerClient({
    config: config({ maxIdentities: 50, idleMs: 600_000 }),
    profile: profileOf([peer]),
    openChannel: counting().open,
  });
  try {
    for (const identity of identities) await refusal(client, identity);
    expect(await client.stats()).toEqual({ channels: 1, identities: 50 });
    expect(peer.connections()).toBe(1);
  } finally {
    client.close();
  }
});

it('drops identities left idle while the channel stays for the others', async () => {
  const peer = await startPeer();
  const channels = counting();
  const client = new LedgerClient({
    config: config({ maxIdentities: 50, idleMs: 300 }),
    profile: profileOf([peer]),
    openChannel: channels.open,
  });
  try {
    await Promise.all(identities.slice(0, 20).map((identity) => refusal(client, identity)));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await client.stats()).toEqual({ channels: 1, identities: 0 });
    // An identity dropped for idleness signs again on its next call, over the same connection.
    expect(await refusal(client, identities[0] as Identity)).toBe(LedgerClientErrorCode.Rejected);
    expect(await client.stats()).toEqual({ channels: 1, identities: 1 });
    expect(peer.connections()).toBe(1);
    expect(channels.opened).toHaveLength(1);
  } finally {
    client.close();
  }
});

it('moves every identity to the next peer once one caller finds the peer in use down', async () => {
  const [first, second] = [await startPeer(), await startPeer()];
  const client = new LedgerClient({
    config: config({ maxIdentities: 500, idleMs: 60_000 }),
    profile: profileOf([first, second]),
    openChannel: counting().open,
  });
  try {
    await refusal(client, identities[0] as Identity);
    await first.down();
    // The first caller after the outage finds it and is answered by the second peer.
    expect(await refusal(client, identities[1] as Identity)).toBe(LedgerClientErrorCode.Rejected);
    for (const identity of identities.slice(2, 52)) await refusal(client, identity);
    expect(first.connections()).toBe(1);
    expect(second.connections()).toBe(1);
  } finally {
    client.close();
  }
});

it('reads a connection file again when none of its peers answers: the call that finds them gone reaches the moved ones', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'custodia-pool-'));
  const [old, moved] = [await startPeer(), await startPeer()];
  const path = join(dir, 'connection.json');
  const write = (peer: Peer) => writeFileSync(path, JSON.stringify(profileOf([peer])));
  write(old);
  const client = new LedgerClient({
    config: config({ maxIdentities: 10, idleMs: 60_000 }, path),
    openChannel: counting().open,
  });
  try {
    const identity = identities[0] as Identity;
    expect(await refusal(client, identity)).toBe(LedgerClientErrorCode.Rejected);
    await old.down();
    write(moved);
    expect(await refusal(client, identity)).toBe(LedgerClientErrorCode.Rejected);
    expect(moved.connections()).toBe(1);
    // Gone too, and the file names nothing else: the ledger is unavailable.
    await moved.down();
    expect(await refusal(client, identity)).toBe(LedgerClientErrorCode.Unavailable);
  } finally {
    client.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

it('loads an identity once for concurrent first calls, and again only after it is forgotten', async () => {
  const peer = await startPeer();
  const client = new LedgerClient({
    config: config({ maxIdentities: 10, idleMs: 60_000 }),
    profile: profileOf([peer]),
    openChannel: counting().open,
  });
  let loads = 0;
  const user = {
    key: 'Org1MSP/alice',
    load: async () => {
      loads += 1;
      return identities[0] as Identity;
    },
  };
  try {
    await Promise.all(Array.from({ length: 5 }, () => refusalAs(client, user)));
    expect(loads).toBe(1);
    client.forget(user);
    await refusalAs(client, user);
    expect(loads).toBe(2);
  } finally {
    client.close();
  }
});

it('keeps two certificates of one organisation apart, and refuses calls once closed', async () => {
  const peer = await startPeer();
  const client = new LedgerClient({
    config: config({ maxIdentities: 10, idleMs: 60_000 }),
    profile: profileOf([peer]),
    openChannel: counting().open,
  });
  await refusal(client, identities[0] as Identity);
  await refusal(client, identities[1] as Identity);
  expect((await client.stats()).identities).toBe(2);
  client.close();
  expect(await refusal(client, identities[0] as Identity)).toBe(LedgerClientErrorCode.Closed);
});

async function refusalAs(
  client: LedgerClient,
  signer: { key: string; load(): Promise<Identity> },
): Promise<void> {
  await expect(client.as(signer).rules.get('rule-1')).rejects.toBeInstanceOf(LedgerClientError);
}
