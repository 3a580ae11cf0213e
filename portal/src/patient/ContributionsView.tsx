/** Additions clinicians made to the record: nothing joins the record until the patient approves it. */
import type { PatientApi } from '../api/endpoints';
import type { Contribution } from '../api/types';
import { formatWhen } from '../ui/format';
import { ProblemAlert } from '../ui/ProblemAlert';
import { useAction, useLoad } from '../ui/use-async';
import { CATEGORY_NAMES, listInWords } from '../vocabulary/names';

const STATUS_TEXT: Readonly<Record<Contribution['status'], string>> = {
  pending: 'Waiting for your decision',
  approved: 'Approved',
  rejected: 'Rejected',
};

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
          <li key={c.contributionId} className="card">
            <p>
              <strong>
                {c.submitter.role} {c.submitter.id} ({c.submitter.mspId})
              </strong>{' '}
              added {listInWords(c.categories.map((cat) => CATEGORY_NAMES[cat]))} on{' '}
              {formatWhen(c.submittedAt)}.
            </p>
            <p className={`status status-${c.status}`}>{STATUS_TEXT[c.status]}</p>
            {c.status === 'pending' && (
              <div className="actions">
                <button
                  type="button"
                  className="primary"
                  disabled={decide.pending}
                  onClick={() => void decide.run(c.contributionId, 'approve')}
                >
                  Approve
                </button>
                <button
                  type="button"
                  disabled={decide.pending}
                  onClick={() => void decide.run(c.contributionId, 'reject')}
                >
                  Reject
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
