import { msp, peer } from '@hyperledger/fabric-protos';
import type { ParsedTransaction, Identity } from '@custodia/ledger';
import { CertificateAuthority, MspRegistry } from '../msp';
import { sign } from '@custodia/ledger';
import {
  defaultEndorsers,
  majorityPolicy,
  PENDING_ENDORSEMENT_LIMIT,
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
    expect(own.consume(Buffer.concat([payload, a.endorser]), b.signature)).toBe(false);
    expect(validateEndorsements(registry, policy, transaction(payload, [a, b]), own)).toBe(
      peer.TxValidationCode.VALID,
    );
    // A recorded signature paired with another payload is verified, and fails.
    own.remember(Buffer.concat([payload, b.endorser]), b.signature);
    const swapped = transaction(new TextEncoder().encode('x'), [a, b]);
    expect(validateEndorsements(registry, policy, swapped, own)).toBe(
      peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE,
    );
  });

  it('forgets a signature once its commit has checked it: the memo does not grow with the chain', () => {
    const own = new SignedEndorsements();
    for (let i = 0; i < 50; i += 1) {
      const body = new TextEncoder().encode(`response ${i}`);
      const endorsements = [endorse(peerOf('AMSP'), body), endorse(peerOf('BMSP'), body)];
      for (const each of endorsements) own.remember(Buffer.concat([body, each.endorser]), each.signature);
      expect(validateEndorsements(registry, policy, transaction(body, endorsements), own)).toBe(
        peer.TxValidationCode.VALID,
      );
    }
    expect(own.size).toBe(0);
  });

  it('holds at most its limit, dropping the oldest; a dropped signature is verified, so forgery still fails', () => {
    const limit = 8;
    const own = new SignedEndorsements(limit);
    const bodies = Array.from({ length: limit + 3 }, (_, i) => new TextEncoder().encode(`pending ${i}`));
    const signed = bodies.map((body) => [endorse(peerOf('AMSP'), body), endorse(peerOf('CMSP'), body)]);
    bodies.forEach((body, i) => {
      for (const each of signed[i] ?? []) own.remember(Buffer.concat([body, each.endorser]), each.signature);
      expect(own.size).toBeLessThanOrEqual(limit);
    });
    expect(own.size).toBe(limit);
    const [first] = bodies;
    const [firstA, firstC] = signed[0] ?? [];
    if (first === undefined || firstA === undefined || firstC === undefined) throw new Error('no first');
    // The oldest were dropped: no longer taken on trust…
    expect(own.consume(Buffer.concat([first, firstA.endorser]), firstA.signature)).toBe(false);
    // …yet the genuine transaction still validates, its signatures verified…
    expect(validateEndorsements(registry, policy, transaction(first, [firstA, firstC]), own)).toBe(
      peer.TxValidationCode.VALID,
    );
    // …and an attacker's bytes in place of a dropped signature do not.
    const forged = { endorser: firstC.endorser, signature: new Uint8Array(firstC.signature).fill(7, 10, 20) };
    expect(validateEndorsements(registry, policy, transaction(first, [firstA, forged]), own)).toBe(
      peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE,
    );
  });

  it('a network’s memo (the default) stays within PENDING_ENDORSEMENT_LIMIT whatever is never committed', () => {
    const own = new SignedEndorsements();
    const message = new TextEncoder().encode('endorsed, never submitted');
    for (let i = 0; i < PENDING_ENDORSEMENT_LIMIT + 100; i += 1)
      own.remember(message, new TextEncoder().encode(`signature ${i}`));
    expect(own.size).toBe(PENDING_ENDORSEMENT_LIMIT);
    expect(own.consume(message, new TextEncoder().encode('signature 0'))).toBe(false);
    expect(
      own.consume(message, new TextEncoder().encode(`signature ${PENDING_ENDORSEMENT_LIMIT + 99}`)),
    ).toBe(true);
  });
});
