/**
 * The genesis ceremony for a Fabric network run by its operators (the embedded network's platform founds its own):
 * a founders file names each founding organisation, its country and its admin's enrolment — an identity its own CA
 * issued with `custodia.role=admin` and a `custodia.id` — and every admin approves the genesis, then one commits it.
 *
 * ```json
 * { "organisations": [
 *   { "mspId": "HospitalDEMSP", "country": "DE", "certificate": "de/admin/cert.pem", "privateKey": "de/admin/key.pem" },
 *   …
 * ] }
 * ```
 *
 * Paths are relative to the file. Run again after a failure (or by several operators): approvals already recorded
 * are not repeated and an existing registry is left as it is.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import Ajv from 'ajv';
import type { JSONSchemaType } from 'ajv';
import { FORMATS } from '@custodia/chaincode';
import type { Organisation, OrganisationRegistry } from '@custodia/chaincode';
import { LedgerClientError, LedgerClientErrorCode } from '../client/errors';
import type { LedgerClientConfig } from '../client/config';
import { LedgerClient } from '../facade/client';
import type { Identity } from '../msp/identity';
import { foundRegistry } from './genesis';

interface FounderEntry {
  mspId: string;
  country: string;
  certificate: string;
  privateKey: string;
}

const schema: JSONSchemaType<{ organisations: FounderEntry[] }> = {
  type: 'object',
  additionalProperties: false,
  required: ['organisations'],
  properties: {
    organisations: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['mspId', 'country', 'certificate', 'privateKey'],
        properties: {
          mspId: { type: 'string', pattern: FORMATS.mspId.source },
          country: { type: 'string', pattern: FORMATS.country.source },
          certificate: { type: 'string', minLength: 1 },
          privateKey: { type: 'string', minLength: 1 },
        },
      },
    },
  },
};
const validate = new Ajv({ allErrors: false }).compile(schema);

function invalid(message: string): LedgerClientError {
  return new LedgerClientError(LedgerClientErrorCode.InvalidConfig, `founders file: ${message}`);
}

/** The founding organisations and their admins' enrolments; LEDGER_CLIENT_CONFIG_INVALID when the file is not one. */
export async function readFounders(
  file: string,
): Promise<{ readonly organisation: Organisation; readonly identity: Identity }[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    throw invalid('not a readable JSON file');
  }
  if (!validate(parsed)) {
    const first = validate.errors?.[0];
    throw invalid(`${first?.instancePath || '/'} ${first?.message ?? 'is invalid'}`);
  }
  const base = dirname(resolve(file));
  const read = async (path: string, what: string): Promise<string> => {
    try {
      return await readFile(resolve(base, path), 'utf8');
    } catch {
      throw invalid(`${what} ${path} cannot be read`);
    }
  };
  return Promise.all(
    parsed.organisations.map(async (entry) => ({
      organisation: { mspId: entry.mspId, country: entry.country },
      identity: {
        mspId: entry.mspId,
        certificate: await read(entry.certificate, 'certificate'),
        privateKey: await read(entry.privateKey, 'private key'),
      },
    })),
  );
}

/** Founds the registry of the network `config` reaches with the organisations of `foundersFile`. */
export async function foundRegistryFromFile(
  config: LedgerClientConfig,
  foundersFile: string,
): Promise<OrganisationRegistry> {
  const founders = await readFounders(foundersFile);
  const client = new LedgerClient({ config });
  try {
    return await foundRegistry(
      founders.map((founder) => ({ organisation: founder.organisation, admin: client.as(founder.identity) })),
    );
  } finally {
    client.close();
  }
}
