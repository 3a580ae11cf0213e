/**
 * The script of a worker thread that sits beside the module starting it (`name` without extension): compiled
 * JavaScript when the service runs from its build, TypeScript through tsx when it runs from source (tests, benches).
 * `from` is the starting module's own `__filename`.
 */
import path from 'node:path';

export interface WorkerScript {
  readonly filename: string;
  readonly execArgv?: string[];
}

export function workerScript(from: string, name: string): WorkerScript {
  const extension = path.extname(from);
  const filename = path.join(path.dirname(from), `${name}${extension}`);
  return extension === '.ts'
    ? { filename, execArgv: ['--require', require.resolve('tsx/cjs')] }
    : { filename };
}
