/**
 * First start: creates the demo users (enrolled at their organisation's CA) — the patients as every patient is
 * created, with a generated pseudonym registered with the data lake and on-chain by their organisation's admin —
 * writes Anna's rules and emergency policy on the ledger as Anna, and uploads synthetic records as the centre. The
 * demo logins (with the patients' pseudonyms and the auditor's and admin's TOTP secrets) are kept in the gateway's
 * data dir, 0600, so later starts print them again. Demo only: never seeded unless asked.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Secret, TOTP } from 'otpauth';
import type { Logger } from 'pino';
import type { IdentityService, User } from '../identity';
import { authUserOf } from '../identity/user';
import type { AuthUser } from '../identity/user';
import { actorOf } from '../journeys/context';
import { createPatient } from '../patients/registration';
import type { PatientRegistrar } from '../patients/registration';
import type { RunningGateway } from '../server';
import {
  DEMO_EMERGENCY_POLICY,
  DEMO_PASSWORD,
  DEMO_RULES,
  DEMO_USERS,
  demoBundle,
  demoDocument,
} from './demo-data';

export interface DemoLogin {
  readonly username: string;
  readonly password: string;
  readonly role: string;
  readonly mspId: string;
  readonly ledgerId: string;
  /** Base32 TOTP secret (auditor, admin): add it to an authenticator app. */
  readonly totpSecret?: string;
}

const SEED_FILE = 'demo-logins.json';

/** The current code of a TOTP secret (what the authenticator app shows). */
export function totpCode(secret: string, at: number = Date.now()): string {
  return new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: at });
}

export async function seedDemo(deps: {
  readonly identity: IdentityService;
  readonly gateway: RunningGateway;
  /** Each organisation's admin, who registers its patients. */
  readonly registrars: ReadonlyMap<string, PatientRegistrar>;
  readonly dataDir: string;
  readonly logger: Logger;
}): Promise<DemoLogin[]> {
  const file = path.join(deps.dataDir, SEED_FILE);
  try {
    return JSON.parse(await readFile(file, 'utf8')) as DemoLogin[];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (deps.identity.listUsers().length > 0) return [];
  const { identity, gateway } = deps;
  const lake = gateway.datalake;
  if (lake === undefined) throw new Error('the demo needs the data lake');
  const logins: DemoLogin[] = [];
  const users = new Map<string, User>();
  for (const spec of DEMO_USERS) {
    const registrar = deps.registrars.get(spec.mspId);
    const user =
      spec.role === 'patient'
        ? await createPatient({ identity, datalake: lake }, registrar ?? missing(spec.mspId), {
            ...spec,
            password: DEMO_PASSWORD,
          })
        : await identity.createUser({ ...spec, password: DEMO_PASSWORD });
    users.set(spec.username, user);
    let totpSecret: string | undefined;
    if (user.role === 'auditor' || user.role === 'admin') {
      totpSecret = (await identity.setupTotp(user.userId)).secret;
      await identity.confirmTotp(user.userId, totpCode(totpSecret), 'seed');
    }
    logins.push({
      username: user.username,
      password: DEMO_PASSWORD,
      role: user.role,
      mspId: user.mspId,
      ledgerId: user.ledgerId,
      ...(totpSecret === undefined ? {} : { totpSecret }),
    });
  }
  const get = (username: string): AuthUser => {
    const user = users.get(username);
    if (user === undefined) throw new Error(`demo user ${username} missing`);
    return authUserOf(user);
  };
  const centre = get('centre.berlin');
  for (const patient of [...users.values()].filter((user) => user.role === 'patient')) {
    await lake.uploadRecords(
      actorOf(centre),
      patient.ledgerId,
      `demo-summary-${patient.ledgerId}`,
      Buffer.from(JSON.stringify(demoBundle(patient.ledgerId))),
      'application/fhir+json',
    );
    const document = demoDocument(patient.ledgerId);
    await lake.uploadDocument(
      actorOf(centre),
      patient.ledgerId,
      `demo-discharge-${patient.ledgerId}`,
      document.documentReference,
      Readable.from([document.content]),
      'discharge-summary.pdf',
      'application/pdf',
    );
  }
  const anna = get('anna');
  const asAnna = gateway.ledger.as(anna);
  for (const [index, rule] of DEMO_RULES.entries())
    await asAnna.rules.create({ requestId: `demo-rule-${index + 1}`, rule });
  await asAnna.emergency.setPolicy(DEMO_EMERGENCY_POLICY);
  await writeFile(file, JSON.stringify(logins, null, 2), { mode: 0o600 });
  deps.logger.info({ users: logins.length }, 'demo seeded');
  return logins;
}

function missing(mspId: string): never {
  throw new Error(`no admin of ${mspId} to register its demo patients`);
}
