/**
 * Which organisations a transaction asks to endorse it when some organisation's peers are known down or hung.
 * A Fabric gateway peer picks endorsers by service discovery, which keeps listing a hung (SIGSTOPped) peer until
 * gossip expires it: an endorsement sent there waits for the peer's endorsement timeout or its connection's
 * keepalive (20–30 s on Fabric 2.5). When the client has found every peer of an organisation down, and the
 * organisations left still satisfy the chaincode's endorsement policy, it names them (the Gateway's
 * `endorsing_organizations`), so no endorsement is sent to the organisation that cannot answer. Otherwise the
 * gateway peer decides — and answers a lost quorum itself, which the client reports as such.
 */
import type { ConnectionProfile } from '../client/profile';

/** The organisations whose endorsements the policy counts: the profile's, or else its peers'. */
export function endorsingCandidates(profile: ConnectionProfile): readonly string[] {
  const named = profile.organisations.map((organisation) => organisation.mspId);
  return [...new Set(named.length > 0 ? named : profile.peers.map((peer) => peer.mspId))];
}

/**
 * The organisations to name as endorsers, or undefined to let the gateway peer choose: when the profile states its
 * endorsement policy, some organisation has every one of its profile peers down (`down(peerIndex)`), and those left
 * are enough for the policy.
 */
export function endorsersAvoidingDown(
  profile: ConnectionProfile,
  down: (peer: number) => boolean,
): readonly string[] | undefined {
  if (profile.endorsementPolicy === undefined) return undefined;
  const candidates = endorsingCandidates(profile);
  const unreachable = candidates.filter((mspId) => {
    const peers = profile.peers.flatMap((peer, index) => (peer.mspId === mspId ? [index] : []));
    return peers.length > 0 && peers.every(down);
  });
  if (unreachable.length === 0) return undefined;
  const left = candidates.filter((mspId) => !unreachable.includes(mspId));
  return left.length >= required(profile.endorsementPolicy, candidates.length) ? left : undefined;
}

/** How many organisations' endorsements `policy` requires of `count` (MAJORITY: more than half). */
function required(policy: NonNullable<ConnectionProfile['endorsementPolicy']>, count: number): number {
  switch (policy) {
    case 'majority':
      return Math.floor(count / 2) + 1;
  }
}
