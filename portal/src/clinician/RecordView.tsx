/**
 * The temporary record: an unmistakable banner when it was opened in an emergency, the time left before it is
 * deleted, the sections with their entries (newest first, duplicates merged) and the empty sections in one line
 * each.
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { ClinicianApi } from '../api/endpoints';
import type { GrantView } from '../api/types';
import { EntryDetails } from '../fhir/EntryDetails';
import { patientIdentity } from '../fhir/patient-identity';
import type { PatientIdentity } from '../fhir/patient-identity';
import { readableSections } from '../fhir/readable';
import type { ReadableSection } from '../fhir/readable';
import { recordOverview } from '../fhir/record-overview';
import type { MergedEntry } from '../fhir/record-overview';
import { useWords } from '../i18n/use-words';
import { ProblemAlert } from '../ui/ProblemAlert';
import { useAction, useLoad } from '../ui/use-async';
import { timeLeft } from './countdown';

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** How often an open record checks that its grant still stands (a patient may revoke at any time). */
export const GRANT_RECHECK_MS = 30_000;

/**
 * The grant as the ledger states it now: read when the record opens (an emergency grant is flagged), then again
 * every GRANT_RECHECK_MS and on focus; once revoked, the page drops the record it holds, as the data lake did.
 */
function useGrant(api: ClinicianApi, grantId: string): GrantView | undefined {
  const [grant, setGrant] = useState<GrantView | undefined>();
  useEffect(() => {
    let current = true;
    const check = () => {
      api.grant(grantId).then(
        (view) => current && setGrant(view),
        // A failed check changes nothing: the record's own expiry still applies.
        () => undefined,
      );
    };
    check();
    const timer = setInterval(check, GRANT_RECHECK_MS);
    window.addEventListener('focus', check);
    return () => {
      current = false;
      clearInterval(timer);
      window.removeEventListener('focus', check);
    };
  }, [api, grantId]);
  return grant;
}

function Attachment({ api, entry }: { api: ClinicianApi; entry: MergedEntry }) {
  const { t, format } = useWords();
  const open = useAction(async () => {
    const blob = await api.binary(entry.attachment?.url ?? '');
    const url = URL.createObjectURL(blob);
    window.open(url, '_blank', 'noopener');
    // The object URL only lives as long as needed to open it: the record must not linger.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  });
  const a = entry.attachment;
  if (!a) return null;
  return (
    <span>
      <button type="button" disabled={open.pending || !a.url} onClick={() => void open.run()}>
        {a.size === undefined
          ? t('record.open', { title: a.title })
          : t('record.openSized', { title: a.title, size: format.bytes(a.size) })}
      </button>
      <ProblemAlert problem={open.problem} />
    </span>
  );
}

function sectionTitle(t: ReturnType<typeof useWords>['t'], section: ReadableSection): string {
  if (section.category) return t(`vocabulary.section.${section.category}`);
  return section.title || t('record.otherSection');
}

function Entry({ api, entry }: { api: ClinicianApi; entry: MergedEntry }) {
  const { t, format } = useWords();
  return (
    <li>
      <strong>{entry.title}</strong>
      <EntryDetails entry={entry} /> {entry.attachment && <Attachment api={api} entry={entry} />}
      {(entry.sources.length > 0 || entry.copies > 1) && (
        <span className="sources">
          {entry.sources.length > 0
            ? t('record.sources', { count: entry.sources.length, sources: format.list(entry.sources) })
            : t('record.copies', { count: entry.copies })}
        </span>
      )}
    </li>
  );
}

/** The record itself: mounted only while the grant stands, so withdrawing it drops the data from the page. */
function RecordSections({
  api,
  grantId,
  onIdentified,
}: {
  api: ClinicianApi;
  grantId: string;
  onIdentified?: (identity: PatientIdentity | undefined) => void;
}) {
  const { t, format } = useWords();
  const id = useId();
  // The gateway assembles the record on first read.
  const record = useLoad(() => api.record(grantId), [grantId]);
  const identify = useRef(onIdentified);
  identify.current = onIdentified;
  useEffect(() => {
    if (record.data) identify.current?.(patientIdentity(record.data));
  }, [record.data]);
  const overview = record.data && recordOverview(readableSections(record.data));
  const titles = (sections: readonly ReadableSection[]) =>
    format.list(sections.map((s) => sectionTitle(t, s)));
  return (
    <>
      <ProblemAlert problem={record.problem} />
      {record.loading && <p>{t('record.preparing')}</p>}
      {overview && (
        <>
          {overview.sections.length === 0 && <p>{t('record.nothingShown')}</p>}
          {overview.sections.map((section, index) => (
            <section
              key={`${section.category ?? section.title}-${index}`}
              className="ips-section"
              aria-labelledby={`${id}-${index}`}
            >
              <h3 id={`${id}-${index}`}>
                {sectionTitle(t, section)}{' '}
                <span className="count">({format.number(section.entries.length)})</span>
              </h3>
              <ul>
                {section.entries.map((entry, i) => (
                  <Entry key={entry.id ?? i} api={api} entry={entry} />
                ))}
              </ul>
            </section>
          ))}
          <div className="empty-sections">
            {overview.empty.withheld.length > 0 && (
              <p className="withheld">
                {t('record.withheld', { sections: titles(overview.empty.withheld) })}
              </p>
            )}
            {overview.empty.notasked.length > 0 && (
              <p className="muted">{t('record.notAsked', { sections: titles(overview.empty.notasked) })}</p>
            )}
            {overview.empty.unavailable.length + overview.empty.other.length > 0 && (
              <p className="muted">
                {t('record.nothingRecorded', {
                  sections: titles([...overview.empty.unavailable, ...overview.empty.other]),
                })}
              </p>
            )}
          </div>
        </>
      )}
    </>
  );
}

export function RecordView({
  api,
  grantId,
  expiresAt,
  onIdentified,
}: {
  api: ClinicianApi;
  grantId: string;
  expiresAt: string;
  /** Who the record is about (name, birth date), for the patient banner, once it is read. */
  onIdentified?: (identity: PatientIdentity | undefined) => void;
}) {
  const { t, format } = useWords();
  const now = useNow(1000);
  const left = timeLeft(expiresAt, now);
  const grant = useGrant(api, grantId);
  const withdrawn = grant?.status === 'revoked';
  return (
    <article
      className={grant?.emergency ? 'card record record-emergency' : 'card record'}
      aria-labelledby="record-title"
    >
      {grant?.emergency && (
        <div className="emergency-banner" role="note" aria-label={t('record.emergencyBannerLabel')}>
          <strong>{t('record.emergencyBanner')}</strong>
          <p>{t('record.emergencyBannerText')}</p>
          {grant.reasonCode && (
            <p>{t('record.emergencyReason', { reason: t(`request.reasonCodes.${grant.reasonCode}`) })}</p>
          )}
        </div>
      )}
      <div className="view-head">
        <h2 id="record-title">{t('record.title')}</h2>
        <p
          className={left.expired ? 'countdown countdown-expired' : 'countdown'}
          role="timer"
          aria-live="off"
          title={t('record.until', { when: format.dateTime(expiresAt) })}
        >
          {withdrawn
            ? t('record.withdrawnShort')
            : left.expired
              ? t('record.expiredShort')
              : left.hours > 0
                ? t('record.leftHours', { hours: left.hours, minutes: left.minutes })
                : t('record.leftMinutes', { minutes: Number(left.minutes), seconds: left.seconds })}
        </p>
      </div>
      {withdrawn ? (
        <p role="alert" className="alert alert-error">
          {t('record.withdrawn')}
        </p>
      ) : left.expired ? (
        <p>{t('record.expired')}</p>
      ) : (
        <RecordSections api={api} grantId={grantId} onIdentified={onIdentified} />
      )}
    </article>
  );
}
