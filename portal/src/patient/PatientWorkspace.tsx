/** The patient's workspace: rules, accesses (with emergency notices), emergency choices, additions. */
import { useMemo, useState } from 'react';
import { patientApi } from '../api/endpoints';
import type { AccessLogEntry, ListPage } from '../api/types';
import { emergencyAccesses } from '../access-log/counts';
import { requesterParties } from '../directory/names';
import { useNames } from '../directory/use-names';
import { useWords } from '../i18n/use-words';
import { useSession } from '../session/session';
import { ProblemAlert } from '../ui/ProblemAlert';
import { Sections } from '../ui/Sections';
import { useAction, useLoad } from '../ui/use-async';
import { requesterText } from '../vocabulary/words';
import { AccessTimeline } from './AccessTimeline';
import { ContributionsView } from './ContributionsView';
import { localNoticeStore } from './dismissed-notices';
import type { NoticeStore } from './dismissed-notices';
import { EmergencyCard, EmergencyPolicyForm } from './EmergencyView';
import { ErasureView } from './ErasureView';
import { LiveGrants } from './LiveGrants';
import { MyRecord } from './MyRecord';
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
  // The newest page at once; older pages when the patient asks (the server answers newest first).
  const log = useLoad(() => api.accessLog(), [api]);
  const [older, setOlder] = useState<{ items: readonly AccessLogEntry[]; last: ListPage<AccessLogEntry> }>();
  const last = older?.last ?? log.data;
  const more = useAction(async () => {
    const page = await api.accessLog(last?.bookmark ?? '');
    setOlder({ items: [...(older?.items ?? []), ...page.items], last: page });
  });
  const entries = [...(log.data?.items ?? []), ...(older?.items ?? [])];
  // The ledger's last page still carries a bookmark: a page that came back empty is the end.
  const hasOlder = last !== undefined && (last.bookmark ?? '') !== '' && last.items.length > 0;
  return (
    <>
      {log.data && <EmergencyNotices entries={entries} store={store} />}
      <Sections
        label={t('patient.nav')}
        sections={[
          { id: 'rules', label: t('patient.rules'), render: () => <RulesView api={api} now={now} /> },
          { id: 'record', label: t('patient.record'), render: () => <MyRecord api={api} /> },
          {
            id: 'accesses',
            label: t('patient.accesses'),
            render: () => (
              <>
                <ProblemAlert problem={log.problem} />
                <AccessTimeline api={api} entries={entries} now={now()} />
                <ProblemAlert problem={more.problem} />
                {hasOlder && (
                  <button type="button" disabled={more.pending} onClick={() => void more.run()}>
                    {more.pending ? t('timeline.loadingOlder') : t('timeline.older')}
                  </button>
                )}
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
          { id: 'erasure', label: t('patient.erasure'), render: () => <ErasureView api={api} /> },
        ]}
      />
    </>
  );
}
