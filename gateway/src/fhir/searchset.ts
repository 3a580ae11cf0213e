/** A FHIR searchset Bundle of the resources found, with absolute fullUrls under the endpoint's base. Pure. */
import type { Bundle, Resource } from '@medplum/fhirtypes';

export function searchset(
  resources: readonly Resource[],
  fhirBase: string,
  self: string,
  complete: boolean,
): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    // A search cut at its limit does not know its total.
    ...(complete ? { total: resources.length } : {}),
    link: [{ relation: 'self', url: self }],
    entry: resources.map((resource) => ({
      fullUrl: `${fhirBase}/${resource.resourceType}/${resource.id ?? ''}`,
      resource,
      search: { mode: 'match' as const },
    })),
  };
}
