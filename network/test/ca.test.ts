import 'reflect-metadata';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import FabricCAServices from 'fabric-ca-client';
import { User } from 'fabric-common';
import { ClientIdentity } from 'fabric-shim';
import type { ChaincodeStub } from 'fabric-shim';
import { msp } from '@hyperledger/fabric-protos';
import { CertificateAuthority, MspRegistry } from '@custodia/network/msp';
import { MspErrorCode, readCertificate, sign, verify } from '@custodia/ledger';
import { FabricCaCode, startCaServer } from '@custodia/network/ca';
import * as x509 from '@peculiar/x509';
import type { CaServer, CaServerOptions } from '@custodia/network/ca';

const MSP_ID = 'HospitalDEMSP';

function serialized(certificate: string): Uint8Array {
  const identity = new msp.SerializedIdentity();
  identity.setMspid(MSP_ID);
  identity.setIdBytes(new TextEncoder().encode(certificate));
  return identity.serializeBinary();
}

/** fabric-shim's own attribute reading, fed the creator a peer would hand it. */
function shimIdentity(certificate: string): ClientIdentity {
  const creator = { mspid: MSP_ID, idBytes: new TextEncoder().encode(certificate) };
  const stub = { getChannelID: () => 'custodia', getTxID: () => 'tx', getCreator: () => creator };
  return new ClientIdentity(stub as unknown as ChaincodeStub);
}

/** The Fabric CA error code a fabric-ca-client call failed with (the client copies the envelope onto the error). */
async function failureCode(call: Promise<unknown>): Promise<number | undefined> {
  try {
    await call;
  } catch (error) {
    return (error as { errors?: { code: number }[] }).errors?.[0]?.code;
  }
  throw new Error('expected the CA to refuse');
}

describe('embedded Fabric CA through fabric-ca-client', () => {
  let dataDir: string;
  let server: CaServer;
  let registry: MspRegistry;
  let client: FabricCAServices;
  let admin: User;
  let adminCertificate: string;
  const options = (): CaServerOptions => ({
    mspId: MSP_ID,
    country: 'DE',
    dataDir,
    bootstrap: { id: 'admin', secret: 'adminpw' },
    affiliations: ['hospital-de.cardiology', 'hospital-de.radiology'],
  });

  async function enrolUser(id: string, secret: string, attrReqs?: FabricCAServices.IAttributeRequest[]) {
    const enrollment = await client.enroll({
      enrollmentID: id,
      enrollmentSecret: secret,
      ...(attrReqs ? { attr_reqs: attrReqs } : {}),
    });
    const privateKey = enrollment.key.toBytes();
    return {
      enrollment,
      user: User.createUser(id, secret, MSP_ID, enrollment.certificate, privateKey),
      privateKey,
    };
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'custodia-ca-'));
    registry = new MspRegistry();
    server = await startCaServer(options(), { revocations: registry });
    registry.add(MSP_ID, server.service.certificate);
    client = new FabricCAServices(server.url, undefined, server.service.caName);
    const bootstrap = await enrolUser('admin', 'adminpw');
    admin = bootstrap.user;
    adminCertificate = bootstrap.enrollment.certificate;
  });

  afterAll(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers cainfo with the CA name and certificate chain', async () => {
    const info = await client.getCaInfo(admin);
    expect(info.caName).toBe(server.service.caName);
    expect(info.caChain).toBe(server.service.certificate);
  });

  it('enrols the bootstrap admin with a certificate the network MSP accepts', async () => {
    const validated = registry.validate(serialized(adminCertificate));
    expect(validated).toMatchObject({ enrollmentId: 'admin', organizationalUnits: ['client'] });
    // Registrar privileges are registered without the ecert flag: they stay out of the certificate.
    expect(validated.attrs).toEqual({
      'hf.Affiliation': '',
      'hf.EnrollmentID': 'admin',
      'hf.Type': 'client',
    });
  });

  it('registers a clinician with attributes that fabric-shim reads from the enrolled certificate', async () => {
    const secret = await client.register(
      {
        enrollmentID: 'dr-anna',
        affiliation: 'hospital-de.cardiology',
        role: 'client',
        attrs: [
          { name: 'custodia.role', value: 'clinician', ecert: true },
          { name: 'custodia.id', value: 'prac-0042', ecert: true },
          { name: 'custodia.country', value: 'DE', ecert: true },
          { name: 'custodia.internal', value: 'not-in-cert' },
        ],
      },
      admin,
    );
    expect(secret).toMatch(/^\S{8,}$/);
    const { enrollment, privateKey } = await enrolUser('dr-anna', secret);
    const cid = shimIdentity(enrollment.certificate);
    expect(cid.getAttributeValue('custodia.role')).toBe('clinician');
    expect(cid.getAttributeValue('custodia.id')).toBe('prac-0042');
    expect(cid.getAttributeValue('custodia.country')).toBe('DE');
    expect(cid.getAttributeValue('hf.Affiliation')).toBe('hospital-de.cardiology');
    expect(cid.getAttributeValue('custodia.internal')).toBeNull();
    expect(cid.getID()).toMatch(/^x509::\/OU=client\/OU=hospital-de\/OU=cardiology\/CN=dr-anna::/);
    // The certificate is for the key fabric-ca-client generated and kept.
    const message = new TextEncoder().encode('proposal bytes');
    expect(verify(enrollment.certificate, message, sign(privateKey, message))).toBe(true);
    expect(registry.validate(serialized(enrollment.certificate)).enrollmentId).toBe('dr-anna');
  });

  it('puts exactly the requested attributes in the certificate and refuses a missing required one', async () => {
    const secret = await client.register(
      {
        enrollmentID: 'nurse-ben',
        affiliation: 'hospital-de.radiology',
        maxEnrollments: -1,
        attrs: [{ name: 'custodia.role', value: 'nurse' }],
      },
      admin,
    );
    const { enrollment } = await enrolUser('nurse-ben', secret, [{ name: 'custodia.role', optional: false }]);
    expect(readCertificate(enrollment.certificate).attrs).toEqual({ 'custodia.role': 'nurse' });
    const missing = enrolUser('nurse-ben', secret, [{ name: 'custodia.country', optional: false }]);
    expect(await failureCode(missing)).toBe(FabricCaCode.BadRequestBody);
    const optional = await enrolUser('nurse-ben', secret, [{ name: 'custodia.country', optional: true }]);
    expect(readCertificate(optional.enrollment.certificate).attrs).toEqual({});
  });

  it('reenrols an identity with a fresh certificate and key', async () => {
    const secret = await client.register(
      {
        enrollmentID: 'patient-p1',
        affiliation: '',
        attrs: [{ name: 'custodia.role', value: 'patient', ecert: true }],
      },
      admin,
    );
    const first = await enrolUser('patient-p1', secret);
    const renewed = await client.reenroll(first.user, [{ name: 'custodia.role', optional: false }]);
    const before = readCertificate(first.enrollment.certificate);
    const after = readCertificate(renewed.certificate);
    expect(after.serialNumber).not.toBe(before.serialNumber);
    expect(after.attrs).toEqual({ 'custodia.role': 'patient' });
    expect(renewed.rootCertificate).toBe(server.service.certificate);
    expect(registry.validate(serialized(renewed.certificate)).enrollmentId).toBe('patient-p1');
  });

  it('revokes an identity: its certificates are refused by the MSP and it can no longer enrol', async () => {
    const secret = await client.register(
      { enrollmentID: 'leaver', affiliation: '', maxEnrollments: -1 },
      admin,
    );
    const { enrollment, user } = await enrolUser('leaver', secret);
    expect(registry.validate(serialized(enrollment.certificate)).enrollmentId).toBe('leaver');

    const response = (await client.revoke({ enrollmentID: 'leaver' }, admin)) as {
      result: { RevokedCerts: { Serial: string; AKI: string }[] };
    };
    const serial = readCertificate(enrollment.certificate).serialNumber;
    expect(response.result.RevokedCerts).toEqual([
      { Serial: serial, AKI: expect.stringMatching(/^[0-9a-f]+$/) },
    ]);
    expect(() => registry.validate(serialized(enrollment.certificate))).toThrow(
      expect.objectContaining({ code: MspErrorCode.Revoked }),
    );
    expect(await failureCode(enrolUser('leaver', secret))).toBe(FabricCaCode.AuthenticationFailure);
    expect(await failureCode(client.reenroll(user, []))).toBe(FabricCaCode.AuthenticationFailure);
  });

  it('revokes one certificate by AKI and serial and returns a CRL listing it', async () => {
    const secret = await client.register(
      { enrollmentID: 'lost-laptop', affiliation: '', maxEnrollments: 2 },
      admin,
    );
    const lost = await enrolUser('lost-laptop', secret);
    const kept = await enrolUser('lost-laptop', secret);
    const info = readCertificate(lost.enrollment.certificate);
    const aki = server.service.authority.authorityKeyIdentifier;
    const response = (await client.revoke(
      {
        enrollmentID: '',
        aki,
        serial: info.serialNumber.toUpperCase(),
        reason: 'keycompromise',
        gencrl: true,
      } as FabricCAServices.IRevokeRequest,
      admin,
    )) as { result: { CRL: string } };
    const crl = new x509.X509Crl(Buffer.from(response.result.CRL, 'base64').toString());
    const caKey = new x509.X509Certificate(server.service.certificate).publicKey;
    expect(await crl.verify({ publicKey: caKey })).toBe(true);
    expect(crl.findRevoked(info.serialNumber)?.reason).toBe(x509.X509CrlReason.keyCompromise);
    expect(server.service.revokedSerials()).toContain(info.serialNumber);
    expect(() => registry.validate(serialized(lost.enrollment.certificate))).toThrow(
      expect.objectContaining({ code: MspErrorCode.Revoked }),
    );
    expect(registry.validate(serialized(kept.enrollment.certificate)).enrollmentId).toBe('lost-laptop');
    // maxEnrollments 2 is used up.
    expect(await failureCode(enrolUser('lost-laptop', secret))).toBe(FabricCaCode.AuthenticationFailure);
  });

  it('refuses a wrong secret and an unknown identity alike (401, Authentication failure)', async () => {
    expect(await failureCode(enrolUser('admin', 'wrong'))).toBe(FabricCaCode.AuthenticationFailure);
    expect(await failureCode(enrolUser('nobody', 'adminpw'))).toBe(FabricCaCode.AuthenticationFailure);
  });

  it('lets only registrars register, within their roles and attributes', async () => {
    const plainSecret = await client.register({ enrollmentID: 'plain-user', affiliation: '' }, admin);
    const plain = (await enrolUser('plain-user', plainSecret)).user;
    const byPlain = client.register({ enrollmentID: 'sneaky', affiliation: '' }, plain);
    expect(await failureCode(byPlain)).toBe(FabricCaCode.AuthorizationFailure);

    const deskSecret = await client.register(
      {
        enrollmentID: 'front-desk',
        affiliation: 'hospital-de',
        attrs: [
          { name: 'hf.Registrar.Roles', value: 'client' },
          { name: 'hf.Registrar.Attributes', value: 'custodia.role' },
        ],
      },
      admin,
    );
    const desk = (await enrolUser('front-desk', deskSecret)).user;
    const ok = await client.register(
      {
        enrollmentID: 'patient-p2',
        affiliation: 'hospital-de.cardiology',
        attrs: [{ name: 'custodia.role', value: 'patient' }],
      },
      desk,
    );
    expect(ok).toBeTruthy();
    const outsideAttrs = client.register(
      {
        enrollmentID: 'patient-p3',
        affiliation: 'hospital-de',
        attrs: [{ name: 'custodia.id', value: 'x' }],
      },
      desk,
    );
    expect(await failureCode(outsideAttrs)).toBe(FabricCaCode.AuthorizationFailure);
    const peer = client.register({ enrollmentID: 'peer9', affiliation: 'hospital-de', role: 'peer' }, desk);
    expect(await failureCode(peer)).toBe(FabricCaCode.AuthorizationFailure);
    const escalate = client.register(
      { enrollmentID: 'boss', affiliation: 'hospital-de', attrs: [{ name: 'hf.Revoker', value: 'true' }] },
      desk,
    );
    expect(await failureCode(escalate)).toBe(FabricCaCode.AuthorizationFailure);
    const revoke = client.revoke({ enrollmentID: 'patient-p2' }, desk);
    expect(await failureCode(revoke)).toBe(FabricCaCode.AuthorizationFailure);
  });

  it('refuses duplicate registrations and unknown affiliations', async () => {
    await client.register({ enrollmentID: 'twice', affiliation: '' }, admin);
    expect(await failureCode(client.register({ enrollmentID: 'twice', affiliation: '' }, admin))).toBe(
      FabricCaCode.Unknown,
    );
    expect(await failureCode(client.register({ enrollmentID: 'lost', affiliation: 'nowhere' }, admin))).toBe(
      FabricCaCode.GettingAffiliation,
    );
  });

  it('keeps its CA key, identities and revocations across a restart', async () => {
    const secret = await client.register({ enrollmentID: 'after-restart', affiliation: '' }, admin);
    const caCertificate = server.service.certificate;
    const revoked = server.service.revokedSerials();
    await server.close();

    const freshRegistry = new MspRegistry();
    freshRegistry.add(MSP_ID, caCertificate);
    server = await startCaServer(options(), { revocations: freshRegistry });
    client = new FabricCAServices(server.url, undefined, server.service.caName);
    expect(server.service.certificate).toBe(caCertificate);
    for (const serial of revoked) expect(freshRegistry.isRevoked(MSP_ID, serial)).toBe(true);
    const { enrollment } = await enrolUser('after-restart', secret);
    expect(freshRegistry.validate(serialized(enrollment.certificate)).enrollmentId).toBe('after-restart');
    // The admin's certificate from before the restart still authenticates.
    expect(await client.register({ enrollmentID: 'post-restart-2', affiliation: '' }, admin)).toBeTruthy();
  });
});

describe('embedded Fabric CA over HTTPS', () => {
  it('serves fabric-ca-client over TLS with a trusted root', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'custodia-ca-tls-'));
    const tlsCa = await CertificateAuthority.create({ mspId: 'TlsCA' });
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const tlsCert = await tlsCa.certify({
      enrollmentId: 'ca.hospital-fr',
      publicKey,
      attrs: {},
      profile: 'tls',
      hosts: ['127.0.0.1', 'localhost'],
    });
    const server = await startCaServer({
      mspId: 'HospitalFRMSP',
      dataDir,
      bootstrap: { id: 'admin', secret: 'adminpw' },
      tls: {
        certificate: tlsCert,
        privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
      },
    });
    try {
      expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const client = new FabricCAServices(server.url, { trustedRoots: [tlsCa.certificate], verify: true });
      const enrollment = await client.enroll({ enrollmentID: 'admin', enrollmentSecret: 'adminpw' });
      expect(readCertificate(enrollment.certificate).enrollmentId).toBe('admin');
      const untrusting = new FabricCAServices(server.url, { trustedRoots: [], verify: true });
      await expect(
        untrusting.enroll({ enrollmentID: 'admin', enrollmentSecret: 'adminpw' }),
      ).rejects.toThrow();
    } finally {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
