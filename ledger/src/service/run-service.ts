/**
 * How every Custodia process runs: start, then on SIGINT/SIGTERM close cleanly and exit (with `process.exitCode`, 0
 * unless the service set one; 1 when its close failed); a start failure prints its stable code (never patient data)
 * and exits 1. A signal while it starts stops it once started; a second one exits at once, with 1.
 */
export interface ServiceLogger {
  info(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface Closable {
  close(): Promise<void>;
}

export function runService(name: string, logger: ServiceLogger, start: () => Promise<Closable>): void {
  let service: Closable | undefined;
  /** The signal that asked to stop while the service was still starting: it stops once started. */
  let requested: string | undefined;
  let stopping = false;
  const stop = (signal: string): void => {
    if (service === undefined) {
      // A second signal during the start does not wait for it.
      if (requested !== undefined) process.exit(1);
      requested = signal;
      logger.info({ signal }, 'stopping once started');
      return;
    }
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    service.close().then(
      // 0, unless the service set a failure code before it asked to stop (process.exitCode).
      () => process.exit(),
      (error: unknown) => {
        logger.error({ code: (error as { code?: string }).code ?? 'ERROR' }, 'close failed');
        process.exit(1);
      },
    );
  };
  // From the start on: a signal while the service starts (a part of it failed, or Ctrl-C) closes what started.
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  start().then(
    (started) => {
      service = started;
      if (requested !== undefined) stop(requested);
    },
    (error: unknown) => {
      const { code, message } = error as { code?: string; message?: string };
      process.stderr.write(`${name} failed to start: ${code ?? 'ERROR'} ${message ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
