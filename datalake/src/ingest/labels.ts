/** Security labels from `meta.security`: confidentiality R/V and the sensitivity codes Custodia's rules name. */
import type { Coding, Resource } from '@medplum/fhirtypes';
import { canonical, LABELS } from '@custodia/chaincode';
import type { Label } from '@custodia/chaincode';

export const CONFIDENTIALITY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';
export const ACT_CODE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';

const CONFIDENTIALITY: readonly Label[] = ['R', 'V'];
const SENSITIVITY: readonly Label[] = ['HIV', 'PSY', 'SUD', 'ETH', 'STD', 'SDV'];

/** The Custodia labels a resource carries; other `meta.security` codings are kept in the resource, not indexed. */
export function securityLabels(resource: Resource): Label[] {
  const found: Label[] = [];
  for (const coding of resource.meta?.security ?? []) {
    const label = labelOf(coding);
    if (label !== undefined) found.push(label);
  }
  return canonical(LABELS, found);
}

function labelOf(coding: Coding): Label | undefined {
  const code = coding.code as Label | undefined;
  if (code === undefined) return undefined;
  if (coding.system === CONFIDENTIALITY_SYSTEM && CONFIDENTIALITY.includes(code)) return code;
  if (coding.system === ACT_CODE_SYSTEM && SENSITIVITY.includes(code)) return code;
  return undefined;
}
