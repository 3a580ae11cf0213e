/**
 * The auditor's first screen: the last 30 days of the access log at a glance — totals, requests per day and per
 * requesting organisation (charts with their tables), emergency uses, refusals and the latest requests.
 */
import type { AuditorApi } from '../api/endpoints';
import { allPages } from '../api/paging';
import type { AccessLogEntry } from '../api/types';
import { AccessesByDayChart, AccessesByOrganisationChart } from '../access-log/AccessCharts';
import { requesterParties } from '../directory/names';
import { useNames } from '../directory/use-names';
import { useWords } from '../i18n/use-words';
import { ProblemAlert } from '../ui/ProblemAlert';
import { Table } from '../ui/Table';
import { useLoad } from '../ui/use-async';
import { logColumns } from './log-columns';
import { overviewOf, periodStart } from './overview';

export const OVERVIEW_DAYS = 30;

function EntryTable({
  title,
  entries,
  empty,
}: {
  title: string;
  entries: readonly AccessLogEntry[];
  empty: string;
}) {
  const words = useWords();
  const names = useNames(entries.flatMap((e) => requesterParties(e.requester)));
  return (
    <section className="overview-list">
      <h2>{title}</h2>
      {entries.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <Table
          label={title}
          rows={entries}
          rowKey={(e) => e.entryId}
          rowClass={(e) => (e.emergency ? 'row-emergency' : undefined)}
          columns={logColumns(words, names)}
        />
      )}
    </section>
  );
}

export function Overview({
  api,
  now = () => new Date().toISOString(),
}: {
  api: AuditorApi;
  now?: () => string;
}) {
  const words = useWords();
  const { t, format } = words;
  const at = now();
  const log = useLoad(
    () => allPages((bookmark) => api.accessLog({ from: periodStart(at, OVERVIEW_DAYS) }, bookmark)),
    [api],
  );
  const overview = log.data && overviewOf(log.data.items, OVERVIEW_DAYS, at, format.dayKey);
  return (
    <div>
      <h1>{t('overview.title')}</h1>
      <p className="lead">{t('overview.lead', { days: OVERVIEW_DAYS })}</p>
      <ProblemAlert problem={log.problem} />
      {log.loading && !log.data && <p>{t('common.loading')}</p>}
      {log.data?.truncated && (
        <p className="alert alert-warn">{t('overview.truncated', { count: log.data.items.length })}</p>
      )}
      {overview && (
        <>
          <dl className="tiles">
            <div className="tile">
              <dt>{t('overview.requests')}</dt>
              <dd>{format.number(overview.totals.requests)}</dd>
            </div>
            <div className="tile">
              <dt>{t('overview.granted')}</dt>
              <dd>{format.number(overview.totals.granted)}</dd>
            </div>
            <div className="tile tile-refused">
              <dt>{t('overview.refused')}</dt>
              <dd>{format.number(overview.totals.refused)}</dd>
            </div>
            <div className="tile tile-emergency">
              <dt>{t('overview.emergency')}</dt>
              <dd>{format.number(overview.totals.emergency)}</dd>
            </div>
            <div className="tile">
              <dt>{t('overview.patients')}</dt>
              <dd>{format.number(overview.totals.patients)}</dd>
            </div>
          </dl>
          <div className="two-columns">
            <AccessesByDayChart days={overview.days} title={t('overview.perDay')} />
            <AccessesByOrganisationChart
              organisations={overview.organisations}
              title={t('overview.perOrganisation')}
            />
          </div>
          <EntryTable
            title={t('overview.emergencies')}
            entries={overview.emergencies}
            empty={t('overview.noEmergencies')}
          />
          <EntryTable
            title={t('overview.refusals')}
            entries={overview.refusals}
            empty={t('overview.noRefusals')}
          />
          <EntryTable
            title={t('overview.recent')}
            entries={overview.recent}
            empty={t('overview.noRequests')}
          />
        </>
      )}
    </div>
  );
}
