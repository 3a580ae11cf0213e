/**
 * A large download through the lake's client (client/transport.ts) gives its socket buffers back as they pass:
 * young collections as the bytes go through, about one a MiB (memory/young-collection.ts). Without them V8 acted on
 * those dead buffers only by marking the whole heap — in the data-lake benchmark's client, now and then every ~75 ms
 * for a whole 1 GiB download, freeing nothing (1.6–3.5 CPU-seconds instead of 0.3–0.5).
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Transport } from '../src/client/transport';
import { countScavenges } from './scavenges';

const MiB = 1024 * 1024;
const TOTAL = 64 * MiB;

let server: Server;
let url: string;

beforeAll(async () => {
  const block = Buffer.alloc(64 * 1024, 7);
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(TOTAL) });
    let sent = 0;
    const more = (): void => {
      while (sent < TOTAL) {
        sent += block.length;
        if (!res.write(block)) return void res.once('drain', more);
      }
      res.end();
    };
    more();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

it('a 64 MiB download through the transport is scavenged as it passes, up to once a MiB, and arrives whole', async () => {
  const scavenged = countScavenges();
  const transport = new Transport({ baseUrl: url, token: 'token', timeoutMs: 5_000 });
  let received = 0;
  try {
    const answer = await transport.send({ method: 'GET', path: '/', expect: [200] });
    for await (const chunk of answer.body) received += (chunk as Buffer).length;
  } finally {
    transport.close();
  }
  const scavenges = await scavenged();
  expect(received).toBe(TOTAL);
  // V8 alone scavenged this transfer 3 times (its young generation barely fills); with the transport's own, ~30 (one
  // a MiB at most: several socket reads can arrive before the scheduled one runs).
  expect(scavenges).toBeGreaterThanOrEqual(TOTAL / MiB / 8);
});
