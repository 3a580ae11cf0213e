/**
 * The platform's one memo of a pure derivation that costs more than using its result. What the MSP code derives
 * from a certificate or key (its parsed fields, its key object): a platform meets the same few hundred identities
 * again and again, as Fabric's own MSP keeps its deserialised identities in a cache; the gateway's route decisions
 * (`gateway/src/authz`), fixed by a policy read at start. Each memo keeps at most `limit` results (forgetting all
 * of them when full — identities come back in working sets, not in a stream) and no result of a key longer than
 * `maxKeyLength` (a certificate's PEM is about 1 KiB: what someone pads or inflates is computed, not kept); a
 * computation that throws is not kept. Memory is bounded by `limit × maxKeyLength` plus the results.
 */
export interface MemoBounds {
  readonly limit: number;
  readonly maxKeyLength: number;
}

/** Bounds for memos keyed by a certificate's or key's PEM. */
export const PEM_MEMO: MemoBounds = { limit: 2_000, maxKeyLength: 8 * 1024 };

export function boundedMemo<V>(bounds: MemoBounds, compute: (key: string) => V): (key: string) => V {
  const known = new Map<string, V>();
  return (key) => {
    const hit = known.get(key);
    if (hit !== undefined) return hit;
    const value = compute(key);
    if (key.length > bounds.maxKeyLength) return value;
    if (known.size >= bounds.limit) known.clear();
    known.set(key, value);
    return value;
  };
}
