/** Additions clinicians made to the record: nothing joins the record until the patient approves it. */
import { useState } from 'react';
import type { PatientApi } from '../api/endpoints';
import type { Contribution } from '../api/types';
import { readableEntry } from '../fhir/readable';
import { formatWhen } from '../ui/format';
import { ProblemAlert } from '../ui/ProblemAlert';
import { useAction, useLoad } from '../ui/use-async';
import { CATEGORY_NAMES, listInWords } from '../vocabulary/names';

const STATUS_TEXT: Readonly<Record<Contribution['status'], string>> = {
  pending: 'Waiting for your decision',
  approved: 'Approved',
  rejected: 'Rejected',
};

function ContributionContent({ api, contributionId }: { api: PatientApi; contributionId: string }) {
  const content = useLoad(() => api.contributionContent(contributionId), [contributionId]);
  const entry = content.data && readableEntry(content.data);
  return (
    <div className="contribution-content">
      <ProblemAlert problem={content.problem} />
      {entry && (
        <p>
          <strong>{entry.title}</strong>
          {entry.details.length > 0 && <> — {entry.details.join(' · ')}</>}
        </p>
      )}
    </div>
  );
}

function ContributionItem(props: {
  api: PatientApi;
  contribution: Contribution;
  pending: boolean;
  onDecide: (id: string, decision: 'approve' | 'reject') => void;
}) {
  const c = props.contribution;
  const [open, setOpen] = useState(false);
  return (
    <li className="card">
      <p>
        <strong>
          {c.submitter.role} {c.submitter.id} ({c.submitter.mspId})
        </strong>{' '}
        added {listInWords(c.categories.map((cat) => CATEGORY_NAMES[cat]))} on {formatWhen(c.submittedAt)}.
      </p>
      <p className={`status status-${c.status}`}>{STATUS_TEXT[c.status]}</p>
      <button type="button" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        {open ? 'Hide what was added' : 'Show what was added'}
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
            Approve
          </button>
          <button
            type="button"
            disabled={props.pending}
            onClick={() => props.onDecide(c.contributionId, 'reject')}
          >
            Reject
          </button>
        </div>
      )}
    </li>
  );
}

export function ContributionsView({ api }: { api: PatientApi }) {
  const list = useLoad(() => api.contributions(), []);
  const decide = useAction(async (id: string, decision: 'approve' | 'reject') => {
    await api.decideContribution(id, decision);
    list.reload();
  });
  const items = [...(list.data?.items ?? [])].sort((a, b) => b.submittedAt.localeCompare(a.submittedAt));
  return (
    <div>
      <h1>Additions to my record</h1>
      <p className="lead">
        When a clinician adds something to your record, it waits here. Approve it to keep it in your record.
      </p>
      <ProblemAlert problem={list.problem ?? decide.problem} />
      {list.data && items.length === 0 && <p>No clinician has added anything.</p>}
      <ul className="contributions">
        {items.map((c) => (
          <ContributionItem
            key={c.contributionId}
            api={api}
            contribution={c}
            pending={decide.pending}
            onDecide={(id, decision) => void decide.run(id, decision)}
          />
        ))}
      </ul>
    </div>
  );
}
