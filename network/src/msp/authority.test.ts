import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { ClientIdentity } from 'fabric-shim';
import type { ChaincodeStub } from 'fabric-shim';
import { x509, isIssuedBy, readCertificate, MspErrorCode } from '@custodia/ledger';
import { CertificateAuthority } from './authority';
import type { Identity } from '@custodia/ledger';

/** What fabric-shim's ClientIdentity reads from a transaction: only the creator (mspid + PEM bytes). */
function clientIdentityOf(identity: Identity): ClientIdentity {
  const creator = { mspid: identity.mspId, idBytes: new TextEncoder().encode(identity.certificate) };
  const stub = { getChannelID: () => 'custodia', getTxID: () => 'tx', getCreator: () => creator };
  return new ClientIdentity(stub as unknown as ChaincodeStub);
}

describe('CertificateAuthority', () => {
  let ca: CertificateAuthority;
  beforeAll(async () => {
    ca = await CertificateAuthority.create({ mspId: 'HospitalDEMSP', country: 'DE' });
  });

  it('creates a self-signed CA certificate shaped like Fabric CA (CA, certSign/cRLSign, SKI)', () => {
    const cert = new x509.X509Certificate(ca.certificate);
    expect(cert.subject).toBe(cert.issuer);
    expect(cert.subjectName.getField('C')).toEqual(['DE']);
    expect(cert.subjectName.getField('CN')).toEqual(['ca.hospitaldemsp']);
    const basic = cert.getExtension(x509.BasicConstraintsExtension);
    expect(basic?.ca).toBe(true);
    expect(basic?.critical).toBe(true);
    const usage = cert.getExtension(x509.KeyUsagesExtension);
    expect(usage?.usages).toBe(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
    expect(cert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId).toMatch(/^[0-9a-f]{40}$/);
    expect(new X509Certificate(ca.certificate).verify(new X509Certificate(ca.certificate).publicKey)).toBe(
      true,
    );
  });

  it('issues an enrolment certificate whose attributes fabric-shim ClientIdentity reads back', async () => {
    const identity = await ca.issue({
      enrollmentId: 'dr-1042',
      affiliation: 'hospital.cardiology',
      attrs: { 'custodia.role': 'clinician', 'custodia.country': 'DE' },
    });
    const cid = clientIdentityOf(identity);
    expect(cid.getMSPID()).toBe('HospitalDEMSP');
    expect(cid.getAttributeValue('custodia.role')).toBe('clinician');
    expect(cid.getAttributeValue('custodia.country')).toBe('DE');
    expect(cid.getAttributeValue('hf.EnrollmentID')).toBe('dr-1042');
    expect(cid.getAttributeValue('hf.Type')).toBe('client');
    expect(cid.getAttributeValue('hf.Affiliation')).toBe('hospital.cardiology');
    expect(cid.getID()).toBe(
      'x509::/OU=client/OU=hospital/OU=cardiology/CN=dr-1042::/C=DE/O=HospitalDEMSP/CN=ca.hospitaldemsp',
    );
  });

  it('issues leaf certificates with digitalSignature, AKI = CA SKI, and a usable PKCS#8 key', async () => {
    const identity = await ca.issue({ enrollmentId: 'patient-7', ou: 'client' });
    const cert = new x509.X509Certificate(identity.certificate);
    const caSki = new x509.X509Certificate(ca.certificate).getExtension(x509.SubjectKeyIdentifierExtension);
    expect(cert.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId).toBe(caSki?.keyId);
    expect(cert.getExtension(x509.KeyUsagesExtension)?.usages).toBe(x509.KeyUsageFlags.digitalSignature);
    expect(cert.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(false);
    expect(identity.privateKey).toContain('-----BEGIN PRIVATE KEY-----');
    const info = readCertificate(identity.certificate);
    expect(info).toMatchObject({ enrollmentId: 'patient-7', organizationalUnits: ['client'], isCa: false });
    expect(isIssuedBy(identity.certificate, ca.certificate)).toBe(true);
  });

  it('produces certificates that OpenSSL verifies against the CA certificate', async () => {
    const identity = await ca.issue({ enrollmentId: 'openssl-check' });
    const dir = mkdtempSync(join(tmpdir(), 'custodia-msp-'));
    try {
      writeFileSync(join(dir, 'ca.pem'), ca.certificate);
      writeFileSync(join(dir, 'leaf.pem'), identity.certificate);
      const out = execFileSync('openssl', ['verify', '-CAfile', join(dir, 'ca.pem'), join(dir, 'leaf.pem')]);
      expect(out.toString()).toContain('leaf.pem: OK');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is not fooled by another CA with the same name', async () => {
    const impostor = await CertificateAuthority.create({ mspId: 'HospitalDEMSP', country: 'DE' });
    const forged = await impostor.issue({ enrollmentId: 'dr-1042' });
    expect(isIssuedBy(forged.certificate, ca.certificate)).toBe(false);
    expect(isIssuedBy(ca.certificate, forged.certificate)).toBe(false);
  });

  it('reloads from persisted material and keeps issuing under the same CA', async () => {
    const restored = CertificateAuthority.load(ca.material());
    expect(restored.certificate).toBe(ca.certificate);
    const identity = await restored.issue({ enrollmentId: 'after-restart' });
    expect(isIssuedBy(identity.certificate, ca.certificate)).toBe(true);
  });

  it('refuses material whose private key does not belong to the certificate', async () => {
    const other = await CertificateAuthority.create({ mspId: 'Other' });
    expect(() =>
      CertificateAuthority.load({ ...ca.material(), privateKey: other.material().privateKey }),
    ).toThrow(expect.objectContaining({ code: MspErrorCode.InvalidKey }));
  });

  it('certifies a presented key with exactly the attributes given, and none at all when empty', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const withAttrs = await ca.certify({
      enrollmentId: 'csr-user',
      publicKey,
      attrs: { 'custodia.role': 'patient' },
    });
    expect(readCertificate(withAttrs).attrs).toEqual({ 'custodia.role': 'patient' });
    expect(new X509Certificate(withAttrs).publicKey.equals(publicKey)).toBe(true);
    const bare = await ca.certify({ enrollmentId: 'csr-user', publicKey, attrs: {} });
    expect(new x509.X509Certificate(bare).getExtension('1.2.3.4.5.6.7.8.1')).toBeNull();
  });

  it('issues TLS-profile certificates with serverAuth/clientAuth and the requested host names', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const pem = await ca.certify({
      enrollmentId: 'peer0',
      publicKey,
      attrs: {},
      profile: 'tls',
      hosts: ['peer0.de', '127.0.0.1'],
    });
    const cert = new X509Certificate(pem);
    expect(cert.subjectAltName).toBe('DNS:peer0.de, IP Address:127.0.0.1');
    expect(cert.keyUsage).toEqual(expect.arrayContaining(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']));
  });

  it('signs CRLs listing revoked serials that verify against the CA certificate', async () => {
    const revoked = readCertificate((await ca.issue({ enrollmentId: 'leaver' })).certificate).serialNumber;
    const crl = new x509.X509Crl(
      await ca.createCrl([{ serialNumber: revoked, revokedAt: new Date(), reason: 1 }]),
    );
    expect(await crl.verify({ publicKey: new x509.X509Certificate(ca.certificate).publicKey })).toBe(true);
    expect(crl.findRevoked(revoked)?.reason).toBe(1);
    expect(crl.entries).toHaveLength(1);
  });
});
