import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import type * as WinstonModule from 'winston';
import type TransportStream from 'winston-transport';
import { skipDisabledLogLines } from './shim-logs';

/** The winston fabric-shim resolves, loaded as the patch loads it. */
type Winston = typeof WinstonModule;
const winston = createRequire(require.resolve('fabric-shim'))('winston') as Winston;
/** winston-transport's base class, as that winston exports it (at run time; its typings omit it). */
const { Transport } = winston as unknown as { readonly Transport: typeof TransportStream };

skipDisabledLogLines();

/** A transport collecting what it writes (`level` its own, else its first logger's). */
function collecting(lines: string[], options: { level?: string; silent?: boolean } = {}) {
  return new winston.transports.Stream({
    ...options,
    stream: new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8').trim());
        done();
      },
    }),
  });
}

/** A logger at `level` whose format counts the lines it formats. */
function countingLogger(level: string, transports: WinstonModule.transport[]) {
  const seen = { formatted: 0 };
  const counting = winston.format((info) => {
    seen.formatted += 1;
    return info;
  });
  const logger = winston.createLogger({
    level,
    format: winston.format.combine(counting(), winston.format.simple()),
    transports,
  });
  return { logger, seen };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

it('formats no line the level drops, and writes every line it keeps as before', async () => {
  const lines: string[] = [];
  const { logger, seen } = countingLogger('warn', [collecting(lines)]);
  logger.debug('handler message %s', 'REGISTERED', { txId: 'abc' });
  logger.info('informational');
  logger.log('debug', 'through log()');
  await settle();
  expect({ formatted: seen.formatted, lines }).toEqual({ formatted: 0, lines: [] });

  logger.warn('kept warning');
  logger.error('kept error');
  await settle();
  expect({ formatted: seen.formatted, lines }).toEqual({
    formatted: 2,
    lines: ['warn: kept warning', 'error: kept error'],
  });
});

it('keeps a line a transport enables below the logger’s level, as winston does', async () => {
  const lines: string[] = [];
  const { logger } = countingLogger('warn', [collecting(lines, { level: 'debug' })]);
  logger.debug('wanted by the transport');
  await settle();
  expect(lines).toEqual(['debug: wanted by the transport']);
});

it('judges a shared transport by the logger it was first piped from, as winston-transport does', async () => {
  // fabric-shim's loggers share one Console transport: its level is the first logger's.
  const lines: string[] = [];
  const shared = collecting(lines);
  countingLogger('debug', [shared]);
  const { logger: later } = countingLogger('warn', [shared]);
  later.debug('written: the shared transport follows the first logger');
  await settle();
  expect(lines).toEqual(['debug: written: the shared transport follows the first logger']);
});

it('formats nothing for a transport that is stricter than the logger, or silent', async () => {
  const lines: string[] = [];
  const strict = countingLogger('debug', [collecting(lines, { level: 'error' })]);
  strict.logger.warn('below the transport');
  const silent = countingLogger('debug', [collecting(lines, { silent: true })]);
  silent.logger.error('to a silent transport');
  await settle();
  expect({ strict: strict.seen.formatted, silent: silent.seen.formatted, lines }).toEqual({
    strict: 0,
    silent: 0,
    lines: [],
  });
});

it('leaves a transport that filters its own way to winston', async () => {
  const lines: string[] = [];
  class EveryLine extends Transport {
    override log(_info: unknown, next: () => void): void {
      next();
    }

    override _write(info: unknown, _encoding: BufferEncoding, done: () => void): void {
      lines.push(String((info as { message: unknown }).message));
      done();
    }
  }
  const { logger, seen } = countingLogger('warn', [new EveryLine()]);
  logger.debug('its own choice');
  await settle();
  expect({ formatted: seen.formatted, lines }).toEqual({ formatted: 1, lines: ['its own choice'] });
});

it('calls back a write it drops', async () => {
  const { logger } = countingLogger('warn', [collecting([])]);
  const called = await new Promise<boolean>((resolve) => {
    logger.write({ level: 'debug', [Symbol.for('level')]: 'debug', message: 'dropped' }, () => resolve(true));
  });
  expect(called).toBe(true);
});

it('patches once, however often it is called, and changes nothing for a library it cannot find', () => {
  const write = winston.Logger.prototype.write;
  skipDisabledLogLines();
  expect(winston.Logger.prototype.write).toBe(write);
  expect(() => skipDisabledLogLines(['no-such-logging-library'])).not.toThrow();
});
