/**
 * Who asked for what, when, what they got — and whether the record was then actually opened, and whether the
 * access was withdrawn — newest first, under a 30-day chart.
 */
import type { PatientApi } from '../api/endpoints';
import type { AccessLogEntry, Delivery, GrantView } from '../api/types';
import { AccessesByDayChart } from '../access-log/AccessCharts';
import { dailyCounts } from '../access-log/counts';
import { EMERGENCY_POLICY_RULE_ID, GRANT_REVOKERS } from '@custodia/chaincode/model';
import { requesterParties } from '../directory/names';
import type { Directory } from '../directory/names';
import { useNames } from '../directory/use-names';
import { useWords } from '../i18n/use-words';
import { useLoad } from '../ui/use-async';
import { categoryList, purposeForPatient, requesterText } from '../vocabulary/words';

/** The grant's fate: still open, ended, or withdrawn — and every time its record was opened. */
function GrantFate({
  api,
  grantId,
  now,
  names,
}: {
  api: PatientApi;
  grantId: string;
  now: number;
  names: Directory;
}) {
  const words = useWords();
  const { t, format } = words;
  const fate = useLoad(async (): Promise<{ grant: GrantView; deliveries: readonly Delivery[] }> => {
    const [grant, deliveries] = await Promise.all([api.grant(grantId), api.deliveries(grantId)]);
    return { grant, deliveries: deliveries.items };
  }, [grantId]);
  if (fate.loading && !fate.data) return <p className="muted">{t('timeline.checking')}</p>;
  if (!fate.data) return <p className="muted">{t('timeline.checkFailed')}</p>;
  const { grant, deliveries } = fate.data;
  const opened = [...deliveries].sort((a, b) => a.deliveredAt.localeCompare(b.deliveredAt));
  return (
    <div className="grant-fate">
      {grant.status === 'revoked' && grant.revoked ? (
        <p className="status status-revoked">
          {grant.revoked.ruleId === EMERGENCY_POLICY_RULE_ID
            ? t('timeline.withdrawnByPolicy', { when: format.dateTime(grant.revoked.at) })
            : grant.revoked.ruleId === GRANT_REVOKERS.endedByPatient
              ? t('timeline.withdrawnByPatient', { when: format.dateTime(grant.revoked.at) })
              : t('timeline.withdrawn', { when: format.dateTime(grant.revoked.at) })}
        </p>
      ) : grant.status === 'expired' ? (
        <p className="status status-expired">
          {t('timeline.ended', { when: format.dateTime(grant.expiresAt) })}
        </p>
      ) : (
        <p className="status status-active">
          {t('timeline.open', {
            when: format.dateTime(grant.expiresAt),
            relative: format.relative(grant.expiresAt, now),
          })}
        </p>
      )}
      {opened.length === 0 ? (
        <p>{t('timeline.notOpened')}</p>
      ) : (
        <ul className="deliveries">
          {opened.map((d) => (
            <li key={d.deliveryId}>
              {t('timeline.opened', {
                when: format.dateTime(d.deliveredAt),
                who: requesterText(words, d.requester, names),
              })}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Entry({
  api,
  entry,
  now,
  names,
}: {
  api: PatientApi;
  entry: AccessLogEntry;
  now: number;
  names: Directory;
}) {
  const words = useWords();
  const { t, format } = words;
  return (
    <li className={entry.emergency ? 'card entry entry-emergency' : 'card entry'}>
      <p className="when">
        <time dateTime={entry.timestamp}>{format.dateTime(entry.timestamp)}</time>{' '}
        <span className="muted">({format.relative(entry.timestamp, now)})</span>
      </p>
      <p>
        <strong>{requesterText(words, entry.requester, names)}</strong>{' '}
        {t('timeline.asked', {
          what: categoryList(words, entry.requested),
          purpose: purposeForPatient(words, entry.purpose),
        })}
      </p>
      {entry.emergency && (
        <p className="emergency-flag">
          {entry.reason
            ? t('timeline.emergencyReason', { reason: entry.reason.text })
            : t('timeline.emergency')}
        </p>
      )}
      <p>
        {entry.decision.granted.length > 0
          ? t('timeline.shared', { what: categoryList(words, entry.decision.granted) })
          : t('timeline.nothingShared')}
        {entry.decision.denied.length > 0 &&
          ` ${t('timeline.refused', { what: categoryList(words, entry.decision.denied) })}`}
      </p>
      {entry.grantId && <GrantFate api={api} grantId={entry.grantId} now={now} names={names} />}
    </li>
  );
}

export function AccessTimeline({
  api,
  entries,
  now,
}: {
  api: PatientApi;
  entries: readonly AccessLogEntry[];
  now: string;
}) {
  const { t, format } = useWords();
  const sorted = [...entries].sort((a, b) => b.timestamp.localeCompare(a.timestamp));
  const nowMs = Date.parse(now);
  const names = useNames(entries.flatMap((entry) => requesterParties(entry.requester)));
  return (
    <div>
      <h1>{t('timeline.title')}</h1>
      <AccessesByDayChart
        days={dailyCounts(entries, 30, now, format.dayKey)}
        title={t('timeline.chartTitle')}
      />
      {sorted.length === 0 ? (
        <p>{t('timeline.empty')}</p>
      ) : (
        <ol className="timeline" aria-label={t('timeline.listLabel')}>
          {sorted.map((e) => (
            <Entry key={e.entryId} api={api} entry={e} now={nowMs} names={names} />
          ))}
        </ol>
      )}
    </div>
  );
}
