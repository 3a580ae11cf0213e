/**
 * The registrar the gateway enrols users with, per organisation: on a real Fabric network each hospital runs its
 * own CA and gives the gateway its own registrar (an identity that may register clients with `custodia.*`
 * attributes and revoke them), each with its own secret; the embedded network's CAs share one bootstrap
 * registrar.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { GatewayError } from '../errors';
import { IdentityError } from './errors';

export interface Registrar {
  readonly id: string;
  readonly secret: string;
}

/** Each organisation's registrar at its CA, by MSP id. */
export type Registrars = ReadonlyMap<string, Registrar>;

type Env = Readonly<Record<string, string | undefined>>;

interface RegistrarEntry {
  readonly id: string;
  readonly secretFile: string;
}

function isEntries(value: unknown): value is Record<string, RegistrarEntry> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every(
    (entry: unknown) =>
      typeof entry === 'object' &&
      entry !== null &&
      Object.keys(entry).every((key) => key === 'id' || key === 'secretFile') &&
      typeof (entry as RegistrarEntry).id === 'string' &&
      (entry as RegistrarEntry).id !== '' &&
      typeof (entry as RegistrarEntry).secretFile === 'string' &&
      (entry as RegistrarEntry).secretFile !== '',
  );
}

function invalid(message: string): GatewayError {
  return new GatewayError('VALIDATION_FAILED', message);
}

/** CUSTODIA_CA_REGISTRARS: each organisation's registrar, its secret read from the file named. */
async function perOrganisation(raw: string, organisations: readonly string[]): Promise<Registrars> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw invalid('CUSTODIA_CA_REGISTRARS is not JSON');
  }
  if (!isEntries(value))
    throw invalid(
      'CUSTODIA_CA_REGISTRARS must be {"<mspId>": {"id": "<registrar>", "secretFile": "<path>"}}',
    );
  const missing = organisations.filter((mspId) => value[mspId] === undefined);
  if (missing.length > 0)
    throw invalid(`CUSTODIA_CA_REGISTRARS names no registrar for ${missing.join(', ')}`);
  const registrars = new Map<string, Registrar>();
  for (const [mspId, entry] of Object.entries(value)) {
    let secret: string;
    try {
      secret = (await readFile(resolve(entry.secretFile), 'utf8')).trim();
    } catch {
      throw invalid(`CUSTODIA_CA_REGISTRARS: the secret file of ${mspId}'s registrar cannot be read`);
    }
    if (secret === '')
      throw invalid(`CUSTODIA_CA_REGISTRARS: the secret file of ${mspId}'s registrar is empty`);
    registrars.set(mspId, { id: entry.id, secret });
  }
  return registrars;
}

/** One registrar for every CA: CUSTODIA_CA_ADMIN_ID / _SECRET, or the embedded network's registrar.secret. */
async function shared(env: Env, networkDir: string, organisations: readonly string[]): Promise<Registrars> {
  const id = env.CUSTODIA_CA_ADMIN_ID || 'admin';
  let secret = env.CUSTODIA_CA_ADMIN_SECRET;
  if (!secret) {
    try {
      secret = (await readFile(join(networkDir, 'registrar.secret'), 'utf8')).trim();
    } catch (error) {
      throw new IdentityError(
        'CA_UNAVAILABLE',
        'no CA registrar: set CUSTODIA_CA_REGISTRARS (or CUSTODIA_CA_ADMIN_SECRET), or start the embedded network first',
        {},
        { cause: error },
      );
    }
  }
  const registrar = { id, secret };
  return new Map(organisations.map((mspId) => [mspId, registrar]));
}

/**
 * The registrars of `organisations` (MSP ids of the organisations whose CA the gateway uses). With
 * CUSTODIA_CA_REGISTRARS (JSON `{mspId: {id, secretFile}}`, every organisation named), each organisation's own;
 * otherwise one for all: CUSTODIA_CA_ADMIN_ID (default `admin`) with CUSTODIA_CA_ADMIN_SECRET or, for the embedded
 * network, `<networkDir>/registrar.secret`. Throws GatewayError(VALIDATION_FAILED) on a malformed configuration,
 * IdentityError(CA_UNAVAILABLE) when no secret is known.
 */
export async function readRegistrars(
  env: Env,
  networkDir: string,
  organisations: readonly string[],
): Promise<Registrars> {
  const raw = env.CUSTODIA_CA_REGISTRARS;
  return raw ? perOrganisation(raw, organisations) : shared(env, networkDir, organisations);
}
