/** Additions clinicians made to the record: nothing joins the record until the patient approves it. */
import { useState } from 'react';
import type { PatientApi } from '../api/endpoints';
import type { Contribution } from '../api/types';
import { readableEntry } from '../fhir/readable';
import { EntryDetails } from '../fhir/EntryDetails';
import { useWords } from '../i18n/use-words';
import { ProblemAlert } from '../ui/ProblemAlert';
import { useAction, useLoad } from '../ui/use-async';
import { categoryList, requesterText } from '../vocabulary/words';
import { requesterParties } from '../directory/names';
import type { Directory } from '../directory/names';
import { useNames } from '../directory/use-names';

function ContributionContent({ api, contributionId }: { api: PatientApi; contributionId: string }) {
  const content = useLoad(() => api.contributionContent(contributionId), [contributionId]);
  const entry = content.data && readableEntry(content.data);
  return (
    <div className="contribution-content">
      <ProblemAlert problem={content.problem} />
      {entry && (
        <p>
          <strong>{entry.title}</strong>
          <EntryDetails entry={entry} />
        </p>
      )}
    </div>
  );
}

function ContributionItem(props: {
  api: PatientApi;
  contribution: Contribution;
  names: Directory;
  pending: boolean;
  onDecide: (id: string, decision: 'approve' | 'reject') => void;
}) {
  const c = props.contribution;
  const words = useWords();
  const { t, format } = words;
  const [open, setOpen] = useState(false);
  return (
    <li className="card">
      <p>
        <strong>{requesterText(words, c.submitter, props.names)}</strong>{' '}
        {t('contributions.added', {
          what: categoryList(words, c.categories),
          when: format.dateTime(c.submittedAt),
        })}
      </p>
      <p className={`status status-${c.status}`}>{t(`vocabulary.contributionStatus.${c.status}`)}</p>
      <button type="button" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        {open ? t('contributions.hide') : t('contributions.show')}
      </button>
      {open && <ContributionContent api={props.api} contributionId={c.contributionId} />}
      {c.status === 'pending' && (
        <div className="actions">
          <button
            type="button"
            className="primary"
            disabled={props.pending}
            onClick={() => props.onDecide(c.contributionId, 'approve')}
          >
            {t('contributions.approve')}
          </button>
          <button
            type="button"
            disabled={props.pending}
            onClick={() => props.onDecide(c.contributionId, 'reject')}
          >
            {t('contributions.reject')}
          </button>
        </div>
      )}
    </li>
  );
}

export function ContributionsView({ api }: { api: PatientApi }) {
  const { t } = useWords();
  const list = useLoad(() => api.contributions(), []);
  const decide = useAction(async (id: string, decision: 'approve' | 'reject') => {
    await api.decideContribution(id, decision);
    list.reload();
  });
  const items = [...(list.data?.items ?? [])].sort((a, b) => b.submittedAt.localeCompare(a.submittedAt));
  const names = useNames(items.flatMap((c) => requesterParties(c.submitter)));
  return (
    <div>
      <h1>{t('contributions.title')}</h1>
      <p className="lead">{t('contributions.lead')}</p>
      <ProblemAlert problem={list.problem ?? decide.problem} />
      {list.data && items.length === 0 && <p>{t('contributions.none')}</p>}
      <ul className="contributions">
        {items.map((c) => (
          <ContributionItem
            key={c.contributionId}
            api={api}
            contribution={c}
            names={names}
            pending={decide.pending}
            onDecide={(id, decision) => void decide.run(id, decision)}
          />
        ))}
      </ul>
    </div>
  );
}
