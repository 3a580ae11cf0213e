/**
 * Fabric CA's attribute certificate extension: OID 1.2.3.4.5.6.7.8.1, whose extnValue holds the raw
 * JSON `{"attrs":{...}}` (no inner ASN.1 wrapping), which fabric-shim's ClientIdentity parses.
 */
export const FABRIC_ATTRIBUTES_OID = '1.2.3.4.5.6.7.8.1';

export type Attributes = Readonly<Record<string, string>>;

/** JSON bytes with keys sorted, as Go's encoding/json writes a map (so certificates are reproducible). */
export function encodeAttributes(attrs: Attributes): Uint8Array {
  const sorted: Record<string, string> = {};
  for (const name of Object.keys(attrs).sort()) sorted[name] = attrs[name] as string;
  return new TextEncoder().encode(JSON.stringify({ attrs: sorted }));
}

/** Attributes from the extension value; undefined when it is not a well-formed `{"attrs":{...}}` object. */
export function decodeAttributes(value: Uint8Array): Attributes | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(value));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const attrs = (parsed as { attrs?: unknown }).attrs;
  if (typeof attrs !== 'object' || attrs === null || Array.isArray(attrs)) return undefined;
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value !== 'string') return undefined;
    result[name] = value;
  }
  return result;
}
