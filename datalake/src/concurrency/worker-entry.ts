import path from 'node:path';

/**
 * A worker thread's entry file beside the module `from` (its `__filename`): compiled JavaScript in production,
 * TypeScript run through tsx from source (tests, `tsx` scripts) — with the `execArgv` that loads tsx in the worker.
 */
export function workerEntry(from: string, name: string): { filename: string; execArgv?: string[] } {
  const extension = path.extname(from);
  const filename = path.join(path.dirname(from), `${name}${extension}`);
  return extension === '.ts'
    ? { filename, execArgv: ['--require', require.resolve('tsx/cjs')] }
    : { filename };
}
