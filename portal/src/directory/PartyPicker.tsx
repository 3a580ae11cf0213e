/**
 * Picks a clinician or an organisation from the gateway's directory by name (and country), so a rule names whom the
 * patient means without anyone typing an id. Only the ids of the choice reach the rule; names stay off the ledger.
 */
import { useEffect, useMemo, useState } from 'react';
import { directoryApi } from '../api/endpoints';
import type { DirectoryEntry } from '../api/types';
import { useWords } from '../i18n/use-words';
import { useSession } from '../session/session';
import { ProblemAlert } from '../ui/ProblemAlert';
import { useLoad } from '../ui/use-async';
import { COUNTRIES } from '../vocabulary/countries';
import { capitalise, roleTitle } from '../vocabulary/words';
import type { Directory, PartyRef } from './names';

/** Typing settles for this long before the directory is asked. */
const SEARCH_DELAY_MS = 250;

function sameParty(entry: DirectoryEntry, party: PartyRef | undefined): boolean {
  if (party === undefined || entry.mspId !== party.mspId) return false;
  return entry.kind === 'practitioner' ? entry.id === party.id : party.id === undefined;
}

export function PartyPicker(props: {
  kind: DirectoryEntry['kind'];
  value: PartyRef | undefined;
  onChange: (party: PartyRef) => void;
  /** Names of the current choice (a rule being changed names its grantee before any search). */
  names: Directory;
}) {
  const words = useWords();
  const { t, format } = words;
  const { client } = useSession();
  const api = useMemo(() => directoryApi(client), [client]);
  const [q, setQ] = useState('');
  const [country, setCountry] = useState('');
  const [asked, setAsked] = useState({ q: '', country: '' });
  useEffect(() => {
    const timer = setTimeout(() => setAsked({ q: q.trim(), country }), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [q, country]);
  const found = useLoad(
    () =>
      api.search({
        kind: props.kind,
        ...(props.kind === 'practitioner' ? { role: 'clinician' as const } : {}),
        ...(asked.q ? { q: asked.q } : {}),
        ...(asked.country ? { country: asked.country } : {}),
      }),
    [api, props.kind, asked.q, asked.country],
  );
  const entries = found.data?.items ?? [];
  const chosen =
    props.value === undefined
      ? undefined
      : (entries.find((entry) => sameParty(entry, props.value))?.name ??
        (props.value.id === undefined
          ? props.names.organisation?.(props.value.mspId)
          : props.names.practitioner?.(props.value.mspId, props.value.id)) ??
        props.value.id ??
        props.value.mspId);
  const line = (entry: DirectoryEntry) =>
    entry.kind === 'practitioner'
      ? t('picker.practitionerLine', {
          name: entry.name,
          role: roleTitle(words, entry.role),
          organisation: entry.organisation,
          country: format.country(entry.country),
        })
      : t('picker.organisationLine', { name: entry.name, country: format.country(entry.country) });
  return (
    <div className="party-picker">
      <div className="party-search">
        <label>
          {props.kind === 'practitioner' ? t('picker.findPractitioner') : t('picker.findOrganisation')}
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} autoComplete="off" />
        </label>
        <label>
          {t('picker.country')}
          <select value={country} onChange={(e) => setCountry(e.target.value)}>
            <option value="">{t('picker.anyCountry')}</option>
            {COUNTRIES.map((code) => (
              <option key={code} value={code}>
                {capitalise(format.country(code))}
              </option>
            ))}
          </select>
        </label>
      </div>
      {chosen !== undefined && (
        <p className="party-chosen" aria-live="polite">
          {t('picker.chosen', { name: chosen })}
        </p>
      )}
      <ProblemAlert problem={found.problem} />
      {found.data && entries.length === 0 && <p className="muted">{t('picker.none')}</p>}
      {entries.length > 0 && (
        <ul className="party-results" aria-label={t('picker.results')}>
          {entries.map((entry) => {
            const selected = sameParty(entry, props.value);
            return (
              <li key={entry.kind === 'practitioner' ? `${entry.mspId}/${entry.id}` : entry.mspId}>
                <button
                  type="button"
                  className={selected ? 'party party-selected' : 'party'}
                  aria-pressed={selected}
                  onClick={() =>
                    props.onChange(
                      entry.kind === 'practitioner'
                        ? { mspId: entry.mspId, id: entry.id }
                        : { mspId: entry.mspId },
                    )
                  }
                >
                  {line(entry)}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
