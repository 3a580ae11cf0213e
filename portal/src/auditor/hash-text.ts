/** A long hash or id shortened for tables: the start and the end, which is how people compare them. */
export function short(hash: string): string {
  return hash.length > 16 ? `${hash.slice(0, 8)}…${hash.slice(-6)}` : hash;
}
