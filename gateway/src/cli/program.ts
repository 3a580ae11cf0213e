/**
 * The `custodia` commands (commander): each action signs in, runs its command and leaves an exit code.
 * Secrets (password, TOTP code, token) are read from options or the environment and never written out.
 */
import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ApiClient, ApiError } from './api-client';
import type { ApiClientOptions } from './api-client';
import { write } from './io';
import type { CliIo } from './io';
import { gatewayUrl, parseBlockNumber, parseList, parsePositiveInt, signInFrom, UsageError } from './options';
import type { GlobalOptions } from './options';
import { erasePatient, listErasureRequests } from './patients';
import { progressBar } from './progress';
import { replay } from './replay';
import { requestRecord } from './request';
import { uploadFolder } from './upload';
import { formatSummary, summarise, uploadExitCode } from './upload-summary';
import { createUser, disableUser, listUsers } from './users';

/** Exit codes: 0 done, 1 the command failed (or found failures), 2 wrong usage. */
export const EXIT_USAGE = 2;

function parser<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (error) {
      if (error instanceof UsageError) throw new InvalidArgumentError(error.message);
      throw error;
    }
  };
}

export interface ProgramHooks {
  /** Test seam: backoff clock and randomness of the HTTP client. */
  readonly client?: Partial<ApiClientOptions>;
}

export function buildProgram(
  io: CliIo,
  setExitCode: (code: number) => void,
  hooks: ProgramHooks = {},
): Command {
  const program = new Command('custodia')
    .description(
      'Command-line client of the Custodia gateway (bulk upload, access requests, audit, users, erasure)',
    )
    .addOption(new Option('--url <url>', 'gateway URL (env CUSTODIA_URL; default http://localhost:8080)'))
    .addOption(new Option('--user <username>', 'login name (env CUSTODIA_USER)'))
    .addOption(new Option('--password <password>', 'password (prefer env CUSTODIA_PASSWORD)'))
    .addOption(new Option('--totp <code>', 'current TOTP code when the account has one (env CUSTODIA_TOTP)'))
    .showHelpAfterError()
    // Set before the commands are added: subcommands inherit both (tests run the CLI in-process).
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });

  let retries = 0;
  const connect = async (): Promise<ApiClient> => {
    const options = program.opts<GlobalOptions>();
    const client = new ApiClient({
      baseUrl: gatewayUrl(options, io.env),
      onRetry: () => {
        retries += 1;
      },
      ...hooks.client,
    });
    const signIn = signInFrom(options, io.env);
    if (signIn.kind === 'token') client.useToken(signIn.token);
    else await client.login(signIn);
    return client;
  };
  /** Runs a command and turns its failure into an exit code and one line on standard error. */
  const action =
    <A extends unknown[]>(run: (client: ApiClient, ...args: A) => Promise<number>) =>
    async (...args: A): Promise<void> => {
      try {
        setExitCode(await run(await connect(), ...args));
      } catch (error) {
        if (error instanceof UsageError) {
          write(io.stderr, `error: ${error.message}`);
          setExitCode(EXIT_USAGE);
        } else if (error instanceof ApiError) {
          write(
            io.stderr,
            `error: ${error.code}${error.status > 0 ? ` (${error.status})` : ''}: ${error.message}`,
          );
          setExitCode(1);
        } else throw error;
      }
    };

  program
    .command('upload')
    .description('Upload every FHIR JSON file of a folder (and with --binary every other file, resumably)')
    .argument('<folder>', 'folder of FHIR resources or Bundles (*.json), searched recursively')
    .option('--patient <id>', 'the patient of every file (default: the patient each file names)')
    .option('--binary', 'also upload the other files as binaries (DocumentReference from <file>.docref.json)')
    .option('--concurrency <n>', 'files in flight at once', parser(parsePositiveInt), 4)
    .option('--source-prefix <prefix>', 'prefix of every source id (e.g. the sending system)')
    .action(
      action(
        async (
          client,
          folder: string,
          options: { patient?: string; binary?: boolean; concurrency: number; sourcePrefix?: string },
        ) => {
          const outcomes = await uploadFolder(
            client,
            {
              folder,
              binaries: options.binary === true,
              concurrency: options.concurrency,
              ...(options.patient === undefined ? {} : { patientId: options.patient }),
              ...(options.sourcePrefix === undefined ? {} : { sourcePrefix: options.sourcePrefix }),
            },
            progressBar(io.stderr),
          );
          const summary = summarise(outcomes, retries);
          write(io.stdout, formatSummary(summary, outcomes));
          return uploadExitCode(summary);
        },
      ),
    );

  program
    .command('request')
    .description('Request access to a patient’s records and download the temporary record')
    .argument('<patientId>')
    .requiredOption(
      '--categories <list>',
      'comma-separated categories (allergies,medications,…)',
      parser(parseList),
    )
    .requiredOption(
      '--purpose <purpose>',
      'purpose of use (TREAT, CAREMGT, …; emergencies go through the portal)',
    )
    .option('--reason <text>', 'why (kept off-chain, sealed; shown to the patient with the access-log entry)')
    .option('--out <file>', 'write the record here (default: standard output)')
    .action(
      action(
        async (
          client,
          patientId: string,
          options: { categories: string[]; purpose: string; reason?: string; out?: string },
        ) =>
          requestRecord(
            client,
            {
              patientId,
              categories: options.categories,
              purpose: options.purpose,
              ...(options.reason === undefined ? {} : { reason: options.reason }),
              ...(options.out === undefined ? {} : { out: options.out }),
            },
            io,
          ),
      ),
    );

  program
    .command('replay')
    .description('Replay & verify the chain (auditor); exits 1 when discrepancies exist')
    .option('--json <file>', 'write the report as JSON')
    .option('--csv <file>', 'write the discrepancies as CSV')
    .option('--to-block <n>', 'stop at this block', parser(parseBlockNumber))
    .action(
      action(async (client, options: { json?: string; csv?: string; toBlock?: number }) =>
        replay(client, options, io),
      ),
    );

  const users = program.command('users').description('Manage users (admin)');
  users
    .command('list')
    .option('--json', 'as JSON')
    .action(
      action(async (client, options: { json?: boolean }) =>
        listUsers(client, { json: options.json === true }, io),
      ),
    );
  users
    .command('create')
    .description('Create a user of your organisation, registered and enrolled at its CA')
    .argument('<username>')
    .requiredOption('--role <role>', 'patient, clinician, centre, auditor or admin')
    .option('--msp <mspId>', 'organisation: yours (the default; another is refused)')
    .option('--country <code>', 'ISO 3166-1 alpha-2: your organisation’s (the default; another is refused)')
    .option('--ledger-id <id>', 'staff: id on the ledger (default a new UUID); a patient’s is generated')
    .option('--display-name <name>', 'shown in the portal (default: the user name)')
    .option('--password-file <file>', 'the initial password (default: env CUSTODIA_NEW_PASSWORD)')
    .action(
      action(
        async (
          client,
          username: string,
          options: {
            role: string;
            msp?: string;
            country?: string;
            ledgerId?: string;
            displayName?: string;
            passwordFile?: string;
          },
        ) => {
          const password =
            options.passwordFile !== undefined
              ? (await readFile(options.passwordFile, 'utf8')).trim()
              : io.env.CUSTODIA_NEW_PASSWORD;
          if (password === undefined || password === '')
            throw new UsageError(
              'MISSING_CREDENTIALS',
              'give the initial password in CUSTODIA_NEW_PASSWORD or --password-file',
            );
          return createUser(
            client,
            {
              username,
              password,
              displayName: options.displayName ?? username,
              role: options.role,
              ...(options.msp === undefined ? {} : { mspId: options.msp }),
              ...(options.country === undefined ? {} : { country: options.country }),
              ...(options.ledgerId === undefined ? {} : { ledgerId: options.ledgerId }),
            },
            io,
          );
        },
      ),
    );
  users
    .command('disable')
    .description('Disable a user: no more sign-ins, certificate revoked')
    .argument('<user>', 'user id or login name')
    .action(action(async (client, user: string) => disableUser(client, user, io)));

  const patients = program.command('patients').description('Patients’ erasure (admin)');
  patients
    .command('erasure-requests')
    .description('Erasure requests of your organisation’s patients (pending by default)')
    .addOption(
      new Option('--status <status>', 'which requests')
        .choices(['pending', 'erased', 'all'])
        .default('pending'),
    )
    .option('--json', 'as JSON')
    .action(
      action(async (client, options: { status: string; json?: boolean }) =>
        listErasureRequests(client, { json: options.json === true, status: options.status }, io),
      ),
    );
  patients
    .command('erase')
    .description(
      'Erase a patient of your organisation: on the ledger, in the data lake, on the gateway, at the CA (run again to resume)',
    )
    .argument('<patientId>', 'the patient’s pseudonym (pt-…)')
    .option(
      '--reference <ref>',
      'reference of a request verified offline (when the patient did not ask in Custodia)',
    )
    .action(
      action(async (client, patientId: string, options: { reference?: string }) =>
        erasePatient(client, patientId, options, io),
      ),
    );

  return program;
}
