/**
 * connect() from configuration as other packages use it: CUSTODIA_NETWORK=fabric with a connection file listing
 * several peers, failing over past unreachable ones, and a typed error when none answers.
 */
import { connect as tcpConnect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { connect, LedgerClientError, LedgerClientErrorCode, readLedgerClientConfig } from '@custodia/ledger';
import type { Identity } from '@custodia/ledger';
import {
  itEmbeddedOnly,
  json,
  ORG_DE,
  permitClinicians,
  pseudonym,
  startTestNetwork,
} from './fixtures/test-network';
import type { TestNetwork } from './fixtures/test-network';

let net: TestNetwork;
let identity: Identity;
let dir: string;

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

/** A TCP relay to the peer that can be taken down, as a peer whose host goes offline mid-session. */
async function relayTo(endpoint: string): Promise<{ endpoint: string; down(): Promise<void> }> {
  const [host, port] = endpoint.split(':');
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = tcpConnect(Number(port), host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return {
    endpoint: `127.0.0.1:${address.port}`,
    down: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A Fabric connection file with the TLS CA in a separate file, as an operator would write it. */
function connectionFile(endpoints: string[]): string {
  const [peer] = net.profile.peers;
  if (!peer) throw new Error('no peer');
  writeFileSync(join(dir, 'tls-ca.pem'), peer.tlsCaCertificate);
  const path = join(dir, `connection-${endpoints.length}-${Date.now()}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      channelName: net.profile.channelName,
      chaincodeName: net.profile.chaincodeName,
      peers: endpoints.map((endpoint) => ({
        endpoint,
        mspId: ORG_DE,
        tlsCaCertificateFile: 'tls-ca.pem',
        hostnameOverride: peer.hostnameOverride,
      })),
    }),
  );
  return path;
}

beforeAll(async () => {
  net = await startTestNetwork();
  identity = await net.enrolPatient(ORG_DE, pseudonym('a'));
  dir = mkdtempSync(join(tmpdir(), 'custodia-client-'));
}, 120_000);

afterAll(async () => {
  await net.destroy();
  rmSync(dir, { recursive: true, force: true });
});

it('fails over to the next peer of a Fabric connection file when the first is unreachable', async () => {
  const down = `127.0.0.1:${await closedPort()}`;
  const config = readLedgerClientConfig({
    CUSTODIA_NETWORK: 'fabric',
    CUSTODIA_CONNECTION_FILE: connectionFile([down, net.endpoint]),
  });
  expect(config.network).toBe('fabric');
  const connection = await connect({ identity, config });
  try {
    const result = await connection.submit('rules:createRule', { arguments: [permitClinicians()] });
    const { ruleId } = json<{ ruleId: string }>(result.payload);
    expect(json(await connection.evaluate('rules:getRule', { arguments: [ruleId] }))).toMatchObject({
      ruleId,
    });
  } finally {
    connection.close();
  }
});

it('moves to the next peer when the one in use goes down mid-session, losing no committed transaction', async () => {
  const relay = await relayTo(net.endpoint);
  const config = readLedgerClientConfig({
    CUSTODIA_NETWORK: 'fabric',
    CUSTODIA_CONNECTION_FILE: connectionFile([relay.endpoint, net.endpoint]),
  });
  const connection = await connect({ identity, config });
  try {
    const before = await connection.submit('rules:createRule', { arguments: [permitClinicians()] });
    await relay.down();
    const after = await connection.submit('rules:createRule', { arguments: [permitClinicians()] });
    expect(after.blockNumber).toBeGreaterThan(before.blockNumber);
    const { ruleId } = json<{ ruleId: string }>(before.payload);
    expect(json(await connection.evaluate('rules:getRule', { arguments: [ruleId] }))).toMatchObject({
      ruleId,
    });
  } finally {
    connection.close();
    // Also when the test failed before taking it down (closing twice is harmless).
    await relay.down();
  }
});

it('raises LEDGER_UNAVAILABLE when no peer of the file answers', async () => {
  const config = readLedgerClientConfig({
    CUSTODIA_NETWORK: 'fabric',
    CUSTODIA_CONNECTION_FILE: connectionFile([
      `127.0.0.1:${await closedPort()}`,
      `127.0.0.1:${await closedPort()}`,
    ]),
  });
  const connection = await connect({ identity, config });
  try {
    const error: unknown = await connection
      .evaluate('rules:listMyRules', { arguments: ['10', ''] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LedgerClientError);
    expect((error as LedgerClientError).code).toBe(LedgerClientErrorCode.Unavailable);
  } finally {
    connection.close();
  }
});

itEmbeddedOnly('reads the embedded network’s own profile from its data directory by default', async () => {
  const dataDir = dirname(net.profilePath);
  const config = readLedgerClientConfig({ CUSTODIA_NETWORK_DIR: dataDir });
  expect(config).toMatchObject({ network: 'embedded', profilePath: join(dataDir, 'connection.json') });
  const connection = await connect({ identity, config });
  try {
    expect(json(await connection.evaluate('rules:listMyRules', { arguments: ['10', ''] }))).toHaveProperty(
      'items',
    );
  } finally {
    connection.close();
  }
});
