/**
 * The lake's outgoing connections (net/keep-alive.ts) against a real HTTP server that closes idle connections after
 * 2 s and says so (`Keep-Alive: timeout=2`): a connection is reused while the server keeps it, and not once it is
 * within a second of the server closing it — reusing it then is how a request meets the server's close and fails
 * with a reset (a 503 under steady load). Both users of the agents: the gateway's transport to the lake and a
 * worker's signed S3 GET.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Transport } from '../src/client/transport';
import { sendSignedGet } from '../src/storage/signed-get';

const SERVER_IDLE_MS = 2_000;

let server: Server;
let url: string;
/** The client port of each request the server answered, in order: one port per connection. */
const ports: number[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    ports.push(req.socket.remotePort ?? -1);
    res.end('ok');
  });
  server.keepAliveTimeout = SERVER_IDLE_MS;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  ports.length = 0;
});

/** Three requests: two back to back, the third after 1.3 s idle (the server would still hold the connection 0.7 s). */
async function threeRequests(send: () => Promise<void>): Promise<void> {
  await send();
  await send();
  await sleep(1_300);
  await send();
}

it("the transport to the lake reuses a connection, but not within a second of the server's idle timeout", async () => {
  const transport = new Transport({ baseUrl: url, token: 'token', timeoutMs: 5_000 });
  try {
    await threeRequests(async () => {
      const answer = await transport.send({ method: 'GET', path: '/', expect: [200] });
      answer.body.resume();
      await new Promise((resolve) => answer.body.once('end', resolve));
    });
  } finally {
    transport.close();
  }
  expect(ports).toHaveLength(3);
  expect(ports[1]).toBe(ports[0]);
  expect(ports[2]).not.toBe(ports[1]);
});

it("a signed GET reuses a connection, but not within a second of the server's idle timeout", async () => {
  await threeRequests(async () => {
    const response = await sendSignedGet({ url: `${url}/bucket/key`, headers: {} });
    response.resume();
    await new Promise((resolve) => response.once('end', resolve));
  });
  expect(ports).toHaveLength(3);
  expect(ports[1]).toBe(ports[0]);
  expect(ports[2]).not.toBe(ports[1]);
});
