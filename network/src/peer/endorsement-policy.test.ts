import { msp, peer } from '@hyperledger/fabric-protos';
import type { ParsedTransaction, Identity } from '@custodia/ledger';
import { CertificateAuthority, MspRegistry } from '../msp';
import { sign } from '@custodia/ledger';
import {
  defaultEndorsers,
  majorityPolicy,
  SignedEndorsements,
  validateEndorsements,
} from './endorsement-policy';

const ORGS = ['AMSP', 'BMSP', 'CMSP'];

function serialized(identity: Identity): Uint8Array {
  const id = new msp.SerializedIdentity();
  id.setMspid(identity.mspId);
  id.setIdBytes(Buffer.from(identity.certificate));
  return id.serializeBinary();
}

function endorse(identity: Identity, payload: Uint8Array) {
  const endorser = serialized(identity);
  return { endorser, signature: sign(identity.privateKey, Buffer.concat([payload, endorser])) };
}

function transaction(payload: Uint8Array, endorsements: ReturnType<typeof endorse>[]): ParsedTransaction {
  return {
    actions: [
      {
        chaincodeName: 'custodia',
        rwsets: [],
        response: { status: 200, message: '', payload: new Uint8Array(0) },
        proposalResponsePayload: payload,
        endorsements,
      },
    ],
  } as unknown as ParsedTransaction;
}

describe('the MAJORITY endorsement policy', () => {
  const registry = new MspRegistry();
  const peers = new Map<string, Identity>();
  let client: Identity;
  const payload = new TextEncoder().encode('proposal response payload');
  const policy = majorityPolicy(ORGS);

  beforeAll(async () => {
    for (const mspId of ORGS) {
      const ca = await CertificateAuthority.create({ mspId });
      registry.add(mspId, ca.certificate);
      peers.set(mspId, await ca.issue({ enrollmentId: `peer0.${mspId}`, ou: 'peer' }));
      if (mspId === 'AMSP') client = await ca.issue({ enrollmentId: 'someone', ou: 'client' });
    }
  });

  const peerOf = (mspId: string): Identity => {
    const identity = peers.get(mspId);
    if (!identity) throw new Error(mspId);
    return identity;
  };

  it('needs two of three organisations, the gateway’s own first by default', () => {
    expect(policy.required).toBe(2);
    expect(defaultEndorsers(policy, 'BMSP')).toEqual(['BMSP', 'AMSP']);
  });

  it('is satisfied by valid peer endorsements of two organisations, not one', () => {
    const two = transaction(payload, [endorse(peerOf('AMSP'), payload), endorse(peerOf('CMSP'), payload)]);
    expect(validateEndorsements(registry, policy, two)).toBe(peer.TxValidationCode.VALID);
    const one = transaction(payload, [endorse(peerOf('AMSP'), payload), endorse(peerOf('AMSP'), payload)]);
    expect(validateEndorsements(registry, policy, one)).toBe(
      peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE,
    );
  });

  it('does not count a client identity, a signature over another payload, or an unknown organisation', () => {
    const other = new TextEncoder().encode('another payload');
    const rogue = endorse(peerOf('BMSP'), other);
    const refused = transaction(payload, [endorse(peerOf('AMSP'), payload), endorse(client, payload), rogue]);
    expect(validateEndorsements(registry, policy, refused)).toBe(
      peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE,
    );
  });

  it('accepts its own recorded signatures only over exactly the message they signed', () => {
    const own = new SignedEndorsements();
    const a = endorse(peerOf('AMSP'), payload);
    const b = endorse(peerOf('BMSP'), payload);
    own.remember(Buffer.concat([payload, b.endorser]), b.signature);
    expect(own.produced(Buffer.concat([payload, b.endorser]), b.signature)).toBe(true);
    expect(own.produced(Buffer.concat([payload, a.endorser]), b.signature)).toBe(false);
    expect(validateEndorsements(registry, policy, transaction(payload, [a, b]), own)).toBe(
      peer.TxValidationCode.VALID,
    );
    // A recorded signature paired with another payload is verified, and fails.
    const swapped = transaction(new TextEncoder().encode('x'), [a, b]);
    expect(validateEndorsements(registry, policy, swapped, own)).toBe(
      peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE,
    );
  });
});
