/**
 * A long operation answered as NDJSON progress, over a real HTTP server: the reader sees progress as it happens,
 * then the result; a failure after the first line is told in the stream and ends it cleanly; a failure before
 * is an ordinary problem+json answer.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import pino from 'pino';
import { GatewayError } from '../src/errors';
import { errorHandler } from '../src/http/problem';
import { streamProgress } from '../src/http/progress-stream';

let server: Server;
let base: string;
/** The clock the stream's throttle reads: each test moves it. */
let clock = 0;

beforeAll(async () => {
  const app = express();
  app.get('/ok', (_req, res, next) => {
    streamProgress<{ done: number }, string>(
      res,
      async (progress) => {
        for (let done = 0; done <= 4; done++) {
          clock += 100;
          progress({ done }, done === 4);
        }
        return 'finished';
      },
      () => clock,
    ).catch(next);
  });
  app.get('/late-failure', (_req, res, next) => {
    streamProgress(res, async (progress) => {
      progress({ done: 0 });
      throw new GatewayError('VALIDATION_FAILED', 'block 3 is not readable');
    }).catch(next);
  });
  app.get('/early-failure', (_req, res, next) => {
    streamProgress(res, async () => {
      throw new GatewayError('NOT_FOUND', 'nothing to replay');
    }).catch(next);
  });
  app.use(errorHandler(pino({ level: 'silent' })));
  await new Promise<void>((resolve) => {
    server = app.listen(0, '127.0.0.1', () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function lines(response: Response): Promise<Record<string, unknown>[]> {
  return (await response.text())
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('streamProgress', () => {
  it('sends progress lines, at most one per interval but always the first and last, then the result', async () => {
    const response = await fetch(`${base}/ok`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    // Ticks 100 ms apart: 0 is first, 1 and 2 fall inside the 250 ms interval, 3 is due, 4 is last.
    expect(await lines(response)).toEqual([
      { type: 'progress', done: 0 },
      { type: 'progress', done: 3 },
      { type: 'progress', done: 4 },
      { type: 'result', result: 'finished' },
    ]);
  });

  it('tells a failure after the first line as a problem line and ends the stream cleanly', async () => {
    const response = await fetch(`${base}/late-failure`);
    expect(response.status).toBe(200);
    expect(await lines(response)).toEqual([
      { type: 'progress', done: 0 },
      {
        type: 'error',
        problem: expect.objectContaining({
          status: 400,
          code: 'VALIDATION_FAILED',
          detail: 'block 3 is not readable',
        }),
      },
    ]);
  });

  it('answers a failure before any progress as an ordinary problem', async () => {
    const response = await fetch(`${base}/early-failure`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ code: 'NOT_FOUND' });
  });
});
