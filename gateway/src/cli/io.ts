/** Where a command writes: injected so the integration test runs the CLI in-process and reads its output. */
import type { Env } from './options';

export interface CliIo {
  /** Results (a record, a table): what a script pipes on. */
  readonly stdout: NodeJS.WritableStream;
  /** Progress, decisions, summaries and errors. */
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean };
  readonly env: Env;
}

export function write(stream: NodeJS.WritableStream, text: string): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}
