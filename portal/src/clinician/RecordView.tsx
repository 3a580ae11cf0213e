/** The temporary record, section by section, with the time left before it is deleted. */
import { useEffect, useState } from 'react';
import type { ClinicianApi } from '../api/endpoints';
import { formatBytes } from '../ui/format';
import { ProblemAlert } from '../ui/ProblemAlert';
import { useAction, useLoad } from '../ui/use-async';
import { timeLeft } from './countdown';
import { readableSections } from '../fhir/readable';
import type { ReadableEntry } from '../fhir/readable';

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

/** True once the grant is revoked: the page then drops the record it holds, as the data lake did. */
function useGrantWithdrawn(api: ClinicianApi, grantId: string): boolean {
  const [withdrawn, setWithdrawn] = useState(false);
  useEffect(() => {
    let current = true;
    const check = () => {
      api.grant(grantId).then(
        (grant) => current && grant.status === 'revoked' && setWithdrawn(true),
        // A failed check changes nothing: the record's own expiry still applies.
        () => undefined,
      );
    };
    const timer = setInterval(check, GRANT_RECHECK_MS);
    window.addEventListener('focus', check);
    return () => {
      current = false;
      clearInterval(timer);
      window.removeEventListener('focus', check);
    };
  }, [api, grantId]);
  return withdrawn;
}

function Attachment({ api, entry }: { api: ClinicianApi; entry: ReadableEntry }) {
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
        Open {a.title}
        {a.size !== undefined && ` (${formatBytes(a.size)})`}
      </button>
      <ProblemAlert problem={open.problem} />
    </span>
  );
}

/** The record itself: mounted only while the grant stands, so withdrawing it drops the data from the page. */
function RecordSections({ api, grantId }: { api: ClinicianApi; grantId: string }) {
  // The gateway assembles the record on first read.
  const record = useLoad(() => api.record(grantId), [grantId]);
  return (
    <>
      <ProblemAlert problem={record.problem} />
      {record.loading && <p>Preparing the record…</p>}
      {record.data &&
        readableSections(record.data).map((section) => (
          <section key={section.title} className="ips-section" aria-label={section.title}>
            <h3>{section.title}</h3>
            {section.entries.length === 0 ? (
              <p className="muted">{section.emptyReason ?? 'Nothing recorded'}</p>
            ) : (
              <ul>
                {section.entries.map((entry, i) => (
                  <li key={entry.id ?? i}>
                    <strong>{entry.title}</strong>
                    {entry.details.length > 0 && (
                      <span className="muted"> — {entry.details.join(' · ')}</span>
                    )}{' '}
                    {entry.attachment && <Attachment api={api} entry={entry} />}
                  </li>
                ))}
              </ul>
            )}
          </section>
        ))}
    </>
  );
}

export function RecordView({
  api,
  grantId,
  expiresAt,
}: {
  api: ClinicianApi;
  grantId: string;
  expiresAt: string;
}) {
  const now = useNow(1000);
  const left = timeLeft(expiresAt, now);
  const withdrawn = useGrantWithdrawn(api, grantId);
  return (
    <article className="card record" aria-labelledby="record-title">
      <div className="view-head">
        <h2 id="record-title">Temporary record</h2>
        <p
          className={left.expired ? 'countdown countdown-expired' : 'countdown'}
          role="timer"
          aria-live="off"
        >
          {withdrawn ? 'Withdrawn' : left.text}
        </p>
      </div>
      {withdrawn ? (
        <p role="alert" className="alert alert-error">
          The patient’s rules changed: this record was withdrawn and deleted. Request access again if you
          still need it.
        </p>
      ) : left.expired ? (
        <p>This record has expired and has been deleted. Request access again if you still need it.</p>
      ) : (
        <RecordSections api={api} grantId={grantId} />
      )}
    </article>
  );
}
