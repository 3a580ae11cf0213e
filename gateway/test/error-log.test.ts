/**
 * What the gateway logs of a request that failed on its side (errorHandler): the code, the error's name, and the
 * system error under it when there is one (ECONNRESET says a kept-alive connection was reset) — never a message,
 * which may quote stored values.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import pino from 'pino';
import { DatalakeError } from '@custodia/datalake';
import { errorHandler } from '../src/http/problem';

let server: Server;
let base: string;
const logged: Record<string, unknown>[] = [];

/** A failure of the lake's transport as it arrives: the socket's error (with the message node gives it) under it. */
function reset(message: string): DatalakeError {
  const socketError = Object.assign(new Error(message), { code: 'ECONNRESET' });
  return new DatalakeError(
    'DATALAKE_UNAVAILABLE',
    'the data lake is unavailable',
    { cause: 'ECONNRESET' },
    socketError,
  );
}

beforeAll(async () => {
  const app = express();
  app.get('/reset', () => {
    throw reset('read ECONNRESET');
  });
  app.get('/quoted', () => {
    throw new DatalakeError(
      'INTERNAL',
      'the data lake answered unexpectedly',
      {},
      new Error('patient Anna Muster'),
    );
  });
  // A lower layer's error whose `code` carries a stored value instead of a system error code.
  app.get('/coded-value', () => {
    const odd = Object.assign(new Error('failed'), { code: 'Anna Muster' });
    throw new DatalakeError('DATALAKE_UNAVAILABLE', 'the data lake is unavailable', {}, odd);
  });
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logged.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  app.use(errorHandler(pino({ level: 'error' }, sink)));
  await new Promise<void>((resolve) => {
    server = app.listen(0, '127.0.0.1', () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  logged.length = 0;
});

it('logs the system error code under a failure', async () => {
  expect((await fetch(`${base}/reset`)).status).toBe(503);
  expect(logged).toEqual([
    expect.objectContaining({
      msg: 'request failed',
      code: 'DATALAKE_UNAVAILABLE',
      err: 'DatalakeError',
      cause: 'ECONNRESET',
    }),
  ]);
});

it('logs no message of a lower layer, and no cause that is not a system error code', async () => {
  expect((await fetch(`${base}/quoted`)).status).toBe(500);
  expect(logged).toHaveLength(1);
  expect(logged[0]).not.toHaveProperty('cause');
  expect(JSON.stringify(logged)).not.toContain('Anna');
});

it('logs no code under a failure that is not shaped as a system error code', async () => {
  expect((await fetch(`${base}/coded-value`)).status).toBe(503);
  expect(logged).toHaveLength(1);
  expect(logged[0]).not.toHaveProperty('cause');
  expect(JSON.stringify(logged)).not.toContain('Anna');
});
