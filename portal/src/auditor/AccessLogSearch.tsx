/** Access-log search by patient, requester and period, with a CSV export of what is shown. */
import { useState } from 'react';
import type { FormEvent } from 'react';
import { EMERGENCY_POLICY_RULE_ID } from '@custodia/chaincode/model';
import type { AuditorApi } from '../api/endpoints';
import type { AccessLogEntry, AuditLogQuery } from '../api/types';
import { downloadText } from '../ui/download';
import { formatWhen } from '../ui/format';
import { Table } from '../ui/Table';
import type { Column } from '../ui/Table';
import { ProblemAlert } from '../ui/ProblemAlert';
import { useAction } from '../ui/use-async';
import { accessLogCsv } from './csv';
import { short } from './hash-text';
import { RuleHistoryPanel } from './RuleHistory';

const BASE_COLUMNS: readonly Column<AccessLogEntry>[] = [
  { header: 'When (UTC)', cell: (e) => formatWhen(e.timestamp) },
  { header: 'Patient', cell: (e) => <code>{e.patientId}</code> },
  {
    header: 'Requester',
    cell: (e) =>
      `${e.requester.id} (${e.requester.mspId}${e.requester.country ? `, ${e.requester.country}` : ''})`,
  },
  {
    header: 'Purpose',
    cell: (e) => (
      <>
        {e.purpose}
        {e.emergency && <strong> · emergency</strong>}
      </>
    ),
  },
  { header: 'Granted', cell: (e) => e.decision.granted.join(', ') || '—' },
  { header: 'Denied', cell: (e) => e.decision.denied.join(', ') || '—' },
];

/** The deciding rules as buttons that open each rule's history. */
function withRules(open: (ruleId: string) => void): readonly Column<AccessLogEntry>[] {
  return [
    ...BASE_COLUMNS,
    {
      header: 'Deciding rules',
      cell: (e) =>
        e.decision.rules.length === 0
          ? 'default deny'
          : e.decision.rules.map((r) =>
              // The emergency policy decides like a rule but has a history of its own, not a rule's.
              r.ruleId === EMERGENCY_POLICY_RULE_ID ? (
                <span key={r.ruleId}>emergency policy v{r.version} </span>
              ) : (
                <button
                  key={`${r.ruleId}@${r.version}`}
                  type="button"
                  className="link"
                  title={r.ruleId}
                  onClick={() => open(r.ruleId)}
                >
                  {short(r.ruleId)} v{r.version} ({r.effect})
                </button>
              ),
            ),
    },
  ];
}

function toInstant(local: string): string | undefined {
  return local ? new Date(`${local}Z`).toISOString() : undefined;
}

export function AccessLogSearch({ api }: { api: AuditorApi }) {
  const [filters, setFilters] = useState({
    patientId: '',
    requesterMspId: '',
    requesterId: '',
    from: '',
    to: '',
  });
  const [entries, setEntries] = useState<readonly AccessLogEntry[] | undefined>();
  const [ruleId, setRuleId] = useState<string | undefined>();
  const search = useAction(async () => {
    const query: AuditLogQuery = {
      patientId: filters.patientId.trim() || undefined,
      requesterMspId: filters.requesterMspId.trim() || undefined,
      requesterId: filters.requesterId.trim() || undefined,
      from: toInstant(filters.from),
      to: toInstant(filters.to),
    };
    setEntries((await api.accessLog(query)).items);
  });
  const set = (key: keyof typeof filters) => (e: { target: { value: string } }) =>
    setFilters((f) => ({ ...f, [key]: e.target.value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void search.run();
  };
  return (
    <div>
      <h1>Access log</h1>
      <p className="lead">Search by patient, by requester (organisation and id), or by period.</p>
      <form className="card filters" onSubmit={submit} aria-label="Access-log filters">
        <label>
          Patient id
          <input value={filters.patientId} onChange={set('patientId')} />
        </label>
        <label>
          Requester organisation
          <input
            value={filters.requesterMspId}
            onChange={set('requesterMspId')}
            placeholder="e.g. HospitalFRMSP"
          />
        </label>
        <label>
          Requester id
          <input value={filters.requesterId} onChange={set('requesterId')} />
        </label>
        <label>
          From (UTC)
          <input type="datetime-local" value={filters.from} onChange={set('from')} />
        </label>
        <label>
          To (UTC)
          <input type="datetime-local" value={filters.to} onChange={set('to')} />
        </label>
        <button type="submit" className="primary" disabled={search.pending}>
          Search
        </button>
      </form>
      <ProblemAlert problem={search.problem} />
      {entries && (
        <>
          <div className="view-head">
            <p>{entries.length} entries</p>
            <button
              type="button"
              disabled={entries.length === 0}
              onClick={() => downloadText('custodia-access-log.csv', accessLogCsv(entries), 'text/csv')}
            >
              Export CSV
            </button>
          </div>
          <Table
            rows={entries}
            rowKey={(e) => e.entryId}
            rowClass={(e) => (e.emergency ? 'row-emergency' : undefined)}
            columns={withRules(setRuleId)}
          />
          {ruleId && <RuleHistoryPanel api={api} ruleId={ruleId} />}
        </>
      )}
    </div>
  );
}
