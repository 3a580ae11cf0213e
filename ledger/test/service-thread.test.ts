/**
 * Services on threads (service/service-thread.ts), with a real worker thread running a small service
 * (fixtures/thread-service.js): what it reports, its log lines, a refused start, its close, a crash, a close that
 * never ends.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { compiledEntry, ServiceThreadError, startServiceThread } from '../src/service';
import type { ServiceThread, ServiceThreadOptions, ThreadLogger } from '../src/service';

const ENTRY = path.join(__dirname, 'fixtures', 'thread-service.js');

interface Line {
  readonly level: string;
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

function recording(): { logger: ThreadLogger; lines: Line[] } {
  const lines: Line[] = [];
  const at =
    (level: string) =>
    (fields: Record<string, unknown>, message: string): void => {
      lines.push({ level, fields, message });
    };
  return { logger: { info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

let dir: string;

/** The fixture service started in `mode` (its close writes a file named after the mode). */
function started<T = unknown>(
  mode: string,
  options: ServiceThreadOptions = {},
  value?: unknown,
): Promise<ServiceThread<T>> {
  return startServiceThread<T>(
    'a test service',
    ENTRY,
    { mode, value, closedFile: closedFile(mode) },
    options,
  );
}

const closedFile = (mode: string): string => path.join(dir, `${mode}.closed`);

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'custodia-service-thread-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('reports what the service reported, sees the environment as the host does, and forwards its log lines', async () => {
  process.env.SERVICE_THREAD_TEST = 'as the host sees it';
  const { logger, lines } = recording();
  const thread = await started<{ echo: unknown; environment: string }>(
    'ok',
    { logger },
    { nested: [1, 'two'] },
  );
  try {
    expect(thread.ready).toEqual({ echo: { nested: [1, 'two'] }, environment: 'as the host sees it' });
    expect(thread.threadId).toBeGreaterThan(0);
    expect(thread.threadId).not.toBe(threadId);
    expect(lines).toEqual([{ level: 'info', fields: { mode: 'ok', nested: { n: 1 } }, message: 'starting' }]);
  } finally {
    await thread.close();
    delete process.env.SERVICE_THREAD_TEST;
  }
});

it('rejects a refused start with the service’s own code and message', async () => {
  const refused = started('refuse');
  await expect(refused).rejects.toBeInstanceOf(ServiceThreadError);
  await expect(refused).rejects.toMatchObject({
    code: 'PORT_TAKEN',
    message: 'a test service failed to start: the port is taken',
  });
});

it('closes the service, ends the thread, and does not call a close a failure', async () => {
  const stopped = jest.fn();
  const thread = await started('closes', { onStopped: stopped });
  expect(existsSync(closedFile('closes'))).toBe(false);
  await thread.close();
  expect(existsSync(closedFile('closes'))).toBe(true);
  // A second close has nothing left to do.
  await thread.close();
  expect(stopped).not.toHaveBeenCalled();
});

it('reports a service that fails after its start, once, through onStopped, logging where but not what', async () => {
  const stopped = jest.fn<void, [ServiceThreadError]>();
  const { logger, lines } = recording();
  const thread = await started('crash-later', { onStopped: stopped, logger });
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if (stopped.mock.calls.length > 0) {
        clearInterval(poll);
        resolve();
      }
    }, 10);
  });
  expect(stopped).toHaveBeenCalledTimes(1);
  expect(stopped.mock.calls[0]?.[0]).toBeInstanceOf(ServiceThreadError);
  expect(stopped.mock.calls[0]?.[0]).toMatchObject({ message: 'a test service failed: Error', code: 'EIO' });
  const failed = lines.find((line) => line.message === 'a service thread failed');
  expect(failed?.fields).toMatchObject({ service: 'a test service', code: 'EIO' });
  expect((failed?.fields.frames as string[]).some((frame) => frame.includes('thread-service.js'))).toBe(true);
  expect(JSON.stringify(lines)).not.toContain('Jane Roe');
  // Closing a stopped service does nothing (its close never ran).
  await thread.close();
  expect(existsSync(closedFile('crash-later'))).toBe(false);
  expect(stopped).toHaveBeenCalledTimes(1);
});

it('ends a thread whose close does not finish in time, and says so', async () => {
  const { logger, lines } = recording();
  const thread = await started('hang', { logger, closeTimeoutMs: 100 });
  await expect(thread.close()).rejects.toMatchObject({
    message: 'a test service did not close in time and was ended',
  });
  expect(lines.at(-1)).toEqual({
    level: 'error',
    fields: { service: 'a test service' },
    message: 'a service thread did not close in time; ending it',
  });
});

it.each([
  ['fails', 'close-fails', { message: 'a test service failed to close', code: 'ENOSPC' }],
  ['ends the thread', 'crash-on-close', { message: 'a test service stopped while closing (exit code 3)' }],
])('rejects a close when the service’s close %s', async (_, mode, failure) => {
  const stopped = jest.fn();
  const thread = await started(mode, { onStopped: stopped });
  await expect(thread.close()).rejects.toMatchObject(failure);
  // The same answer to a second close; a close is not a failure of the running service.
  await expect(thread.close()).rejects.toMatchObject(failure);
  expect(stopped).not.toHaveBeenCalled();
});

it('keeps going when onStopped throws', async () => {
  const unhandled = jest.fn();
  process.on('unhandledRejection', unhandled);
  const { logger, lines } = recording();
  try {
    await started('crash-later', {
      logger,
      onStopped: () => {
        throw new Error('the host failed too');
      },
    });
    while (!lines.some((line) => line.message === 'onStopped failed'))
      await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setImmediate(resolve));
    expect(unhandled).not.toHaveBeenCalled();
  } finally {
    process.off('unhandledRejection', unhandled);
  }
});

it('keeps a log line whose fields cannot cross threads, without them', async () => {
  const { logger, lines } = recording();
  const thread = await started('unclonable', { logger });
  await thread.close();
  expect(lines[1]).toEqual({ level: 'warn', fields: {}, message: 'a field that cannot cross' });
});

describe('compiledEntry', () => {
  it('is the module beside a compiled file', () => {
    expect(compiledEntry('/app/ledger/dist/service/host.js', 'entry')).toBe(
      '/app/ledger/dist/service/entry.js',
    );
  });

  it('is the package’s build of the module beside a source file', () => {
    const built = path.join(dir, 'pkg', 'dist', 'embedded');
    mkdirSync(built, { recursive: true });
    writeFileSync(path.join(built, 'entry.js'), '');
    expect(compiledEntry(path.join(dir, 'pkg', 'src', 'embedded', 'host.ts'), 'entry')).toBe(
      path.join(built, 'entry.js'),
    );
  });

  it('refuses a build older than the entry’s source', () => {
    const sources = path.join(dir, 'stale', 'src');
    const built = path.join(dir, 'stale', 'dist');
    mkdirSync(sources, { recursive: true });
    mkdirSync(built, { recursive: true });
    writeFileSync(path.join(built, 'entry.js'), '');
    writeFileSync(path.join(sources, 'entry.ts'), '');
    const later = new Date(Date.now() + 60_000);
    utimesSync(path.join(sources, 'entry.ts'), later, later);
    expect(() => compiledEntry(path.join(sources, 'host.ts'), 'entry')).toThrow(/is older than its source/);
  });

  it('asks for a build when the source has none, and refuses a file outside a src folder', () => {
    expect(() => compiledEntry(path.join(dir, 'unbuilt', 'src', 'host.ts'), 'entry')).toThrow(
      /is not built: run `npm run build`/,
    );
    expect(() => compiledEntry('/app/elsewhere/host.ts', 'entry')).toThrow(/not in a package's src folder/);
  });
});
