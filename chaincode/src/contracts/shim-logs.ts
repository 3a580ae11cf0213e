/**
 * fabric-shim and fabric-contract-api log through winston at the level Fabric sets (CORE_CHAINCODE_LOGGING_LEVEL),
 * and winston formats every line — timestamp, metadata, colours, padding, each argument serialised — before its
 * transport drops the ones below that level. The shim writes debug lines for each message it exchanges with the
 * peer, so every transaction formats lines nobody reads (in the embedded platform under `bench:gateway`, ~2 % of the
 * event loop in session 11's profile and ~3 % of the bytes allocated during `bench:soak`'s set-up).
 *
 * `skipDisabledLogLines` has those libraries' winston drop such a line before formatting it: a line is skipped only
 * when winston's own `isLevelEnabled` says neither the logger nor any of its transports would write it, so what
 * is written is unchanged. Called where the contracts are loaded (`index.ts`): the chaincode's own process under
 * fabric-chaincode-node and the embedded network.
 */
import { createRequire } from 'node:module';

/** The info property winston and its transports read a line's level from (triple-beam's LEVEL). */
const LEVEL = Symbol.for('level');
const SKIPS = Symbol.for('custodia.skipsDisabledLogLines');

interface WinstonLogger {
  readonly levels: Readonly<Record<string, number>>;
  isLevelEnabled(level: string): boolean;
  write(chunk: unknown, ...rest: unknown[]): boolean;
  [SKIPS]?: true;
}

/**
 * The winston `Logger` prototype a library resolves (each may have its own copy); undefined when the library no
 * longer logs through a winston that has one with `isLevelEnabled` (a later version): then nothing is changed.
 */
function loggerPrototypeOf(library: string): WinstonLogger | undefined {
  let winston: { Logger?: { prototype?: Partial<WinstonLogger> } };
  try {
    winston = createRequire(require.resolve(library))('winston') as typeof winston;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
  const proto = winston.Logger?.prototype;
  return typeof proto?.write === 'function' && typeof proto.isLevelEnabled === 'function'
    ? (proto as WinstonLogger)
    : undefined;
}

export function skipDisabledLogLines(libraries = ['fabric-shim', 'fabric-contract-api']): void {
  for (const library of libraries) {
    const proto = loggerPrototypeOf(library);
    if (proto === undefined || proto[SKIPS] === true) continue;
    const write = proto.write;
    proto.write = function skipDisabled(this: WinstonLogger, chunk: unknown, ...rest: unknown[]): boolean {
      const level =
        typeof chunk === 'object' && chunk !== null ? (chunk as Record<symbol, unknown>)[LEVEL] : undefined;
      if (typeof level === 'string' && level in this.levels && !this.isLevelEnabled(level)) return true;
      return write.call(this, chunk, ...rest);
    };
    proto[SKIPS] = true;
  }
}
