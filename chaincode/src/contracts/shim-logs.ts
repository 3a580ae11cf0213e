/**
 * fabric-shim and fabric-contract-api log through winston at the level Fabric sets (CORE_CHAINCODE_LOGGING_LEVEL),
 * and a winston logger formats every line — timestamp, metadata, colours, padding, each argument serialised — before
 * its transports drop the ones below their level. The shim writes debug lines for each message it exchanges with the
 * peer, so every transaction formats lines nobody reads (in the embedded platform under `bench:gateway`, ~2 % of the
 * event loop in session 11's profile and ~3 % of the bytes allocated during `bench:soak`'s set-up).
 *
 * `skipDisabledLogLines` has those libraries' winston drop a line before formatting it when none of the logger's
 * transports would write it, judged as winston-transport's own `_write` judges it: the transport's level, else the
 * level of the logger it was first piped from (fabric-shim's loggers share one Console transport), silent
 * transports and unhandled exceptions excepted. A transport that filters its own way (not winston-transport's
 * `_write`) and a logger without transports are left to winston. The level judged is the one the line was logged
 * at: a format that changed a line's level would not be seen (none of these libraries' formats does). Called where
 * the contracts are loaded (`index.ts`): the chaincode's own process under fabric-chaincode-node and the embedded
 * network.
 */
import { createRequire } from 'node:module';

/** The info property winston and its transports read a line's level from (triple-beam's LEVEL). */
const LEVEL = Symbol.for('level');
const SKIPS = Symbol.for('custodia.skipsDisabledLogLines');

type Levels = Readonly<Record<string, number>>;

interface Transport {
  readonly level?: string;
  readonly parent?: { readonly level?: string } | null;
  readonly levels?: Levels;
  readonly silent?: boolean;
  readonly handleExceptions?: boolean;
  readonly _write?: unknown;
}

interface WinstonLogger {
  readonly transports: readonly Transport[];
  write(chunk: unknown, ...rest: unknown[]): boolean;
  [SKIPS]?: true;
}

interface Winston {
  readonly Logger?: { readonly prototype?: Partial<WinstonLogger> };
  readonly Transport?: { readonly prototype?: { readonly _write?: unknown } };
}

/** Whether `transport` (winston-transport's TransportStream, its `_write` unchanged) would write the line. */
function transportWrites(
  transport: Transport,
  level: string,
  info: { readonly exception?: unknown },
): boolean {
  if (transport.silent === true || (info.exception === true && transport.handleExceptions !== true))
    return false;
  const effective = transport.level ?? transport.parent?.level;
  if (effective === undefined || effective === '') return true;
  const levels = transport.levels ?? {};
  const allowed = levels[effective];
  const asked = levels[level];
  return allowed !== undefined && asked !== undefined && allowed >= asked;
}

/** The winston a library resolves (each may have its own copy); undefined when it has none that fits. */
function winstonOf(library: string): { proto: WinstonLogger; transportWrite: unknown } | undefined {
  let winston: Winston;
  try {
    winston = createRequire(require.resolve(library))('winston') as Winston;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
  const proto = winston.Logger?.prototype;
  const transportWrite = winston.Transport?.prototype?._write;
  return typeof proto?.write === 'function' && typeof transportWrite === 'function'
    ? { proto: proto as WinstonLogger, transportWrite }
    : undefined;
}

export function skipDisabledLogLines(libraries = ['fabric-shim', 'fabric-contract-api']): void {
  for (const library of libraries) {
    const found = winstonOf(library);
    if (found === undefined || found.proto[SKIPS] === true) continue;
    const { proto, transportWrite } = found;
    const write = proto.write;
    proto.write = function skipDisabled(this: WinstonLogger, chunk: unknown, ...rest: unknown[]): boolean {
      const info =
        typeof chunk === 'object' && chunk !== null ? (chunk as Record<symbol, unknown>) : undefined;
      const level = info?.[LEVEL];
      const transports = this.transports;
      if (
        typeof level === 'string' &&
        transports.length > 0 &&
        transports.every(
          (transport) =>
            transport._write === transportWrite &&
            !transportWrites(transport, level, info as { readonly exception?: unknown }),
        )
      ) {
        const callback = rest.at(-1);
        if (typeof callback === 'function') process.nextTick(callback as () => void);
        return true;
      }
      return write.call(this, chunk, ...rest);
    };
    proto[SKIPS] = true;
  }
}
