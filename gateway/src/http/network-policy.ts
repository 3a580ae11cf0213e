/** Per-organisation IP allow-lists: staff of an organisation reach the API only from its defined networks. */
import { BlockList, isIP } from 'node:net';

export interface NetworkPolicy {
  /** True when `address` may act for `mspId` (organisations without a list are unrestricted). */
  allows(mspId: string, address: string | undefined): boolean;
}

function normalise(address: string): string {
  // IPv4 clients on a dual-stack socket appear as ::ffff:a.b.c.d.
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

export function networkPolicy(allowed: Readonly<Record<string, readonly string[]>>): NetworkPolicy {
  const lists = new Map<string, BlockList>();
  for (const [mspId, networks] of Object.entries(allowed)) {
    const list = new BlockList();
    for (const entry of networks) {
      const [address = '', prefix] = entry.split('/');
      const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (prefix === undefined) list.addAddress(address, family);
      else list.addSubnet(address, Number(prefix), family);
    }
    lists.set(mspId, list);
  }
  return {
    allows(mspId, address) {
      const list = lists.get(mspId);
      if (list === undefined) return true;
      if (address === undefined) return false;
      const ip = normalise(address);
      const family = isIP(ip);
      return family !== 0 && list.check(ip, family === 6 ? 'ipv6' : 'ipv4');
    },
  };
}
