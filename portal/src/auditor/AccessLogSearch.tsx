/**
 * The access log: the last days' requests at once, newest first; search by patient, by requester or by period;
 * each grant's fate (revoked, expired, delivered) on demand; the deciding rules' histories; a CSV export.
 */
import { useState } from 'react';
import type { FormEvent } from 'react';
import { EMERGENCY_POLICY_RULE_ID } from '@custodia/chaincode/model';
import type { AuditorApi } from '../api/endpoints';
import { allPages } from '../api/paging';
import type { AccessLogEntry, AuditLogQuery } from '../api/types';
import { requesterParties } from '../directory/names';
import { useNames } from '../directory/use-names';
import { useWords } from '../i18n/use-words';
import { downloadText } from '../ui/download';
import { Table } from '../ui/Table';
import type { Column } from '../ui/Table';
import { ProblemAlert } from '../ui/ProblemAlert';
import { useLoad } from '../ui/use-async';
import { accessLogCsv } from './csv';
import { short } from './hash-text';
import { GrantCell, logColumns } from './log-columns';
import { periodStart } from './overview';
import { RuleHistoryPanel } from './RuleHistory';

/** What the log shows before any search: the requests of the last days. */
export const RECENT_DAYS = 7;

/** A `datetime-local` value (the reader's local time) as an instant. */
function toInstant(local: string): string | undefined {
  return local ? new Date(local).toISOString() : undefined;
}

const EMPTY_FILTERS = { patientId: '', requesterMspId: '', requesterId: '', from: '', to: '' };

export function AccessLogSearch({
  api,
  now = () => new Date().toISOString(),
}: {
  api: AuditorApi;
  now?: () => string;
}) {
  const words = useWords();
  const { t } = words;
  const [filters, setFilters] = useState(EMPTY_FILTERS);
  const [query, setQuery] = useState<AuditLogQuery>(() => ({ from: periodStart(now(), RECENT_DAYS) }));
  const [searched, setSearched] = useState(false);
  const [ruleId, setRuleId] = useState<string | undefined>();
  const log = useLoad(() => allPages((bookmark) => api.accessLog(query, bookmark)), [query]);
  const entries = [...(log.data?.items ?? [])].sort((a, b) => b.timestamp.localeCompare(a.timestamp));
  const names = useNames(entries.flatMap((e) => requesterParties(e.requester)));
  const set = (key: keyof typeof filters) => (e: { target: { value: string } }) =>
    setFilters((f) => ({ ...f, [key]: e.target.value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next: AuditLogQuery = {
      patientId: filters.patientId.trim() || undefined,
      requesterMspId: filters.requesterMspId.trim() || undefined,
      requesterId: filters.requesterId.trim() || undefined,
      from: toInstant(filters.from),
      to: toInstant(filters.to),
    };
    const any = Object.values(next).some((value) => value !== undefined);
    setSearched(any);
    // An empty search shows the recent requests again.
    setQuery(any ? next : { from: periodStart(now(), RECENT_DAYS) });
  };
  const columns: Column<AccessLogEntry>[] = [
    ...logColumns(words, names),
    {
      header: t('log.rules'),
      cell: (e) =>
        e.decision.rules.length === 0
          ? t('log.defaultDeny')
          : e.decision.rules.map((r) =>
              // The emergency policy decides like a rule but has a history of its own, not a rule's.
              r.ruleId === EMERGENCY_POLICY_RULE_ID ? (
                <span key={r.ruleId}>{t('log.policyVersion', { version: r.version })} </span>
              ) : (
                <button
                  key={`${r.ruleId}@${r.version}`}
                  type="button"
                  className="link"
                  title={r.ruleId}
                  onClick={() => setRuleId(r.ruleId)}
                >
                  {t('log.ruleVersion', {
                    rule: short(r.ruleId),
                    version: r.version,
                    effect: t(`vocabulary.effect.${r.effect}`),
                  })}
                </button>
              ),
            ),
    },
    { header: t('log.grant'), cell: (e) => <GrantCell api={api} entry={e} /> },
  ];
  return (
    <div>
      <h1>{t('log.title')}</h1>
      <p className="lead">{t('log.lead')}</p>
      <form className="card filters" onSubmit={submit} aria-label={t('log.filters')}>
        <label>
          {t('log.patientId')}
          <input value={filters.patientId} onChange={set('patientId')} />
        </label>
        <label>
          {t('log.requesterOrganisation')}
          <input
            value={filters.requesterMspId}
            onChange={set('requesterMspId')}
            placeholder="HospitalFRMSP"
          />
        </label>
        <label>
          {t('log.requesterId')}
          <input value={filters.requesterId} onChange={set('requesterId')} />
        </label>
        <label>
          {t('log.from')}
          <input type="datetime-local" value={filters.from} onChange={set('from')} />
        </label>
        <label>
          {t('log.to')}
          <input type="datetime-local" value={filters.to} onChange={set('to')} />
        </label>
        <button type="submit" className="primary" disabled={log.loading}>
          {t('log.search')}
        </button>
      </form>
      <ProblemAlert problem={log.problem} />
      {log.data && (
        <>
          <div className="view-head">
            <p role="status">
              {searched
                ? t('log.count', { count: entries.length })
                : t('log.recentCount', { count: entries.length, days: RECENT_DAYS })}
            </p>
            <button
              type="button"
              disabled={entries.length === 0}
              onClick={() => downloadText('custodia-access-log.csv', accessLogCsv(entries), 'text/csv')}
            >
              {t('log.export')}
            </button>
          </div>
          <Table
            label={t('log.caption')}
            caption={t('log.caption')}
            rows={entries}
            rowKey={(e) => e.entryId}
            rowClass={(e) => (e.emergency ? 'row-emergency' : undefined)}
            columns={columns}
          />
          {ruleId && <RuleHistoryPanel api={api} ruleId={ruleId} />}
        </>
      )}
    </div>
  );
}
