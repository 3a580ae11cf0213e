/** The patient's workspace: rules, accesses (with emergency notices), emergency choices, additions. */
import { useMemo, useState } from 'react';
import { patientApi } from '../api/endpoints';
import { useSession } from '../session/session';
import { formatWhen } from '../ui/format';
import { ProblemAlert } from '../ui/ProblemAlert';
import { Sections } from '../ui/Sections';
import { useLoad } from '../ui/use-async';
import { AccessTimeline, requesterText } from './AccessTimeline';
import { ContributionsView } from './ContributionsView';
import { EmergencyCard, EmergencyPolicyForm } from './EmergencyView';
import { RulesView } from './RulesView';
import { emergencyAccesses } from './timeline';

export function PatientWorkspace({ now = () => new Date().toISOString() }: { now?: () => string }) {
  const { client, user } = useSession();
  const api = useMemo(() => patientApi(client, user.ledgerId), [client, user.ledgerId]);
  const log = useLoad(() => api.accessLog(), [api]);
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(new Set());
  const entries = log.data?.items ?? [];
  const emergencies = emergencyAccesses(entries).filter((e) => !dismissed.has(e.entryId));
  return (
    <>
      {emergencies.length > 0 && (
        <div className="alert alert-warn" role="alert" aria-labelledby="emergency-title">
          <strong id="emergency-title">
            {emergencies.length === 1
              ? 'Your record was opened in an emergency'
              : `${emergencies.length} emergency accesses to your record`}
          </strong>
          <ul>
            {emergencies.slice(0, 3).map((e) => (
              <li key={e.entryId}>
                {formatWhen(e.timestamp)} — {requesterText(e)}
                {e.reason ? `: “${e.reason}”` : ''}
              </li>
            ))}
          </ul>
          <button
            type="button"
            onClick={() => setDismissed(new Set(emergencyAccesses(entries).map((e) => e.entryId)))}
          >
            I have seen this
          </button>
        </div>
      )}
      <Sections
        label="Your record"
        sections={[
          { id: 'rules', label: 'My rules', render: () => <RulesView api={api} now={now} /> },
          {
            id: 'accesses',
            label: 'Who looked',
            render: () => (
              <>
                <ProblemAlert problem={log.problem} />
                <AccessTimeline entries={entries} now={now()} />
              </>
            ),
          },
          {
            id: 'emergency',
            label: 'Emergency',
            render: () => (
              <div className="two-columns">
                <EmergencyPolicyForm api={api} />
                <EmergencyCard api={api} />
              </div>
            ),
          },
          { id: 'additions', label: 'Additions', render: () => <ContributionsView api={api} /> },
        ]}
      />
    </>
  );
}
