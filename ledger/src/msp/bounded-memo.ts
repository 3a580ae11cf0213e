/**
 * What the MSP code derives from a certificate or key (its parsed fields, its key object) is pure and costs more
 * than using it: a platform meets the same few hundred identities again and again, as Fabric's own MSP keeps its
 * deserialised identities in a cache. Each memo keeps at most `limit` results (forgetting all of them when full —
 * identities come back in working sets, not in a stream); a computation that throws is not kept.
 */
export function boundedMemo<V>(limit: number, compute: (key: string) => V): (key: string) => V {
  const known = new Map<string, V>();
  return (key) => {
    const hit = known.get(key);
    if (hit !== undefined) return hit;
    const value = compute(key);
    if (known.size >= limit) known.clear();
    known.set(key, value);
    return value;
  };
}
