/**
 * Child processes of the data-lake benchmark: each service runs in a process of its own and reports readiness as a
 * JSON log line on stdout (pino's `msg`). Memory is read from /proc: VmHWM is the process's peak resident set, and
 * writing 5 to /proc/<pid>/clear_refs resets it, so each phase gets its own peak.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

export interface Service<T> {
  readonly child: ChildProcess;
  /** What the ready line said. */
  readonly ready: T;
  stop(): Promise<void>;
}

/**
 * Starts `command args` with `env` added to this process's environment, and waits for the first stdout line that
 * `ready` accepts (JSON lines; anything else is ignored). stderr goes to ours, so failures are visible.
 */
export function startService<T>(
  name: string,
  command: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  ready: (line: Record<string, unknown>) => T | undefined,
): Promise<Service<T>> {
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    let started = false;
    child.once('exit', (code, signal) => {
      if (!started) reject(new Error(`${name} exited before it was ready (${code ?? signal})`));
    });
    child.once('error', reject);
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (text) => {
      if (started) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return;
      }
      if (typeof parsed !== 'object' || parsed === null) return;
      const value = ready(parsed as Record<string, unknown>);
      if (value === undefined) return;
      started = true;
      resolve({ child, ready: value, stop });
    });
  });
}

/** Peak resident set (MiB) of a process since it started or since the last `resetPeakRss`. */
export function peakRssMiB(pid: number): number {
  return statusMiB(pid, 'VmHWM');
}

/** Resident set (MiB) of a process now. */
export function rssMiB(pid: number): number {
  return statusMiB(pid, 'VmRSS');
}

function statusMiB(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  if (match === null) throw new Error(`no ${field} for process ${pid}`);
  return Number(match[1]) / 1024;
}

/** Resets the peak resident set of a process we own (Linux clear_refs 5). */
export function resetPeakRss(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/** CPU time (user + system, seconds) a process has used so far. */
export function cpuSeconds(pid: number): number {
  // Fields after the command name (which may contain spaces): utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** USER_HZ: Linux reports process times in 1/100 s. */
const CLOCK_TICKS = 100;
