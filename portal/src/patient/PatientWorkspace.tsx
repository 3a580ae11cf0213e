/** The patient's workspace: rules, accesses (with emergency notices), emergency choices, additions. */
import { useMemo, useState } from 'react';
import { patientApi } from '../api/endpoints';
import { allPages } from '../api/paging';
import type { AccessLogEntry } from '../api/types';
import { emergencyAccesses } from '../access-log/counts';
import { requesterParties } from '../directory/names';
import { useNames } from '../directory/use-names';
import { useWords } from '../i18n/use-words';
import { useSession } from '../session/session';
import { ProblemAlert } from '../ui/ProblemAlert';
import { Sections } from '../ui/Sections';
import { useLoad } from '../ui/use-async';
import { requesterText } from '../vocabulary/words';
import { AccessTimeline } from './AccessTimeline';
import { ContributionsView } from './ContributionsView';
import { localNoticeStore } from './dismissed-notices';
import type { NoticeStore } from './dismissed-notices';
import { EmergencyCard, EmergencyPolicyForm } from './EmergencyView';
import { LiveGrants } from './LiveGrants';
import { RulesView } from './RulesView';

/** Emergency accesses the patient has not yet said they have seen; dismissed ones stay dismissed. */
function EmergencyNotices({ entries, store }: { entries: readonly AccessLogEntry[]; store: NoticeStore }) {
  const words = useWords();
  const { t, format } = words;
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(() => store.dismissed());
  const notices = emergencyAccesses(entries).filter((e) => !dismissed.has(e.entryId));
  const names = useNames(notices.slice(0, 5).flatMap((e) => requesterParties(e.requester)));
  if (notices.length === 0) return null;
  return (
    <div className="alert alert-warn" role="alert" aria-labelledby="emergency-title">
      <strong id="emergency-title">{t('notices.title', { count: notices.length })}</strong>
      <ul>
        {notices.slice(0, 5).map((e) => (
          <li key={e.entryId}>
            {format.dateTime(e.timestamp)} — {requesterText(words, e.requester, names)}
            {e.reason ? `: “${e.reason.text}”` : ''}
          </li>
        ))}
      </ul>
      <button
        type="button"
        onClick={() => {
          const ids = notices.map((e) => e.entryId);
          store.dismiss(ids);
          setDismissed((previous) => new Set([...previous, ...ids]));
        }}
      >
        {t('notices.dismiss', { count: notices.length })}
      </button>
    </div>
  );
}

export function PatientWorkspace({
  now = () => new Date().toISOString(),
  notices,
}: {
  now?: () => string;
  /** Where dismissed notices are kept (default: this browser, for this account). */
  notices?: NoticeStore;
}) {
  const { t } = useWords();
  const { client, user } = useSession();
  const api = useMemo(() => patientApi(client, user.ledgerId), [client, user.ledgerId]);
  const store = useMemo(() => notices ?? localNoticeStore(user.userId), [notices, user.userId]);
  const log = useLoad(() => allPages((bookmark) => api.accessLog(bookmark)), [api]);
  const entries = log.data?.items ?? [];
  return (
    <>
      {log.data && <EmergencyNotices entries={entries} store={store} />}
      <Sections
        label={t('patient.nav')}
        sections={[
          { id: 'rules', label: t('patient.rules'), render: () => <RulesView api={api} now={now} /> },
          {
            id: 'accesses',
            label: t('patient.accesses'),
            render: () => (
              <>
                <ProblemAlert problem={log.problem} />
                <AccessTimeline api={api} entries={entries} now={now()} />
              </>
            ),
          },
          { id: 'grants', label: t('patient.grants'), render: () => <LiveGrants api={api} now={now()} /> },
          {
            id: 'emergency',
            label: t('patient.emergency'),
            render: () => (
              <div className="two-columns">
                <EmergencyPolicyForm api={api} />
                <EmergencyCard api={api} />
              </div>
            ),
          },
          { id: 'additions', label: t('patient.additions'), render: () => <ContributionsView api={api} /> },
        ]}
      />
    </>
  );
}
