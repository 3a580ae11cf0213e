/** Replay & verify: the chain walked from block 0, every decision re-derived; discrepancies named. */
import { useState } from 'react';
import type { AuditorApi } from '../api/endpoints';
import type { Discrepancy, ReplayReport } from '../api/types';
import { downloadText } from '../ui/download';
import { Table } from '../ui/Table';
import type { Column } from '../ui/Table';
import { Notice, ProblemAlert } from '../ui/ProblemAlert';
import { useAction } from '../ui/use-async';

const COUNTS: readonly [
  'blocksChecked' | 'transactionsChecked' | 'decisionsChecked' | 'deliveriesChecked' | 'manifestsChecked',
  string,
][] = [
  ['blocksChecked', 'Blocks checked'],
  ['transactionsChecked', 'Transactions checked'],
  ['decisionsChecked', 'Decisions re-derived'],
  ['deliveriesChecked', 'Deliveries checked'],
  ['manifestsChecked', 'Delivery manifests checked'],
];

const DISCREPANCY_COLUMNS: readonly Column<Discrepancy>[] = [
  { header: 'Kind', cell: (d) => <code>{d.kind}</code> },
  { header: 'Block', cell: (d) => d.block },
  { header: 'Transaction', cell: (d) => <code className="break">{d.txId || '—'}</code> },
  { header: 'Detail', cell: (d) => d.detail },
];

export function ReplayView({ api }: { api: AuditorApi }) {
  const [report, setReport] = useState<ReplayReport | undefined>();
  const replay = useAction(async () => setReport(await api.replay()));
  const csv = useAction(async () => downloadText('custodia-replay.csv', await api.replayCsv(), 'text/csv'));
  return (
    <div>
      <h1>Replay &amp; verify</h1>
      <p className="lead">
        Walks the chain from the first block, re-derives every logged decision from the rules in force at that
        point, and checks every delivery against its grant.
      </p>
      <div className="actions">
        <button type="button" className="primary" disabled={replay.pending} onClick={() => void replay.run()}>
          {replay.pending ? 'Verifying…' : 'Run replay & verify'}
        </button>
        <button type="button" disabled={csv.pending} onClick={() => void csv.run()}>
          Export report (CSV)
        </button>
      </div>
      <ProblemAlert problem={replay.problem ?? csv.problem} />
      {report && (
        <>
          {report.ok && report.discrepancies.length === 0 ? (
            <Notice>Verified: every decision and delivery matches the chain.</Notice>
          ) : (
            <div className="alert alert-error" role="alert">
              <strong>{report.discrepancies.length} discrepancies found</strong>
            </div>
          )}
          <dl className="facts">
            {COUNTS.map(([key, label]) => (
              <div key={key}>
                <dt>{label}</dt>
                <dd>{String(report[key])}</dd>
              </div>
            ))}
          </dl>
          {report.discrepancies.length > 0 && (
            <Table rows={report.discrepancies} rowKey={(_, i) => String(i)} columns={DISCREPANCY_COLUMNS} />
          )}
        </>
      )}
    </div>
  );
}
