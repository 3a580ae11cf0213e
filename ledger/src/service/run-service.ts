/**
 * How every Custodia process runs: start, then on SIGINT/SIGTERM close cleanly and exit; a start failure prints
 * its stable code (never patient data) and exits 1.
 */
export interface ServiceLogger {
  info(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface Closable {
  close(): Promise<void>;
}

export function runService(name: string, logger: ServiceLogger, start: () => Promise<Closable>): void {
  start().then(
    (service) => {
      let stopping = false;
      const stop = (signal: string): void => {
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
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    },
    (error: unknown) => {
      const { code, message } = error as { code?: string; message?: string };
      process.stderr.write(`${name} failed to start: ${code ?? 'ERROR'} ${message ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
