#!/usr/bin/env node
/** `custodia`: the command-line client of the gateway. `main` is what the bin runs and what tests call. */
import { CommanderError } from 'commander';
import type { CliIo } from './io';
import { buildProgram, EXIT_USAGE } from './program';
import type { ProgramHooks } from './program';

export async function main(
  argv: readonly string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env },
  hooks: ProgramHooks = {},
): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => (exitCode = code), hooks);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // Help and version end here with code 0; wrong usage with 2.
    return error.exitCode === 0 ? 0 : EXIT_USAGE;
  }
  return exitCode;
}

if (require.main === module)
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`custodia: unexpected failure (${(error as Error)?.name ?? 'Error'})\n`);
      process.exitCode = 1;
    },
  );
