import { useMemo } from 'react';
import { auditorApi } from '../api/endpoints';
import { useSession } from '../session/session';
import { Sections } from '../ui/Sections';
import { AccessLogSearch } from './AccessLogSearch';
import { ChainExplorer } from './ChainExplorer';
import { ReplayView } from './ReplayView';

export function AuditorWorkspace() {
  const { client } = useSession();
  const api = useMemo(() => auditorApi(client), [client]);
  return (
    <Sections
      label="Audit"
      sections={[
        { id: 'log', label: 'Access log', render: () => <AccessLogSearch api={api} /> },
        { id: 'chain', label: 'Chain explorer', render: () => <ChainExplorer api={api} /> },
        { id: 'replay', label: 'Replay & verify', render: () => <ReplayView api={api} /> },
      ]}
    />
  );
}
