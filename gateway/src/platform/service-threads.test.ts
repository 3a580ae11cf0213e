import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { threadId } from 'node:worker_threads';
import { loadConfig } from '@custodia/datalake';
import type { ConnectionProfile } from '@custodia/ledger';
import { readEmbeddedConfig } from '@custodia/network/embedded';
import { createLogger } from '../logging';
import { startDatalakeThread } from './datalake-thread';
import { startNetworkThread } from './network-thread';

const TOKEN = 'thread-test-token-0123456789abcdef';
/** No peer: the lake has no ledger identity here, so it starts without reaching the ledger. */
const PROFILE: ConnectionProfile = {
  channelName: 'custodia',
  chaincodeName: 'custodia',
  peers: [],
  organisations: [],
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'custodia-threads-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function lakeConfig(port: number) {
  return loadConfig({
    CUSTODIA_DATALAKE_TOKEN: TOKEN,
    CUSTODIA_DATALAKE_DIR: path.join(dir, 'datalake'),
    CUSTODIA_S3_DIR: path.join(dir, 's3'),
    CUSTODIA_S3_PORT: '0',
    CUSTODIA_DATALAKE_PORT: String(port),
    CUSTODIA_ORGANISATIONS: JSON.stringify({ HospitalDEMSP: 'DE' }),
  });
}

async function networkConfig(peerPort: number) {
  const config = await readEmbeddedConfig({ CUSTODIA_NETWORK_DIR: path.join(dir, 'network') });
  return {
    ...config,
    peerPort,
    organisations: config.organisations.map((organisation) => ({ ...organisation, caPort: 0 })),
  };
}

function capturedLogger(service: string): { lines: string[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, logger: createLogger({ name: 'custodia-test', level: 'info' }, sink).child({ service }) };
}

/** Whether something accepts TCP connections at host:port. */
const listening = (endpoint: string): Promise<boolean> =>
  new Promise((resolve) => {
    const [host, port] = endpoint.split(':');
    const socket = connect(Number(port), host ?? '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

async function takenPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

describe('the data lake on a thread of its own', () => {
  it('serves from another thread, logs through the platform logger, and stops when closed', async () => {
    const { lines, logger } = capturedLogger('datalake');
    const lake = await startDatalakeThread({
      config: lakeConfig(0),
      walletDir: path.join(dir, 'wallet'),
      env: {},
      profile: PROFILE,
      logger,
    });
    try {
      expect(lake.threadId).not.toBe(threadId);
      const health = await fetch(`${lake.url}/v1/health`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(health.status).toBe(200);
      // Its lines reached this thread's destination, with the logger's name and bindings.
      const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(parsed.length).toBeGreaterThan(0);
      for (const line of parsed) expect(line).toMatchObject({ name: 'custodia-test', service: 'datalake' });
    } finally {
      await lake.close();
    }
    await expect(fetch(`${lake.url}/v1/health`)).rejects.toThrow();
    // A second close is harmless.
    await lake.close();
  });

  it("fails the platform's start with the lake's own error when the lake cannot start", async () => {
    const { server, port } = await takenPort();
    try {
      await expect(
        startDatalakeThread({
          config: lakeConfig(port),
          walletDir: path.join(dir, 'wallet'),
          env: {},
          profile: PROFILE,
          logger: capturedLogger('datalake').logger,
        }),
      ).rejects.toThrow(/EADDRINUSE|in use/);
    } finally {
      server.close();
    }
  });
});

describe('the embedded network on a thread of its own', () => {
  it('serves its peer and CAs from another thread and reports what clients need; close stops them', async () => {
    const { lines, logger } = capturedLogger('network');
    const network = await startNetworkThread(await networkConfig(0), logger);
    try {
      expect(network.threadId).not.toBe(threadId);
      expect(network.profile.peers.map((peer) => peer.endpoint)).toEqual([network.endpoint]);
      expect(network.organisations.map((organisation) => organisation.mspId)).toEqual([
        'HospitalDEMSP',
        'HospitalFRMSP',
        'HospitalITMSP',
      ]);
      expect(network.tlsCaCertificate).toContain('BEGIN CERTIFICATE');
      expect(await listening(network.endpoint)).toBe(true);
      // A CA answers its REST API (over TLS, from the network's TLS CA).
      const ca = network.organisations[0];
      expect(await listening(new URL(ca?.caUrl ?? '').host)).toBe(true);
      for (const line of lines) expect(JSON.parse(line)).toMatchObject({ service: 'network' });
    } finally {
      await network.close();
    }
    expect(await listening(network.endpoint)).toBe(false);
  });

  it('fails the start when its peer cannot listen', async () => {
    const { server, port } = await takenPort();
    try {
      await expect(
        startNetworkThread(await networkConfig(port), capturedLogger('network').logger),
      ).rejects.toThrow(/EADDRINUSE/);
    } finally {
      server.close();
    }
  });
});
