/**
 * The confidentiality of the temporary record (v3-Confidentiality, HL7 Healthcare Privacy and Security
 * Classification): the highest of the released entries', at least N (normal). A sensitivity label (HIV, PSY, …)
 * makes an entry at least R, as the HCS classifies sensitive information.
 */
import type { Coding, Resource } from '@medplum/fhirtypes';
import type { Label } from '@custodia/chaincode';
import { CONFIDENTIALITY_SYSTEM } from '../labelling';

export const CONFIDENTIALITY_ORDER = ['U', 'L', 'M', 'N', 'R', 'V'] as const;
export type Confidentiality = (typeof CONFIDENTIALITY_ORDER)[number];

const DISPLAY: Readonly<Record<Confidentiality, string>> = {
  U: 'unrestricted',
  L: 'low',
  M: 'moderate',
  N: 'normal',
  R: 'restricted',
  V: 'very restricted',
};

const rank = (code: Confidentiality): number => CONFIDENTIALITY_ORDER.indexOf(code);
const higher = (a: Confidentiality, b: Confidentiality): Confidentiality => (rank(a) >= rank(b) ? a : b);

function ofEntry(labels: readonly Label[], resource: Resource): Confidentiality {
  let level: Confidentiality = 'N';
  for (const coding of resource.meta?.security ?? []) {
    const code = coding.code as Confidentiality | undefined;
    if (
      coding.system === CONFIDENTIALITY_SYSTEM &&
      code !== undefined &&
      CONFIDENTIALITY_ORDER.includes(code)
    )
      level = higher(level, code);
  }
  for (const label of labels) level = higher(level, label === 'V' ? 'V' : 'R');
  return level;
}

export function recordConfidentiality(
  entries: readonly { readonly labels: readonly Label[]; readonly resource: Resource }[],
): Confidentiality {
  return entries.reduce<Confidentiality>(
    (level, entry) => higher(level, ofEntry(entry.labels, entry.resource)),
    'N',
  );
}

export function confidentialityCoding(code: Confidentiality): Coding {
  return { system: CONFIDENTIALITY_SYSTEM, code, display: DISPLAY[code] };
}
