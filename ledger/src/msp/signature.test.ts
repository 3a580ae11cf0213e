import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import fc from 'fast-check';
import { testIdentity } from '../../test/fixtures/identity';
import { decodeDerSignature, encodeDerSignature } from './der-signature';
import { sign, verify } from './signature';
import type { Identity } from './identity';

const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

describe('sign / verify', () => {
  let alice: Identity;
  let bob: Identity;
  beforeAll(async () => {
    alice = await testIdentity('Org1MSP', 'alice');
    bob = await testIdentity('Org1MSP', 'bob');
  });

  it('produces DER ECDSA-SHA256 signatures node:crypto verifies, always low-S', () => {
    const publicKey = createPublicKey(alice.certificate);
    for (let i = 0; i < 64; i++) {
      const message = new TextEncoder().encode(`proposal ${i}`);
      const signature = sign(alice.privateKey, message);
      expect(cryptoVerify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, signature)).toBe(true);
      expect(decodeDerSignature(signature)?.s).toBeLessThanOrEqual(P256_ORDER >> 1n);
      expect(verify(alice.certificate, message, signature)).toBe(true);
    }
  });

  it('rejects the high-S twin of a valid signature, which plain ECDSA would accept', () => {
    const message = new TextEncoder().encode('transfer');
    const values = decodeDerSignature(sign(alice.privateKey, message));
    if (!values) throw new Error('undecodable');
    const twin = encodeDerSignature({ r: values.r, s: P256_ORDER - values.s });
    const key = createPublicKey(alice.certificate);
    expect(cryptoVerify('sha256', message, { key, dsaEncoding: 'der' }, twin)).toBe(true);
    expect(verify(alice.certificate, message, twin)).toBe(false);
  });

  it('rejects a changed message, another signer and garbage', () => {
    const message = new TextEncoder().encode('grant');
    const signature = sign(alice.privateKey, message);
    expect(verify(alice.certificate, new TextEncoder().encode('grant!'), signature)).toBe(false);
    expect(verify(bob.certificate, message, signature)).toBe(false);
    expect(verify(alice.certificate, message, new Uint8Array([0x30, 0x02, 0x01]))).toBe(false);
    expect(verify(alice.certificate, message, new Uint8Array(0))).toBe(false);
    expect(verify('not a certificate', message, signature)).toBe(false);
  });

  it('DER codec round-trips any r, s in the group and refuses trailing bytes', () => {
    const scalar = fc.bigInt({ min: 1n, max: P256_ORDER - 1n });
    fc.assert(
      fc.property(scalar, scalar, (r, s) => {
        const der = encodeDerSignature({ r, s });
        expect(decodeDerSignature(der)).toEqual({ r, s });
        expect(decodeDerSignature(Uint8Array.from([...der, 0]))).toBeUndefined();
      }),
    );
  });
});
