/**
 * My record: everything Custodia holds about the patient, by IPS section, newest first, duplicates merged, each
 * entry with its sources and sensitivity, and under each section who the patient's rules share it with (by name).
 * The record is read from the gateway each time (it answers `no-store`) and lives only in this view's memory.
 */
import { useId } from 'react';
import type { PatientApi } from '../api/endpoints';
import type { StoredRule } from '../api/types';
import { granteeParty } from '../directory/names';
import type { Directory } from '../directory/names';
import { useNames } from '../directory/use-names';
import { EntryDetails } from '../fhir/EntryDetails';
import { readableSections } from '../fhir/readable';
import { recordOverview } from '../fhir/record-overview';
import type { MergedEntry, ShownSection } from '../fhir/record-overview';
import { useWords } from '../i18n/use-words';
import { ProblemAlert } from '../ui/ProblemAlert';
import { useLoad } from '../ui/use-async';
import { labelList } from '../vocabulary/words';
import { describeGrantee } from './rule-sentence';
import { rulesSharing } from './who-shares';

function SharedWith({ rules, names }: { rules: readonly StoredRule[]; names: Directory }) {
  const words = useWords();
  const { t, format } = words;
  if (rules.length === 0) return <p className="muted">{t('myRecord.sharedWithNobody')}</p>;
  const who = format.list([...new Set(rules.map((rule) => describeGrantee(words, rule.grantee, names)))]);
  return <p className="muted">{t('myRecord.sharedWith', { who })}</p>;
}

function Entry({
  entry,
  rules,
  names,
}: {
  entry: MergedEntry;
  rules: readonly StoredRule[];
  names: Directory;
}) {
  const words = useWords();
  const { t, format } = words;
  return (
    <li>
      <strong>{entry.title}</strong>
      <EntryDetails entry={entry} />
      {entry.sources.length > 0 && (
        <span className="sources">
          {t('record.sources', { count: entry.sources.length, sources: format.list(entry.sources) })}
        </span>
      )}
      {entry.labels && entry.labels.length > 0 && (
        <p className="sensitive">{t('myRecord.sensitive', { labels: labelList(words, entry.labels) })}</p>
      )}
      {entry.labels && entry.labels.length > 0 && <SharedWith rules={rules} names={names} />}
    </li>
  );
}

function Section({
  section,
  rules,
  names,
}: {
  section: ShownSection;
  rules: readonly StoredRule[];
  names: Directory;
}) {
  const { t, format } = useWords();
  const id = useId();
  const category = section.category;
  return (
    <section className="ips-section" aria-labelledby={id}>
      <h2 id={id}>
        {category ? t(`vocabulary.section.${category}`) : section.title || t('record.otherSection')}{' '}
        <span className="count">({format.number(section.entries.length)})</span>
      </h2>
      {category && <SharedWith rules={rulesSharing(rules, category)} names={names} />}
      <ul>
        {section.entries.map((entry, index) => (
          <Entry
            key={entry.id ?? index}
            entry={entry}
            names={names}
            rules={category ? rulesSharing(rules, category, entry.labels) : []}
          />
        ))}
      </ul>
    </section>
  );
}

export function MyRecord({ api }: { api: PatientApi }) {
  const { t } = useWords();
  const record = useLoad(() => api.ownRecord(), [api]);
  const rules = useLoad(() => api.rules(), [api]);
  const active = (rules.data?.items ?? []).filter((rule) => rule.status === 'active');
  const names = useNames(active.flatMap((rule) => granteeParty(rule.grantee) ?? []));
  const overview = record.data && recordOverview(readableSections(record.data));
  return (
    <div className="my-record">
      <h1>{t('myRecord.title')}</h1>
      <p className="lead">{t('myRecord.lead')}</p>
      <ProblemAlert problem={record.problem} />
      {record.loading && !record.data && <p>{t('myRecord.loading')}</p>}
      {overview && overview.sections.length === 0 && <p>{t('myRecord.empty')}</p>}
      {overview?.sections.map((section, index) => (
        <Section
          key={`${section.category ?? section.title}-${index}`}
          section={section}
          rules={active}
          names={names}
        />
      ))}
    </div>
  );
}
