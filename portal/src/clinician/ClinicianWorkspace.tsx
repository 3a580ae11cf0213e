/**
 * The clinician's flow: find the patient (id or card code), ask for access starting from why (the purpose, which
 * suggests the minimum to ask for; emergency access needs a reason), read the temporary record until it expires,
 * add a contribution.
 */
import { useMemo, useState } from 'react';
import { EMERGENCY_REASONS } from '@custodia/chaincode/model';
import type { FormEvent } from 'react';
import { clinicianApi } from '../api/endpoints';
import type { ClinicianApi } from '../api/endpoints';
import type { AccessLogEntry, Category, EmergencyReason, Purpose } from '../api/types';
import type { PatientIdentity } from '../fhir/patient-identity';
import { useWords } from '../i18n/use-words';
import { useSession } from '../session/session';
import { Chips } from '../ui/Chips';
import { RadioGroup } from '../ui/RadioGroup';
import { Notice, ProblemAlert } from '../ui/ProblemAlert';
import { useAction } from '../ui/use-async';
import { categoryList, purposeName, roleTitle } from '../vocabulary/words';
import { categoryOptions } from '../vocabulary/options';
import { ContributionForm } from './ContributionForm';
import { requestOutcome } from './outcome';
import { RecordView } from './RecordView';
import { REQUEST_PURPOSES, SUGGESTED } from './request-plan';

function FindPatient({ api, onFound }: { api: ClinicianApi; onFound: (patientId: string) => void }) {
  const { t } = useWords();
  const [by, setBy] = useState<'id' | 'card'>('id');
  const [value, setValue] = useState('');
  const find = useAction(async () => {
    const found = await api.lookup(by === 'id' ? { id: value.trim() } : { card: value.trim() });
    onFound(found.patientId);
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void find.run();
  };
  const options = [
    { value: 'id', label: t('find.byId') },
    { value: 'card', label: t('find.byCard') },
  ] as const;
  return (
    <form className="card" onSubmit={submit} aria-labelledby="find-title">
      <h2 id="find-title">{t('find.title')}</h2>
      <RadioGroup legend={t('find.by')} name="by" options={options} value={by} onChange={setBy} />
      <label>
        {by === 'id' ? t('find.id') : t('find.card')}
        <input required value={value} onChange={(e) => setValue(e.target.value)} autoComplete="off" />
      </label>
      <ProblemAlert problem={find.problem} messages={{ NOT_FOUND: t('find.notFound') }} />
      <button type="submit" className="primary" disabled={find.pending || !value.trim()}>
        {t('find.submit')}
      </button>
    </form>
  );
}

/** One form for every purpose: the purpose first, then the suggested categories to adjust, then (emergency) why. */
function RequestAccess(props: {
  api: ClinicianApi;
  patientId: string;
  onOutcome: (entry: AccessLogEntry) => void;
}) {
  const words = useWords();
  const { t } = words;
  const [purpose, setPurpose] = useState<Purpose | undefined>();
  const [categories, setCategories] = useState<Category[]>([]);
  const [reasonCode, setReasonCode] = useState<EmergencyReason>('unconscious');
  const [reason, setReason] = useState('');
  const emergency = purpose === 'ETREAT';
  const request = useAction(async () => {
    if (!purpose) return;
    props.onOutcome(
      emergency
        ? await props.api.emergencyAccess(props.patientId, categories, reasonCode, reason.trim())
        : await props.api.requestAccess({ patientId: props.patientId, categories, purpose }),
    );
  });
  const choose = (next: Purpose) => {
    setPurpose(next);
    setCategories([...SUGGESTED[next]]);
  };
  // Breaking the glass takes at least a sentence: 20 characters and 4 words (the gateway refuses less).
  const sentence = reason.trim().length >= 20 && reason.trim().split(/\s+/).length >= 4;
  const ready = purpose !== undefined && categories.length > 0 && (!emergency || sentence);
  return (
    <form
      className={emergency ? 'card card-emergency' : 'card'}
      aria-labelledby="request-title"
      onSubmit={(e) => {
        e.preventDefault();
        void request.run();
      }}
    >
      <h2 id="request-title">{t('request.title')}</h2>
      <fieldset>
        <legend>{t('request.purposeLegend')}</legend>
        {REQUEST_PURPOSES.map((p) => (
          <label key={p} className="radio">
            <input type="radio" name="purpose" checked={purpose === p} onChange={() => choose(p)} />
            {p === 'ETREAT' ? t('request.emergencyPurpose') : purposeName(words, p)}
          </label>
        ))}
      </fieldset>
      {purpose && (
        <>
          {emergency && <p className="emergency-warning">{t('request.emergencyWarning')}</p>}
          <Chips
            legend={t('request.categoriesLegend')}
            hint={t('request.suggestion', {
              purpose: purposeName(words, purpose),
              what: categoryList(words, SUGGESTED[purpose]),
            })}
            options={categoryOptions(words)}
            selected={categories}
            onChange={setCategories}
          />
          {emergency && (
            <>
              <label>
                {t('request.reasonCode')}
                <select value={reasonCode} onChange={(e) => setReasonCode(e.target.value as EmergencyReason)}>
                  {EMERGENCY_REASONS.map((code) => (
                    <option key={code} value={code}>
                      {t(`request.reasonCodes.${code}`)}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t('request.reason')}
                <textarea
                  required
                  minLength={20}
                  maxLength={500}
                  value={reason}
                  onChange={(e) => setReason(e.target.value)}
                />
              </label>
            </>
          )}
        </>
      )}
      <ProblemAlert problem={request.problem} />
      <button type="submit" className={emergency ? 'danger' : 'primary'} disabled={request.pending || !ready}>
        {request.pending
          ? t('request.pending')
          : emergency
            ? t('request.submitEmergency')
            : t('request.submit')}
      </button>
    </form>
  );
}

function Outcome({ entry }: { entry: AccessLogEntry }) {
  const words = useWords();
  const { t, format } = words;
  const outcome = requestOutcome(entry);
  if (outcome === 'granted') {
    return (
      <Notice>
        {t('outcome.granted', { what: categoryList(words, entry.decision.granted) })}
        {entry.decision.denied.length > 0 &&
          ` ${t('outcome.notShared', { what: categoryList(words, entry.decision.denied) })}`}
      </Notice>
    );
  }
  const what = categoryList(words, entry.requested);
  const refusal = outcome === 'refused' ? undefined : outcome.emergency;
  const noAccess = refusal === 'no-policy' || refusal === 'policy-disabled';
  return (
    <div className="alert alert-error" role="alert">
      <strong>{noAccess ? t('outcome.noPolicyTitle') : t('outcome.refusedTitle')}</strong>
      <p>
        {refusal === undefined
          ? t('outcome.refused', { what, purpose: purposeName(words, entry.purpose) })
          : refusal === 'no-policy'
            ? t('outcome.noPolicy')
            : refusal === 'policy-disabled'
              ? t('outcome.policyDisabled')
              : refusal === 'role-not-admitted'
                ? t('outcome.roleNotAdmitted', { role: roleTitle(words, entry.requester.role) })
                : refusal === 'country-not-admitted'
                  ? t('outcome.countryNotAdmitted', {
                      country: entry.requester.country ? format.country(entry.requester.country) : '—',
                    })
                  : t('outcome.notCovered', { what })}{' '}
        {t('outcome.recorded')}
      </p>
    </div>
  );
}

export function ClinicianWorkspace() {
  const { t, format } = useWords();
  const { client } = useSession();
  const api = useMemo(() => clinicianApi(client), [client]);
  const [patientId, setPatientId] = useState<string | undefined>();
  const [outcome, setOutcome] = useState<AccessLogEntry | undefined>();
  // Who the patient is, as their record says: known once a record was released and read.
  const [identity, setIdentity] = useState<PatientIdentity | undefined>();
  const found = (id: string) => {
    setPatientId(id);
    setOutcome(undefined);
    setIdentity(undefined);
  };
  return (
    <div>
      <h1>{t('clinician.title')}</h1>
      <FindPatient api={api} onFound={found} />
      {patientId && (
        <>
          <h2 className="patient-banner">
            {t('clinician.patient')}{' '}
            {identity?.name && (
              <span className="patient-person">
                {identity.birthDate
                  ? t('record.patientBorn', {
                      name: identity.name,
                      birthDate: format.calendarDay(identity.birthDate),
                    })
                  : identity.name}{' '}
              </span>
            )}
            <code>{patientId}</code>
          </h2>
          {outcome && <Outcome entry={outcome} />}
          {outcome && (
            <button type="button" onClick={() => setOutcome(undefined)}>
              {t('clinician.newRequest')}
            </button>
          )}
          {outcome?.grantId && outcome.expiresAt ? (
            <RecordView
              api={api}
              grantId={outcome.grantId}
              expiresAt={outcome.expiresAt}
              onIdentified={setIdentity}
            />
          ) : (
            !outcome && (
              <RequestAccess key={patientId} api={api} patientId={patientId} onOutcome={setOutcome} />
            )
          )}
          <ContributionForm api={api} patientId={patientId} />
        </>
      )}
    </div>
  );
}
