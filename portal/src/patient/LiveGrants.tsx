/**
 * Who can see the patient's record now: each open access (who, what, until when) with "End now", which ends it on
 * the ledger at once; the data lake then deletes what it had prepared for that person.
 */
import { useState } from 'react';
import type { PatientApi } from '../api/endpoints';
import { allPages } from '../api/paging';
import type { GrantView } from '../api/types';
import { requesterParties } from '../directory/names';
import type { Directory } from '../directory/names';
import { useNames } from '../directory/use-names';
import { useWords } from '../i18n/use-words';
import { Notice, ProblemAlert } from '../ui/ProblemAlert';
import { useAction, useLoad } from '../ui/use-async';
import { categoryList, requesterText } from '../vocabulary/words';

/** The grants a person can still end: the ledger's live list also holds expired ones until it prunes them. */
export function openGrants(grants: readonly GrantView[]): GrantView[] {
  return grants
    .filter((grant) => grant.status === 'active' || grant.status === 'narrowed')
    .sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
}

function LiveGrant(props: {
  api: PatientApi;
  grant: GrantView;
  names: Directory;
  now: number;
  onEnded: (who: string) => void;
}) {
  const words = useWords();
  const { t, format } = words;
  const { grant } = props;
  const [confirming, setConfirming] = useState(false);
  const who = requesterText(words, grant.requester, props.names);
  const end = useAction(async () => {
    await props.api.endGrant(grant.grantId);
    props.onEnded(who);
  });
  return (
    <li className={grant.emergency ? 'entry-emergency' : undefined}>
      <p>
        <strong>{who}</strong>
      </p>
      {grant.emergency && <p className="emergency-flag">{t('grants.emergency')}</p>}
      <p>
        {t('grants.what', {
          what: categoryList(
            words,
            grant.granted.map((entry) => entry.category),
          ),
        })}
      </p>
      <p className="muted">
        {t('grants.until', {
          when: format.dateTime(grant.expiresAt),
          relative: format.relative(grant.expiresAt, props.now),
        })}
      </p>
      {grant.status === 'narrowed' && <p className="muted">{t('grants.narrowed')}</p>}
      <ProblemAlert problem={end.problem} />
      <div className="actions">
        {confirming ? (
          <>
            <span id={`confirm-${grant.grantId}`}>{t('grants.confirm', { who })}</span>
            <button
              type="button"
              className="danger"
              disabled={end.pending}
              aria-describedby={`confirm-${grant.grantId}`}
              onClick={() => void end.run()}
            >
              {end.pending ? t('grants.ending') : t('grants.confirmYes')}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              {t('grants.keep')}
            </button>
          </>
        ) : (
          <button type="button" className="danger" onClick={() => setConfirming(true)}>
            {t('grants.endNow')}
          </button>
        )}
      </div>
    </li>
  );
}

export function LiveGrants({ api, now }: { api: PatientApi; now: string }) {
  const { t } = useWords();
  const grants = useLoad(() => allPages((bookmark) => api.liveGrants(bookmark)), [api]);
  const [message, setMessage] = useState<string | undefined>();
  const open = openGrants(grants.data?.items ?? []);
  const names = useNames(open.flatMap((grant) => requesterParties(grant.requester)));
  return (
    <div>
      <h1>{t('grants.title')}</h1>
      <p className="lead">{t('grants.lead')}</p>
      {message && <Notice>{message}</Notice>}
      <ProblemAlert problem={grants.problem} />
      {grants.loading && !grants.data && <p>{t('common.loading')}</p>}
      {grants.data && open.length === 0 && <p>{t('grants.none')}</p>}
      {open.length > 0 && (
        <ul className="grant-list card" aria-label={t('grants.title')}>
          {open.map((grant) => (
            <LiveGrant
              key={grant.grantId}
              api={api}
              grant={grant}
              names={names}
              now={Date.parse(now)}
              onEnded={(who) => {
                setMessage(t('grants.ended', { who }));
                grants.reload();
              }}
            />
          ))}
        </ul>
      )}
    </div>
  );
}
