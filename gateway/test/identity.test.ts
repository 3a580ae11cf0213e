/**
 * The identity service against the embedded network's real CAs: users created through fabric-ca-client carry
 * the Custodia attributes on their certificates, their identities (from the encrypted wallet) sign chaincode
 * transactions through connect(), and disabling a user revokes the certificate so the peer refuses it.
 */
import 'reflect-metadata';
import { randomBytes, X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { connect as tlsConnect } from 'node:tls';
import { join } from 'node:path';
import type { StoredRule } from '@custodia/chaincode';
import {
  ChaincodeCallError,
  LedgerClientError,
  LedgerClientErrorCode,
  readCertificate,
  FileWallet,
  WALLET_KEY_ENV,
} from '@custodia/ledger';
import type { Identity, LedgerConnection } from '@custodia/ledger';
import FabricCAServices from 'fabric-ca-client';
import { User as FabricUser } from 'fabric-common';
import { IdentityError, openIdentityService, readRegistrars } from '../src/identity';
import type { IdentityService, IdentityServiceOptions, NewUser } from '../src/identity';
import {
  json,
  ORG_DE,
  ORG_FR,
  permitClinicians,
  pseudonym,
  startEmbeddedTestNetwork,
} from '../../network/test/fixtures/embedded-network';
import type { EmbeddedTestNetwork } from '../../network/test/fixtures/embedded-network';

let net: EmbeddedTestNetwork;
let dir: string;
let wallet: FileWallet;
let options: IdentityServiceOptions;
let identity: IdentityService;
const connections: LedgerConnection[] = [];

const PASSWORD = 'correct horse battery staple';
const MARIA = pseudonym('maria');

const patient: NewUser = {
  username: 'Maria.Rossi',
  password: PASSWORD,
  displayName: 'Maria Rossi',
  role: 'patient',
  mspId: ORG_DE,
  country: 'DE',
  ledgerId: MARIA,
};
const clinician: NewUser = {
  username: 'dr.dupont',
  password: PASSWORD,
  displayName: 'Jean Dupont',
  role: 'clinician',
  mspId: ORG_FR,
  country: 'FR',
};

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

async function identityCode(promise: Promise<unknown>): Promise<string> {
  const error = await failure(promise);
  if (!(error instanceof IdentityError)) throw new Error(`expected an IdentityError, got ${String(error)}`);
  return error.code;
}

async function ledgerAs(user: Identity): Promise<LedgerConnection> {
  const connection = await net.connect(user);
  connections.push(connection);
  return connection;
}

// The network generates its registrar secret (registrar.secret in its data dir), as `npm start` does.
beforeAll(async () => {
  net = await startEmbeddedTestNetwork({ registrar: {} });
  dir = mkdtempSync(join(tmpdir(), 'custodia-gateway-identity-'));
  wallet = await FileWallet.open(join(dir, 'wallet'), {
    env: { [WALLET_KEY_ENV]: randomBytes(32).toString('hex') },
  });
  options = {
    dataDir: join(dir, 'gateway'),
    profile: net.network.profile,
    registrars: await readRegistrars({}, net.dataDir, [ORG_DE, ORG_FR, 'HospitalITMSP']),
    wallet,
  };
  identity = await openIdentityService(options);
}, 120_000);

afterAll(async () => {
  for (const connection of connections) connection.close();
  await net.destroy();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Registers, at `mspId`'s CA, a Custodia registrar as network/fabric/scripts/enroll.sh does (clients only,
 * custodia.* attributes, may revoke), with its own secret written to a 0600 file; returns that file.
 */
async function organisationRegistrar(mspId: string, id: string): Promise<string> {
  const org = net.network.organisations.find((candidate) => candidate.mspId === mspId);
  if (!org) throw new Error(`no organisation ${mspId}`);
  const ca = new FabricCAServices(
    org.caUrl,
    { trustedRoots: [net.network.tlsCaCertificate], verify: true },
    org.caName,
  );
  const bootstrap = await ca.enroll({
    enrollmentID: org.registrar.id,
    enrollmentSecret: org.registrar.secret,
  });
  const secret = randomBytes(16).toString('hex');
  await ca.register(
    {
      enrollmentID: id,
      enrollmentSecret: secret,
      affiliation: '',
      role: 'client',
      attrs: [
        { name: 'hf.Registrar.Roles', value: 'client' },
        { name: 'hf.Registrar.Attributes', value: 'custodia.*' },
        { name: 'hf.Revoker', value: 'true' },
      ],
    },
    FabricUser.createUser(org.registrar.id, '', mspId, bootstrap.certificate, bootstrap.key.toBytes()),
  );
  const file = join(dir, `${id}-${mspId}.secret`);
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return file;
}

describe('one registrar per organisation (CUSTODIA_CA_REGISTRARS)', () => {
  let files: Record<string, string>;
  const open = async (registrars: Record<string, { id: string; secretFile: string }>, name: string) =>
    openIdentityService({
      ...options,
      dataDir: join(dir, name),
      registrars: await readRegistrars(
        { CUSTODIA_CA_REGISTRARS: JSON.stringify(registrars) },
        net.dataDir,
        Object.keys(registrars),
      ),
    });

  beforeAll(async () => {
    files = {
      [ORG_DE]: await organisationRegistrar(ORG_DE, 'registrar-de'),
      [ORG_FR]: await organisationRegistrar(ORG_FR, 'registrar-fr'),
    };
  });

  it("enrols each organisation's users with that organisation's own registrar and secret", async () => {
    const service = await open(
      {
        [ORG_DE]: { id: 'registrar-de', secretFile: files[ORG_DE] ?? '' },
        [ORG_FR]: { id: 'registrar-fr', secretFile: files[ORG_FR] ?? '' },
      },
      'per-organisation',
    );
    await service.createUser({ ...patient, username: 'p.de', ledgerId: pseudonym('patient-reg-de') });
    await service.createUser({ ...clinician, username: 'c.fr', ledgerId: 'clin-reg-fr' });
    expect(readCertificate((await wallet.get(ORG_FR, 'clin-reg-fr'))?.certificate ?? '').attrs).toMatchObject(
      {
        'custodia.role': 'clinician',
        'custodia.id': 'clin-reg-fr',
      },
    );
  });

  it("cannot enrol at one organisation's CA with another organisation's registrar secret", async () => {
    const service = await open(
      {
        [ORG_DE]: { id: 'registrar-de', secretFile: files[ORG_DE] ?? '' },
        [ORG_FR]: { id: 'registrar-fr', secretFile: files[ORG_DE] ?? '' },
      },
      'crossed-secrets',
    );
    expect(
      await identityCode(service.createUser({ ...clinician, username: 'c.fr2', ledgerId: 'clin-reg-fr2' })),
    ).toBe('ENROLMENT_FAILED');
    expect(await wallet.get(ORG_FR, 'clin-reg-fr2')).toBeUndefined();
  });
});

/** The certificate a TLS server presents (the leaf), as PEM. */
async function presentedCertificate(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  const socket = tlsConnect({ host: hostname, port: Number(port), rejectUnauthorized: false });
  await once(socket, 'secureConnect');
  const der = socket.getPeerCertificate().raw;
  socket.destroy();
  return new X509Certificate(der).toString();
}

describe("a CA's TLS trust anchor", () => {
  it("answers CA_UNAVAILABLE, naming TLS, when the connection file trusts the CA's own TLS certificate instead of its CA", async () => {
    const org = net.network.profile.organisations.find((candidate) => candidate.mspId === ORG_DE);
    if (!org?.ca) throw new Error('no CA');
    // What the scripts once gave clients: the CA server's certificate (a leaf), not the CA it chains to.
    const leaf = await presentedCertificate(org.ca.url);
    const service = await openIdentityService({
      ...options,
      dataDir: join(dir, 'leaf-anchor'),
      profile: {
        ...net.network.profile,
        organisations: [{ ...org, ca: { ...org.ca, tlsCaCertificate: leaf } }],
      },
    });
    const error = await failure(
      service.createUser({ ...patient, username: 'leaf.anchor', ledgerId: pseudonym('patient-leaf-anchor') }),
    );
    expect(error).toMatchObject({
      code: 'CA_UNAVAILABLE',
      message: expect.stringContaining('TLS certificate'),
    });
    expect(await wallet.get(ORG_DE, pseudonym('patient-leaf-anchor'))).toBeUndefined();
  });
});

describe('users enrolled at their organisation CA', () => {
  it('reads the registrar secret from CUSTODIA_CA_ADMIN_SECRET before the network data dir', async () => {
    const fromFile = await readRegistrars({}, net.dataDir, [ORG_DE]);
    expect(fromFile.get(ORG_DE)).toEqual({
      id: 'admin',
      secret: (await readFile(join(net.dataDir, 'registrar.secret'), 'utf8')).trim(),
    });
    const fromEnv = await readRegistrars({ CUSTODIA_CA_ADMIN_SECRET: 'from-env-secret' }, net.dataDir, [
      ORG_DE,
    ]);
    expect(fromEnv.get(ORG_DE)).toEqual({ id: 'admin', secret: 'from-env-secret' });
  });

  it('creates a patient whose certificate carries custodia.role/id/country and who can create a rule', async () => {
    // A patient acts on the ledger only as a pseudonym its organisation registered.
    await (await net.admin(ORG_DE)).patients.register(MARIA);
    const user = await identity.createUser(patient);
    expect(user).toMatchObject({ username: 'maria.rossi', role: 'patient', ledgerId: MARIA });

    const stored = await wallet.get(ORG_DE, MARIA);
    expect(stored).toBeDefined();
    expect(readCertificate(stored?.certificate ?? '').attrs).toMatchObject({
      'custodia.role': 'patient',
      'custodia.id': MARIA,
      'custodia.country': 'DE',
    });
    // Encrypted at rest: the key's PEM body is not in the wallet file.
    const entry = await readFile(join(dir, 'wallet', ORG_DE, `${MARIA}.json`), 'utf8');
    expect(entry).not.toContain((stored?.privateKey ?? '').split('\n')[1]);

    const login = await identity.login({ username: 'MARIA.ROSSI', password: PASSWORD }, '127.0.0.1');
    const me = await identity.verifyAccessToken(login.accessToken);
    const ledger = await ledgerAs(await identity.identityOf(me));
    const rule = json<StoredRule>(
      (await ledger.submit('rules:createRule', { arguments: [permitClinicians()] })).payload,
    );
    expect(rule).toMatchObject({ patientId: MARIA, version: 1, status: 'active' });
  });

  it('creates a clinician in another organisation; the chaincode sees a clinician (who may not create rules)', async () => {
    const user = await identity.createUser(clinician);
    expect(user.ledgerId).toMatch(/^[0-9a-f-]{36}$/);
    const login = await identity.login({ username: 'dr.dupont', password: PASSWORD }, '127.0.0.1');
    const ledger = await ledgerAs(
      await identity.identityOf(await identity.verifyAccessToken(login.accessToken)),
    );
    const refused = await failure(ledger.submit('rules:createRule', { arguments: [permitClinicians()] }));
    expect(refused).toBeInstanceOf(ChaincodeCallError);
    expect((refused as ChaincodeCallError).code).toBe('FORBIDDEN');
  });

  it('refuses taken usernames (any case) and ledger ids, unknown organisations and bad fields', async () => {
    expect(
      await identityCode(
        identity.createUser({ ...patient, username: 'maria.ROSSI', ledgerId: pseudonym('p-2') }),
      ),
    ).toBe('USER_EXISTS');
    expect(await identityCode(identity.createUser({ ...patient, username: 'maria2' }))).toBe('USER_EXISTS');
    expect(
      await identityCode(identity.createUser({ ...patient, username: 'maria3', mspId: 'NoSuchMSP' })),
    ).toBe('UNKNOWN_ORGANISATION');
    const invalid = await failure(identity.createUser({ ...patient, username: 'maria4', ledgerId: 'p 4' }));
    expect(invalid).toMatchObject({ code: 'INVALID_USER', httpStatus: 400, details: { field: 'ledgerId' } });
    // A patient carries a pseudonym, and nobody else does.
    const readable = await failure(
      identity.createUser({ ...patient, username: 'maria6', ledgerId: 'maria' }),
    );
    expect(readable).toMatchObject({ code: 'INVALID_USER', details: { field: 'ledgerId' } });
    const disguised = await failure(
      identity.createUser({ ...clinician, username: 'dr.disguised', ledgerId: pseudonym('p-6') }),
    );
    expect(disguised).toMatchObject({ code: 'INVALID_USER', details: { field: 'ledgerId' } });
    expect(
      await identityCode(
        identity.createUser({
          ...patient,
          username: 'maria5',
          ledgerId: pseudonym('p-5'),
          password: 'short',
        }),
      ),
    ).toBe('INVALID_USER');
    expect(identity.listUsers().map((user) => user.username)).toEqual(['dr.dupont', 'maria.rossi']);
  });

  it('answers ENROLMENT_FAILED when the CA refuses (the id is already registered there)', async () => {
    const elsewhere = pseudonym('registered-elsewhere');
    await net.enrol(ORG_DE, elsewhere, 'patient');
    expect(
      await identityCode(identity.createUser({ ...patient, username: 'elsewhere', ledgerId: elsewhere })),
    ).toBe('ENROLMENT_FAILED');
    expect(identity.listUsers()).toHaveLength(2);
  });

  it('keeps users and keys across a restart of the service', async () => {
    const before = await identity.login({ username: 'maria.rossi', password: PASSWORD }, '127.0.0.1');
    // The gateway process that owns the data dir restarts: users, keys and logins are read back from disk.
    identity = await openIdentityService(options);
    expect(await identity.verifyAccessToken(before.accessToken)).toMatchObject({ ledgerId: MARIA });
    const login = await identity.login({ username: 'maria.rossi', password: PASSWORD }, '127.0.0.1');
    expect(await identity.verifyAccessToken(login.accessToken)).toMatchObject({ ledgerId: MARIA });
  });

  it('disabling a user revokes the certificate at the CA: the peer refuses it, and the account is closed', async () => {
    const login = await identity.login({ username: 'maria.rossi', password: PASSWORD }, '127.0.0.1');
    const me = await identity.verifyAccessToken(login.accessToken);
    const ledgerIdentity = await identity.identityOf(me);
    const user = identity.listUsers().find((candidate) => candidate.username === 'maria.rossi');
    expect((await identity.disableUser(user?.userId ?? '')).disabled).toBe(true);

    const ledger = await ledgerAs(ledgerIdentity);
    const refused = await failure(ledger.submit('rules:createRule', { arguments: [permitClinicians()] }));
    expect(refused).toBeInstanceOf(LedgerClientError);
    expect((refused as LedgerClientError).code).toBe(LedgerClientErrorCode.Rejected);

    expect(await wallet.get(ORG_DE, MARIA)).toBeUndefined();
    expect(await identityCode(identity.identityOf(me))).toBe('IDENTITY_UNAVAILABLE');
    expect(await identityCode(identity.verifyAccessToken(login.accessToken))).toBe('TOKEN_INVALID');
    expect(await identityCode(identity.refresh(login.refreshToken))).toBe('TOKEN_INVALID');
    expect(await identityCode(identity.login({ username: 'maria.rossi', password: PASSWORD }, 'ip'))).toBe(
      'INVALID_CREDENTIALS',
    );
  });

  it('answers CA_UNAVAILABLE when the CA cannot be reached', async () => {
    await net.stop();
    expect(
      await identityCode(identity.createUser({ ...clinician, username: 'dr.later', ledgerId: 'dr-later' })),
    ).toBe('CA_UNAVAILABLE');
  });
});
