import type { Attributes } from '@custodia/ledger';
import { badRequest } from './errors';
import type { IdentityRecord } from './state';

export interface AttributeRequest {
  readonly name: string;
  readonly optional?: boolean;
}

/**
 * Which registered attributes go into a new certificate: without requests, those flagged `ecert`;
 * with requests, exactly the requested ones (a missing non-optional one fails the enrolment).
 */
export function selectCertificateAttributes(
  identity: IdentityRecord,
  requests: readonly AttributeRequest[] | undefined,
): Attributes {
  const selected: Record<string, string> = {};
  if (requests === undefined) {
    for (const attr of identity.attrs) if (attr.ecert) selected[attr.name] = attr.value;
    return selected;
  }
  for (const request of requests) {
    const attr = identity.attrs.find((candidate) => candidate.name === request.name);
    if (attr) selected[attr.name] = attr.value;
    else if (!request.optional) {
      throw badRequest(`Attribute '${request.name}' was requested but the identity does not possess it`);
    }
  }
  return selected;
}
