/**
 * The organisation registry's genesis as an operator runs it on a Fabric network (`npm run fabric:found-registry`):
 * a founders file of each organisation's admin enrolment (issued by that organisation's own CA), a connection
 * file, and the network reached as `CUSTODIA_NETWORK=fabric` — the embedded network started without a registry, or
 * under test:fabric a fresh local Fabric network (MAJORITY endorsement of every approval). The ceremony completes
 * what a crashed run began, never runs twice, and no organisation can approve for another.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ChaincodeCallError,
  foundRegistryFromFile,
  LedgerClient,
  LedgerClientError,
  LedgerClientErrorCode,
  readLedgerClientConfig,
} from '@custodia/ledger';
import type { Identity, LedgerClientConfig } from '@custodia/ledger';
import { ORG_DE, ORG_FR, startTestNetwork } from './fixtures/test-network';
import type { TestNetwork } from './fixtures/test-network';

const ORG_IT = 'HospitalITMSP';
const MEMBERS = [
  { mspId: ORG_DE, country: 'DE' },
  { mspId: ORG_FR, country: 'FR' },
  { mspId: ORG_IT, country: 'IT' },
];

let net: TestNetwork;
let dir: string;
let config: LedgerClientConfig;
let client: LedgerClient;
const admins = new Map<string, Identity>();

/** Writes a founders file whose entries use `identities` (by MSP id, default each organisation's admin). */
function foundersFile(name: string, identities: Readonly<Record<string, Identity | undefined>> = {}): string {
  const organisations = MEMBERS.map((member) => {
    const identity = identities[member.mspId] ?? admins.get(member.mspId);
    if (identity === undefined) throw new Error(`no admin of ${member.mspId}`);
    const certificate = `${name}-${member.mspId}-cert.pem`;
    const privateKey = `${name}-${member.mspId}-key.pem`;
    writeFileSync(join(dir, certificate), identity.certificate);
    writeFileSync(join(dir, privateKey), identity.privateKey);
    return { mspId: member.mspId, country: member.country, certificate, privateKey };
  });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ organisations }));
  return file;
}

async function failure(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: unknown) => error,
  );
}

beforeAll(async () => {
  net = await startTestNetwork({ registry: false });
  dir = mkdtempSync(join(tmpdir(), 'custodia-genesis-'));
  config = readLedgerClientConfig({ CUSTODIA_NETWORK: 'fabric', CUSTODIA_CONNECTION_FILE: net.profilePath });
  client = new LedgerClient({ config });
  for (const member of MEMBERS)
    admins.set(member.mspId, await net.enrol(member.mspId, `admin-${member.country}`, 'admin'));
}, 120_000);

afterAll(async () => {
  client?.close();
  await net?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

it('refuses a founders file that is not one, before any transaction', async () => {
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, JSON.stringify({ organisations: [{ mspId: ORG_DE, country: 'Germany' }] }));
  const refused = await failure(foundRegistryFromFile(config, broken));
  expect(refused).toBeInstanceOf(LedgerClientError);
  expect((refused as LedgerClientError).code).toBe(LedgerClientErrorCode.InvalidConfig);
});

it('lets no organisation approve for another: a French admin’s enrolment filed as the Italian one is refused', async () => {
  const forged = foundersFile('forged', {
    [ORG_IT]: { ...(admins.get(ORG_FR) as Identity), mspId: ORG_IT },
  });
  const impersonated = await failure(foundRegistryFromFile(config, forged));
  expect(impersonated).toBeInstanceOf(LedgerClientError);
  // The peer validates the certificate against the MSP it claims: not the Italian CA's, refused before the chaincode.
  expect((impersonated as LedgerClientError).code).toBe(LedgerClientErrorCode.Rejected);
  // A clinician of the organisation is not its admin either: the chaincode refuses the approval.
  const clinician = await net.enrol(ORG_IT, 'dr-founder', 'clinician', 'IT');
  const notAdmin = foundersFile('not-admin', { [ORG_IT]: clinician });
  const refused = await failure(foundRegistryFromFile(config, notAdmin));
  expect(refused).toBeInstanceOf(ChaincodeCallError);
  expect((refused as ChaincodeCallError).code).toBe('FORBIDDEN');
  expect(await client.as(admins.get(ORG_DE) as Identity).organisations.registry()).toEqual({
    version: 0,
    members: [],
  });
});

it('founds the registry once every founder approved, completing a run that stopped midway, and never twice', async () => {
  // An earlier run stopped after the German approval.
  const genesis = { sequence: 1, kind: 'genesis', members: MEMBERS } as const;
  await client.as(admins.get(ORG_DE) as Identity).organisations.approve(genesis);
  const file = foundersFile('founders');
  const registry = await foundRegistryFromFile(config, file);
  expect(registry).toMatchObject({ version: 1, members: MEMBERS });
  // Run again (by another operator, say): the registry as it is, not a second genesis.
  expect(await foundRegistryFromFile(config, file)).toEqual(registry);
  expect(await client.as(admins.get(ORG_FR) as Identity).organisations.registry()).toEqual(registry);
});
