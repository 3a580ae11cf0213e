import { msp } from '@hyperledger/fabric-protos';
import { CertificateAuthority } from './authority';
import * as ledger from '@custodia/ledger';
import { MspErrorCode } from '@custodia/ledger';
import { MspRegistry } from './registry';
import type { Identity } from '@custodia/ledger';

function serialize(identity: Identity, mspId: string = identity.mspId): Uint8Array {
  const serialized = new msp.SerializedIdentity();
  serialized.setMspid(mspId);
  serialized.setIdBytes(new TextEncoder().encode(identity.certificate));
  return serialized.serializeBinary();
}

const refused = (code: string) => expect.objectContaining({ code });

describe('MspRegistry', () => {
  let de: CertificateAuthority;
  let fr: CertificateAuthority;
  let registry: MspRegistry;
  beforeAll(async () => {
    de = await CertificateAuthority.create({ mspId: 'HospitalDEMSP', country: 'DE' });
    fr = await CertificateAuthority.create({ mspId: 'HospitalFRMSP', country: 'FR' });
  });
  beforeEach(() => {
    registry = new MspRegistry();
    registry.add(de.mspId, de.certificate);
    registry.add(fr.mspId, fr.certificate);
  });

  it('accepts a serialized identity issued by its MSP and exposes its attributes and key', async () => {
    const identity = await de.issue({ enrollmentId: 'dr-1', attrs: { 'custodia.role': 'clinician' } });
    const validated = registry.validate(serialize(identity));
    expect(validated).toMatchObject({ mspId: 'HospitalDEMSP', enrollmentId: 'dr-1' });
    expect(validated.attrs['custodia.role']).toBe('clinician');
    expect(validated.publicKey.asymmetricKeyType).toBe('ec');
    expect(registry.mspIds()).toEqual(['HospitalDEMSP', 'HospitalFRMSP']);
  });

  it('refuses an unknown MSP, and a certificate presented under another MSP', async () => {
    const identity = await de.issue({ enrollmentId: 'dr-2' });
    expect(() => registry.validate(serialize(identity, 'NoSuchMSP'))).toThrow(
      refused(MspErrorCode.UnknownMsp),
    );
    expect(() => registry.validate(serialize(identity, 'HospitalFRMSP'))).toThrow(
      refused(MspErrorCode.UntrustedIssuer),
    );
  });

  it('keeps nothing of a certificate no MSP of the channel issued: it is refused before it is read', async () => {
    // An attacker's own CA: certificates sent to the peer by whoever reaches its endpoint must not fill its memory.
    const rogue = await CertificateAuthority.create({ mspId: 'HospitalDEMSP', country: 'DE' });
    const forged = await rogue.issue({ enrollmentId: 'dr-forged', attrs: { 'custodia.role': 'clinician' } });
    const read = jest.spyOn(ledger, 'readCertificate');
    try {
      expect(() => registry.validate(serialize(forged))).toThrow(refused(MspErrorCode.UntrustedIssuer));
      expect(read).not.toHaveBeenCalled();
      // A certificate the MSP did issue is read (and its fields then kept).
      registry.validate(serialize(await de.issue({ enrollmentId: 'dr-real' })));
      expect(read).toHaveBeenCalledTimes(1);
    } finally {
      read.mockRestore();
    }
  });

  it('refuses expired and not-yet-valid certificates', async () => {
    const expired = await de.issue({
      enrollmentId: 'old',
      notBefore: new Date('2020-01-01T00:00:00Z'),
      notAfter: new Date('2021-01-01T00:00:00Z'),
    });
    expect(() => registry.validate(serialize(expired))).toThrow(refused(MspErrorCode.Expired));
    expect(registry.validate(serialize(expired), new Date('2020-06-01T00:00:00Z')).enrollmentId).toBe('old');
    expect(() => registry.validate(serialize(expired), new Date('2019-01-01T00:00:00Z'))).toThrow(
      refused(MspErrorCode.NotYetValid),
    );
  });

  it('refuses a revoked certificate from the moment it is revoked', async () => {
    const identity = await fr.issue({ enrollmentId: 'nurse-3' });
    const { serialNumber } = registry.validate(serialize(identity));
    registry.revoke('HospitalFRMSP', serialNumber.toUpperCase().padStart(42, '0'));
    expect(registry.isRevoked('HospitalFRMSP', serialNumber)).toBe(true);
    expect(() => registry.validate(serialize(identity))).toThrow(refused(MspErrorCode.Revoked));
  });

  it('refuses the CA certificate itself as a signer and malformed bytes', () => {
    const caAsIdentity: Identity = { mspId: de.mspId, certificate: de.certificate, privateKey: '' };
    expect(() => registry.validate(serialize(caAsIdentity))).toThrow(refused(MspErrorCode.CaCertificate));
    expect(() => registry.validate(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(
      refused(MspErrorCode.MalformedIdentity),
    );
    const notPem: Identity = { mspId: de.mspId, certificate: 'hello', privateKey: '' };
    expect(() => registry.validate(serialize(notPem))).toThrow(refused(MspErrorCode.MalformedIdentity));
  });
});
