import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import type * as WinstonModule from 'winston';
import { skipDisabledLogLines } from './shim-logs';

/** The winston fabric-shim resolves, loaded as the patch loads it. */
type Winston = typeof WinstonModule;
const winston = createRequire(require.resolve('fabric-shim'))('winston') as Winston;

/** A logger at `level` whose format counts the lines it formats, writing to `lines` through a transport at `transportLevel`. */
function countingLogger(level: string, transportLevel?: string) {
  const seen = { formatted: 0, lines: [] as string[] };
  const counting = winston.format((info) => {
    seen.formatted += 1;
    return info;
  });
  const logger = winston.createLogger({
    level,
    format: winston.format.combine(counting(), winston.format.simple()),
    transports: [
      new winston.transports.Stream({
        ...(transportLevel === undefined ? {} : { level: transportLevel }),
        stream: new Writable({
          write(chunk: Buffer, _encoding, done) {
            seen.lines.push(chunk.toString('utf8').trim());
            done();
          },
        }),
      }),
    ],
  });
  return { logger, seen };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

it('formats no line the level drops, and writes every line it keeps as before', async () => {
  skipDisabledLogLines();
  const { logger, seen } = countingLogger('warn');
  logger.debug('handler message %s', 'REGISTERED', { txId: 'abc' });
  logger.info('informational');
  logger.log('debug', 'through log()');
  await settle();
  expect(seen).toEqual({ formatted: 0, lines: [] });

  logger.warn('kept warning');
  logger.error('kept error');
  await settle();
  expect(seen.formatted).toBe(2);
  expect(seen.lines).toEqual(['warn: kept warning', 'error: kept error']);
});

it('keeps a line a transport enables below the logger’s level, as winston does', async () => {
  skipDisabledLogLines();
  const { logger, seen } = countingLogger('warn', 'debug');
  logger.debug('wanted by the transport');
  await settle();
  expect(seen.lines).toEqual(['debug: wanted by the transport']);
});

it('patches once, however often it is called', () => {
  skipDisabledLogLines();
  const write = winston.Logger.prototype.write;
  skipDisabledLogLines();
  expect(winston.Logger.prototype.write).toBe(write);
});

it('changes nothing for a library it cannot find', () => {
  expect(() => skipDisabledLogLines(['no-such-logging-library'])).not.toThrow();
});
