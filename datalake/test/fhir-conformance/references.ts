/**
 * A FHIR document is self-contained (R4 documents.html: "all the resources referenced … are included in the
 * bundle"), so every `Reference.reference` inside a document Bundle must resolve to an entry's `fullUrl`
 * (or to a contained resource of the same resource, `#id`). Written from the specification; walks the JSON
 * without knowing how the Bundle was built.
 */

type Json = Record<string, unknown>;

export interface UnresolvedReference {
  /** JSON path of the Reference. */
  readonly where: string;
  readonly reference: string;
}

function walk(value: unknown, at: string, visit: (reference: Json, at: string) => void): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => walk(item, `${at}[${index}]`, visit));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const object = value as Json;
  if (typeof object.reference === 'string') visit(object, at);
  for (const [key, child] of Object.entries(object)) {
    // A Bundle's entries are visited one by one, each against its own contained resources.
    if (key === 'entry' && object.resourceType === 'Bundle') continue;
    walk(child, `${at}.${key}`, visit);
  }
}

/** Every reference in the Bundle's entries that resolves to nothing in the Bundle. */
export function unresolvedReferences(bundle: Json): UnresolvedReference[] {
  const entries = (bundle.entry as Json[] | undefined) ?? [];
  const fullUrls = new Set(entries.map((entry) => entry.fullUrl).filter((url) => typeof url === 'string'));
  const unresolved: UnresolvedReference[] = [];
  entries.forEach((entry, index) => {
    const resource = entry.resource as Json | undefined;
    if (resource === undefined) return;
    const contained = new Set(
      ((resource.contained as Json[] | undefined) ?? []).map((each) => `#${String(each.id)}`),
    );
    walk(resource, `Bundle.entry[${index}].resource`, (reference, at) => {
      const target = reference.reference as string;
      if (!fullUrls.has(target) && !contained.has(target)) unresolved.push({ where: at, reference: target });
    });
  });
  return unresolved;
}
