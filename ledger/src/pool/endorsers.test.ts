import type { ConnectionProfile } from '../client/profile';
import { endorsersAvoidingDown } from './endorsers';

const peer = (mspId: string) => ({ endpoint: `${mspId}:7051`, mspId, tlsCaCertificate: '' });
const organisation = (mspId: string) => ({ mspId, country: 'DE' });

const THREE: ConnectionProfile = {
  channelName: 'custodia',
  chaincodeName: 'custodia',
  peers: [peer('DE'), peer('FR'), peer('IT')],
  organisations: [organisation('DE'), organisation('FR'), organisation('IT')],
  endorsementPolicy: 'majority',
};
const downAt =
  (...peers: number[]) =>
  (index: number): boolean =>
    peers.includes(index);

describe('endorsers avoiding organisations whose peers are down', () => {
  it('names the organisations left when one of three is down and a majority remains', () => {
    expect(endorsersAvoidingDown(THREE, downAt(0))).toEqual(['FR', 'IT']);
    expect(endorsersAvoidingDown(THREE, downAt(2))).toEqual(['DE', 'FR']);
  });

  it('lets the gateway peer choose while every organisation has a peer up', () => {
    expect(endorsersAvoidingDown(THREE, downAt())).toBeUndefined();
    // Another peer of the same organisation still answers: the organisation is not down.
    const twoInDe = { ...THREE, peers: [peer('DE'), peer('DE'), peer('FR'), peer('IT')] };
    expect(endorsersAvoidingDown(twoInDe, downAt(0))).toBeUndefined();
    expect(endorsersAvoidingDown(twoInDe, downAt(0, 1))).toEqual(['FR', 'IT']);
  });

  it('never names fewer organisations than the policy needs: a lost majority is the gateway’s to answer', () => {
    // Naming IT alone would order a transaction that fails validation (ENDORSEMENT_POLICY_FAILURE).
    expect(endorsersAvoidingDown(THREE, downAt(0, 1))).toBeUndefined();
    const five = {
      ...THREE,
      peers: ['A', 'B', 'C', 'D', 'E'].map(peer),
      organisations: ['A', 'B', 'C', 'D', 'E'].map(organisation),
    };
    expect(endorsersAvoidingDown(five, downAt(0, 1))).toEqual(['C', 'D', 'E']);
    expect(endorsersAvoidingDown(five, downAt(0, 1, 2))).toBeUndefined();
  });

  it('does nothing when the profile does not state the endorsement policy', () => {
    const withoutPolicy: ConnectionProfile = {
      channelName: THREE.channelName,
      chaincodeName: THREE.chaincodeName,
      peers: THREE.peers,
      organisations: THREE.organisations,
    };
    expect(endorsersAvoidingDown(withoutPolicy, downAt(0))).toBeUndefined();
  });

  it('counts an organisation without a peer in the profile as not down (nothing is known of it)', () => {
    const fourOrgs = { ...THREE, organisations: [...THREE.organisations, organisation('PL')] };
    // DE down, PL unknown: FR, IT, PL are 3 of 4 — a majority.
    expect(endorsersAvoidingDown(fourOrgs, downAt(0))).toEqual(['FR', 'IT', 'PL']);
  });
});
