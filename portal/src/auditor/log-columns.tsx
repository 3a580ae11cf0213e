/** The access log's columns as auditors read them, shared by the overview's lists and the log itself. */
import { useState } from 'react';
import { EMERGENCY_POLICY_RULE_ID } from '@custodia/chaincode/model';
import type { AuditorApi } from '../api/endpoints';
import type { AccessLogEntry, Delivery, GrantView } from '../api/types';
import type { Directory } from '../directory/names';
import type { Words } from '../i18n/i18n';
import { useWords } from '../i18n/use-words';
import type { Column } from '../ui/Table';
import { useAction } from '../ui/use-async';
import { ProblemAlert } from '../ui/ProblemAlert';
import { categoryList, purposeName } from '../vocabulary/words';
import { short } from './hash-text';

/** `names`: the directory's names of requesters and organisations (ids are shown, and kept, beside them). */
export function logColumns(words: Words, names: Directory = {}): Column<AccessLogEntry>[] {
  const { t, format } = words;
  return [
    {
      header: t('log.when'),
      cell: (e) => <time dateTime={e.timestamp}>{format.dateTime(e.timestamp)}</time>,
    },
    { header: t('log.patient'), cell: (e) => <code>{e.patientId}</code> },
    {
      header: t('log.requester'),
      cell: (e) => {
        const name = names.practitioner?.(e.requester.mspId, e.requester.id);
        const organisation = names.organisation?.(e.requester.mspId) ?? e.requester.mspId;
        return (
          <>
            {name !== undefined && <>{name} </>}
            <code>{e.requester.id}</code> ({organisation}
            {e.requester.country ? `, ${format.country(e.requester.country)}` : ''})
          </>
        );
      },
    },
    {
      header: t('log.purpose'),
      cell: (e) => (
        <>
          {purposeName(words, e.purpose)}
          {e.emergency && <strong className="emergency-flag"> · {t('log.emergency')}</strong>}
          {e.emergency && e.reason && <span className="muted"> “{e.reason.text}”</span>}
        </>
      ),
    },
    {
      header: t('log.granted'),
      cell: (e) => (e.decision.granted.length > 0 ? categoryList(words, e.decision.granted) : '—'),
    },
    {
      header: t('log.denied'),
      cell: (e) => (e.decision.denied.length > 0 ? categoryList(words, e.decision.denied) : '—'),
    },
  ];
}

/** A grant's fate for an auditor: revoked (when, by which rule), expired or active, and its deliveries. */
export function GrantCell({ api, entry }: { api: AuditorApi; entry: AccessLogEntry }) {
  const { t, format } = useWords();
  const [state, setState] = useState<{ grant: GrantView; deliveries: readonly Delivery[] } | undefined>();
  const load = useAction(async () => {
    const grantId = entry.grantId ?? '';
    const [grant, deliveries] = await Promise.all([
      api.grant(entry.patientId, grantId),
      api.deliveries(entry.patientId, grantId),
    ]);
    setState({ grant, deliveries: deliveries.items });
  });
  if (!entry.grantId) return <>—</>;
  if (!state) {
    return (
      <>
        <button type="button" className="link" disabled={load.pending} onClick={() => void load.run()}>
          {t('log.checkGrant')}
        </button>
        <ProblemAlert problem={load.problem} />
      </>
    );
  }
  const { grant, deliveries } = state;
  return (
    <div className="grant-cell">
      <span className={`status status-${grant.status}`}>{t(`vocabulary.grantStatus.${grant.status}`)}</span>{' '}
      {grant.revoked
        ? t('log.revokedBy', {
            when: format.dateTime(grant.revoked.at),
            rule:
              grant.revoked.ruleId === EMERGENCY_POLICY_RULE_ID
                ? t('log.emergencyPolicy')
                : short(grant.revoked.ruleId),
          })
        : t('log.until', { when: format.dateTime(grant.expiresAt) })}
      <br />
      {deliveries.length === 0
        ? t('log.notDelivered')
        : t('log.delivered', {
            count: deliveries.length,
            when: format.list(deliveries.map((d) => format.dateTime(d.deliveredAt))),
          })}
    </div>
  );
}
