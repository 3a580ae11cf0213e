/** Who asked for what, when, and what they got — newest first, with a 30-day chart. */
import type { AccessLogEntry } from '../api/types';
import { capitalise, CATEGORY_NAMES, countryName, listInWords, PURPOSE_NAMES } from '../vocabulary/names';
import { formatWhen } from '../ui/format';
import { AccessChart } from './AccessChart';
import { dailyCounts } from './timeline';

export function requesterText(entry: AccessLogEntry): string {
  const r = entry.requester;
  const country = r.country ? `, ${countryName(r.country)}` : '';
  return `${capitalise(r.role)} ${r.id} (${r.mspId}${country})`;
}

export function AccessTimeline({ entries, now }: { entries: readonly AccessLogEntry[]; now: string }) {
  const sorted = [...entries].sort((a, b) => b.timestamp.localeCompare(a.timestamp));
  return (
    <div>
      <h1>Who looked at my record</h1>
      <AccessChart days={dailyCounts(entries, 30, now)} />
      {sorted.length === 0 ? (
        <p>Nobody has asked for your record yet.</p>
      ) : (
        <ol className="timeline" aria-label="Accesses, newest first">
          {sorted.map((e) => (
            <li key={e.entryId} className={e.emergency ? 'card entry entry-emergency' : 'card entry'}>
              <time dateTime={e.timestamp}>{formatWhen(e.timestamp)}</time>
              <p>
                <strong>{requesterText(e)}</strong> asked for your{' '}
                {listInWords(e.requested.map((c) => CATEGORY_NAMES[c]))} for {PURPOSE_NAMES[e.purpose]}.
              </p>
              {e.emergency && (
                <p className="emergency-flag">Emergency access{e.reason ? `: “${e.reason}”` : ''}</p>
              )}
              <p>
                {e.decision.granted.length > 0
                  ? `Shared: ${listInWords(e.decision.granted.map((c) => CATEGORY_NAMES[c]))}.`
                  : 'Nothing was shared.'}
                {e.decision.denied.length > 0 &&
                  ` Refused: ${listInWords(e.decision.denied.map((c) => CATEGORY_NAMES[c]))}.`}
              </p>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
