import { useMemo } from 'react';
import { auditorApi } from '../api/endpoints';
import { useWords } from '../i18n/use-words';
import { useSession } from '../session/session';
import { Sections } from '../ui/Sections';
import { AccessLogSearch } from './AccessLogSearch';
import { ChainExplorer } from './ChainExplorer';
import { Overview } from './Overview';
import { ReplayView } from './ReplayView';

export function AuditorWorkspace({ now }: { now?: () => string }) {
  const { t } = useWords();
  const { client } = useSession();
  const api = useMemo(() => auditorApi(client), [client]);
  return (
    <Sections
      label={t('auditor.nav')}
      sections={[
        { id: 'overview', label: t('auditor.overview'), render: () => <Overview api={api} now={now} /> },
        { id: 'log', label: t('auditor.log'), render: () => <AccessLogSearch api={api} now={now} /> },
        { id: 'chain', label: t('auditor.chain'), render: () => <ChainExplorer api={api} /> },
        { id: 'replay', label: t('auditor.replay'), render: () => <ReplayView api={api} /> },
      ]}
    />
  );
}
