/**
 * How a Custodia process stops (service/run-service.ts), in real child processes: a signal while it starts, a
 * failure code set before the stop, a second signal, a close that fails.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

const FIXTURE = path.join(__dirname, 'fixtures', 'run-service.js');

interface Run {
  readonly code: number | null;
  readonly lines: string[];
}

/** Runs the fixture with `env`; `signals` are sent once it printed `starting` (or `started`), 100 ms apart. */
function run(
  env: Record<string, string>,
  signals: { readonly after: 'starting' | 'started'; readonly count: number },
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [FIXTURE], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines: string[] = [];
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const part of parts) {
        lines.push(part);
        if (part === signals.after)
          for (let sent = 0; sent < signals.count; sent += 1)
            setTimeout(() => child.kill('SIGTERM'), 100 * sent);
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, lines }));
  });
}

it('stops a service signalled while it starts once it has started, and closes it', async () => {
  const { code, lines } = await run({ START_MS: '600' }, { after: 'starting', count: 1 });
  expect(lines.map((line) => line.split(' {')[0])).toEqual([
    'starting',
    'info stopping once started',
    'started',
    'info stopping',
    'closed',
  ]);
  expect(code).toBe(0);
});

it('exits with the failure code a failing start set, after closing what started', async () => {
  const { code, lines } = await run(
    { START_MS: '300', FAIL_DURING_START: '1' },
    { after: 'started', count: 0 },
  );
  expect(lines).toContain('closed');
  expect(code).toBe(1);
});

it('exits at once, with 1, on a second signal while it starts', async () => {
  const { code, lines } = await run({ START_MS: '5000' }, { after: 'starting', count: 2 });
  expect(lines).not.toContain('started');
  expect(lines).not.toContain('closed');
  expect(code).toBe(1);
});

it('exits 1 when the close fails', async () => {
  const { code, lines } = await run({ CLOSE_FAILS: '1' }, { after: 'started', count: 1 });
  expect(lines.some((line) => line.startsWith('error close failed {"code":"ENOSPC"}'))).toBe(true);
  expect(code).toBe(1);
});
