/** An entry's facts in the reader's language: codes (criticality, status) translated, clinical text as written. */
import { useWords } from '../i18n/use-words';
import type { Detail, ReadableEntry } from './readable';

const CRITICALITIES = ['high', 'low', 'unable-to-assess'] as const;
const STATUSES = [
  'active',
  'inactive',
  'resolved',
  'remission',
  'recurrence',
  'relapse',
  'completed',
  'final',
  'preliminary',
  'amended',
  'current',
  'stopped',
  'on-hold',
  'not-done',
  'entered-in-error',
  'intended',
] as const;

function isOneOf<T extends string>(list: readonly T[], value: string): value is T {
  return (list as readonly string[]).includes(value);
}

function useDetailText(): (detail: Detail) => string {
  const { t } = useWords();
  return (detail) => {
    switch (detail.kind) {
      case 'value':
      case 'dosage':
        return detail.text;
      case 'component':
        return `${detail.name}: ${detail.text}`;
      case 'reaction':
        return t('record.reaction', { text: detail.text });
      case 'criticality':
        return isOneOf(CRITICALITIES, detail.code)
          ? t(`record.criticality.${detail.code}`)
          : t('record.criticalityOther', { code: detail.code });
      case 'status':
        return isOneOf(STATUSES, detail.code) ? t(`record.status.${detail.code}`) : detail.text;
    }
  };
}

/** " — facts · date", after an entry's title. */
export function EntryDetails({ entry }: { entry: ReadableEntry }) {
  const { format } = useWords();
  const text = useDetailText();
  const parts = entry.details.map(text);
  if (entry.date) {
    // A FHIR date may be a day, an instant, or only a year or month: those are shown as written.
    if (/^\d{4}-\d{2}-\d{2}$/.test(entry.date)) parts.push(format.calendarDay(entry.date));
    else if (entry.date.includes('T')) parts.push(format.date(entry.date));
    else parts.push(entry.date);
  }
  if (parts.length === 0) return null;
  return <span className="muted"> — {parts.join(' · ')}</span>;
}
