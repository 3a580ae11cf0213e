/** Says in one plain sentence what a rule does, so a patient can check it before saving. */
import type { Grantee, RuleSpec } from '@custodia/chaincode/model';
import {
  CATEGORY_NAMES,
  countryName,
  LABEL_NAMES,
  listInWords,
  PURPOSE_NAMES,
  ROLE_NAMES,
} from '../vocabulary/names';
import { formatDay } from '../ui/format';

/** How the portal names people and organisations it knows; ids are shown when it does not. */
export interface Directory {
  practitioner?(mspId: string, id: string): string | undefined;
  organisation?(mspId: string): string | undefined;
}

export function describeGrantee(grantee: Grantee, directory: Directory = {}): string {
  const where =
    grantee.countries && grantee.countries.length > 0
      ? ` in ${listInWords(grantee.countries.map(countryName))}`
      : '';
  switch (grantee.kind) {
    case 'practitioner':
      return `${directory.practitioner?.(grantee.mspId, grantee.id) ?? `practitioner ${grantee.id}`}${where}`;
    case 'organization':
      return `staff of ${directory.organisation?.(grantee.mspId) ?? grantee.mspId}${where}`;
    case 'role':
      return `any of the ${ROLE_NAMES[grantee.role]}${where}`;
  }
}

/** `notAfter` is exclusive: a rule ending at midnight applies "until" the day before, inclusive. */
export function lastDay(notAfter: string): string {
  return new Date(Date.parse(notAfter) - 1).toISOString();
}

function period(spec: RuleSpec): string {
  const until = spec.notAfter && formatDay(lastDay(spec.notAfter));
  if (spec.notBefore && until) return ` from ${formatDay(spec.notBefore)} until ${until}`;
  if (spec.notBefore) return ` from ${formatDay(spec.notBefore)}`;
  if (until) return ` until ${until}`;
  return '';
}

export function describeRule(spec: RuleSpec, directory: Directory = {}): string {
  const who = describeGrantee(spec.grantee, directory);
  const what =
    spec.categories.length > 0 ? listInWords(spec.categories.map((c) => CATEGORY_NAMES[c])) : 'nothing';
  const labels = listInWords(spec.labels.map((l) => LABEL_NAMES[l]));
  const why =
    spec.purposes.length > 0 ? ` for ${listInWords(spec.purposes.map((p) => PURPOSE_NAMES[p]))}` : '';
  if (spec.effect === 'permit') {
    const rest = `${why}${period(spec)}`;
    const sensitive = labels ? `, including ${labels}${rest ? ',' : ''}` : '';
    return `Allow ${who} to see your ${what}${sensitive}${rest}.`;
  }
  if (labels) {
    return `Never show ${who} any ${labels} in your ${what}${why}${period(spec)}, even if another rule allows it.`;
  }
  return `Never show ${who} your ${what}${why}${period(spec)}, even if another rule allows it.`;
}
