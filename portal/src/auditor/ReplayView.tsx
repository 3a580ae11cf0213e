/**
 * Replay & verify: the chain walked from block 0, every decision re-derived; the blocks verified of the total
 * shown while it runs (the gateway streams its progress); discrepancies named.
 */
import { useState } from 'react';
import type { AuditorApi } from '../api/endpoints';
import type { Discrepancy, ReplayProgress, ReplayReport } from '../api/types';
import { useWords } from '../i18n/use-words';
import { downloadText } from '../ui/download';
import { Table } from '../ui/Table';
import type { Column } from '../ui/Table';
import { Notice, ProblemAlert } from '../ui/ProblemAlert';
import { useAction } from '../ui/use-async';

const COUNTS = [
  'blocksChecked',
  'transactionsChecked',
  'decisionsChecked',
  'deliveriesChecked',
  'manifestsChecked',
] as const;

export function ReplayView({ api }: { api: AuditorApi }) {
  const { t, format } = useWords();
  const [report, setReport] = useState<ReplayReport | undefined>();
  const [progress, setProgress] = useState<ReplayProgress | undefined>();
  const replay = useAction(async () => {
    setReport(undefined);
    setProgress(undefined);
    setReport(await api.replay(setProgress));
  });
  const csv = useAction(async () => downloadText('custodia-replay.csv', await api.replayCsv(), 'text/csv'));
  const columns: readonly Column<Discrepancy>[] = [
    { header: t('replay.kind'), cell: (d) => <code>{d.kind}</code> },
    { header: t('replay.block'), cell: (d) => d.block },
    { header: t('replay.transaction'), cell: (d) => <code className="break">{d.txId || '—'}</code> },
    { header: t('replay.detail'), cell: (d) => <span lang="en">{d.detail}</span> },
  ];
  return (
    <div>
      <h1>{t('replay.title')}</h1>
      <p className="lead">{t('replay.lead')}</p>
      <div className="actions">
        <button type="button" className="primary" disabled={replay.pending} onClick={() => void replay.run()}>
          {replay.pending ? t('replay.running') : t('replay.run')}
        </button>
        <button type="button" disabled={csv.pending} onClick={() => void csv.run()}>
          {t('replay.export')}
        </button>
      </div>
      {replay.pending && (
        <div className="replay-progress">
          <progress
            max={progress?.totalBlocks ?? 1}
            value={progress?.blocksVerified ?? 0}
            aria-label={t('replay.progressLabel')}
          />
          <p role="status">
            {progress
              ? t('replay.progress', {
                  done: format.number(progress.blocksVerified),
                  total: format.number(progress.totalBlocks),
                })
              : t('replay.starting')}
          </p>
        </div>
      )}
      <ProblemAlert problem={replay.problem ?? csv.problem} />
      {report && (
        <>
          {report.ok && report.discrepancies.length === 0 ? (
            <Notice>{t('replay.verified')}</Notice>
          ) : (
            <div className="alert alert-error" role="alert">
              <strong>{t('replay.discrepancies', { count: report.discrepancies.length })}</strong>
            </div>
          )}
          <dl className="facts">
            {COUNTS.map((key) => (
              <div key={key}>
                <dt>{t(`replay.counts.${key}`)}</dt>
                <dd>{format.number(report[key])}</dd>
              </div>
            ))}
          </dl>
          {report.discrepancies.length > 0 && (
            <Table
              label={t('replay.discrepancies', { count: report.discrepancies.length })}
              rows={report.discrepancies}
              rowKey={(_, i) => String(i)}
              columns={columns}
            />
          )}
        </>
      )}
    </div>
  );
}
