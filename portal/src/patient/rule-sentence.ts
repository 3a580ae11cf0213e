/** Says in one plain sentence, in the reader's language, what a rule does, so a patient can check it before saving. */
import type { Grantee, RuleSpec } from '@custodia/chaincode/model';
import type { Directory } from '../directory/names';
import type { Words } from '../i18n/i18n';
import { categoryList, labelList, purposeForPatient } from '../vocabulary/words';

export function describeGrantee(words: Words, grantee: Grantee, directory: Directory = {}): string {
  const { t, format } = words;
  const who =
    grantee.kind === 'practitioner'
      ? (directory.practitioner?.(grantee.mspId, grantee.id) ??
        t('sentence.practitioner', { id: grantee.id }))
      : grantee.kind === 'organization'
        ? t('sentence.organisation', {
            organisation: directory.organisation?.(grantee.mspId) ?? grantee.mspId,
          })
        : t(`sentence.roleGrantee.${grantee.role}`);
  if (!grantee.countries || grantee.countries.length === 0) return who;
  return t('sentence.inCountries', { who, countries: format.list(grantee.countries.map(format.country)) });
}

/** `notAfter` is exclusive: a rule ending at midnight applies "until" the day before, inclusive. */
export function lastDay(notAfter: string): string {
  return new Date(Date.parse(notAfter) - 1).toISOString().slice(0, 10);
}

function period(words: Words, spec: RuleSpec): string {
  const { t, format } = words;
  const from = spec.notBefore && format.calendarDay(spec.notBefore.slice(0, 10));
  const until = spec.notAfter && format.calendarDay(lastDay(spec.notAfter));
  if (from && until) return t('sentence.fromUntil', { from, until });
  if (from) return t('sentence.from', { from });
  if (until) return t('sentence.until', { until });
  return '';
}

export function describeRule(words: Words, spec: RuleSpec, directory: Directory = {}): string {
  const { t, format } = words;
  const who = describeGrantee(words, spec.grantee, directory);
  const what = spec.categories.length > 0 ? categoryList(words, spec.categories) : t('sentence.nothing');
  const why =
    spec.purposes.length > 0
      ? t('sentence.why', { purposes: format.list(spec.purposes.map((p) => purposeForPatient(words, p))) })
      : '';
  const when = period(words, spec);
  if (spec.effect === 'permit') {
    const sensitive =
      spec.labels.length === 0
        ? ''
        : t(why || when ? 'sentence.includingBeforeMore' : 'sentence.including', {
            labels: labelList(words, spec.labels),
          });
    return t('sentence.permit', { who, what, sensitive, why, when });
  }
  if (spec.labels.length > 0)
    return t('sentence.denyLabels', { who, what, labels: labelList(words, spec.labels), why, when });
  return t('sentence.deny', { who, what, why, when });
}
