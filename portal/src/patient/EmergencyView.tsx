/** The emergency policy (who may open the record in an emergency, and what they see) and the card. */
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import type { PatientApi } from '../api/endpoints';
import type { EmergencyPolicySpec, Role } from '../api/types';
import { useWords } from '../i18n/use-words';
import { Chips, CountryChips } from '../ui/Chips';
import { Notice, ProblemAlert } from '../ui/ProblemAlert';
import { QrCode } from '../ui/QrCode';
import { useAction, useLoad } from '../ui/use-async';
import { capitalise } from '../vocabulary/words';
import { categoryOptions, labelOptions } from '../vocabulary/options';

export const DEFAULT_POLICY: EmergencyPolicySpec = {
  enabled: true,
  roles: ['clinician'],
  countries: [],
  categories: ['allergies', 'medications', 'problems', 'immunizations', 'devices', 'vital-signs'],
  labels: [],
  maxDurationMinutes: 240,
};

const MAX_HOURS = 168;
const STAFF_ROLES: readonly Role[] = ['clinician', 'centre'];

function specOf(policy: EmergencyPolicySpec): EmergencyPolicySpec {
  const { enabled, roles, countries, categories, labels, maxDurationMinutes } = policy;
  return { enabled, roles, countries, categories, labels, maxDurationMinutes };
}

export function EmergencyPolicyForm({ api }: { api: PatientApi }) {
  const words = useWords();
  const { t } = words;
  const current = useLoad(
    () =>
      api.emergencyPolicy().catch((error: unknown) => {
        // Never set yet: the gateway answers 404; the form starts from sensible defaults.
        if (error && typeof error === 'object' && 'status' in error && error.status === 404) return null;
        throw error;
      }),
    [],
  );
  const [policy, setPolicy] = useState<EmergencyPolicySpec>(DEFAULT_POLICY);
  const [hours, setHours] = useState(String(DEFAULT_POLICY.maxDurationMinutes / 60));
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (current.data) {
      setPolicy(specOf(current.data));
      setHours(String(Math.round(current.data.maxDurationMinutes / 60)));
    }
  }, [current.data]);
  const save = useAction(async () => {
    const maxDurationMinutes = Math.max(1, Math.min(MAX_HOURS, Math.round(Number(hours) || 1))) * 60;
    await api.setEmergencyPolicy({ ...policy, maxDurationMinutes });
    setSaved(true);
  });
  const set = <K extends keyof EmergencyPolicySpec>(key: K, value: EmergencyPolicySpec[K]) => {
    setSaved(false);
    setPolicy((p) => ({ ...p, [key]: value }));
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save.run();
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="policy-title">
      <h2 id="policy-title">{t('emergencyPolicy.title')}</h2>
      <p>{t('emergencyPolicy.lead')}</p>
      <ProblemAlert problem={current.problem} />
      <label className="checkbox">
        <input type="checkbox" checked={policy.enabled} onChange={(e) => set('enabled', e.target.checked)} />
        {t('emergencyPolicy.enabled')}
      </label>
      {policy.enabled && (
        <>
          <Chips
            legend={t('emergencyPolicy.roles')}
            options={STAFF_ROLES.map((value) => ({
              value,
              label: capitalise(t(`vocabulary.roles.${value}`)),
            }))}
            selected={policy.roles}
            onChange={(v) => set('roles', v)}
          />
          <Chips
            legend={t('emergencyPolicy.categories')}
            options={categoryOptions(words)}
            selected={policy.categories}
            onChange={(v) => set('categories', v)}
          />
          <Chips
            legend={t('emergencyPolicy.labels')}
            hint={t('emergencyPolicy.labelsHint')}
            options={labelOptions(words)}
            selected={policy.labels}
            onChange={(v) => set('labels', v)}
          />
          <CountryChips selected={policy.countries} onChange={(v) => set('countries', v)} />
          <label>
            {t('emergencyPolicy.hours')}
            <input
              type="number"
              min={1}
              max={MAX_HOURS}
              value={hours}
              onChange={(e) => {
                setSaved(false);
                setHours(e.target.value);
              }}
            />
          </label>
        </>
      )}
      <ProblemAlert problem={save.problem} />
      {saved && <Notice>{t('emergencyPolicy.saved')}</Notice>}
      <button type="submit" className="primary" disabled={save.pending}>
        {t('emergencyPolicy.save')}
      </button>
    </form>
  );
}

export function EmergencyCard({ api }: { api: PatientApi }) {
  const { t } = useWords();
  const card = useLoad(() => api.emergencyCard(), []);
  return (
    <div className="card emergency-card">
      <h2>{t('emergencyCard.title')}</h2>
      <p>{t('emergencyCard.lead')}</p>
      <ProblemAlert problem={card.problem} />
      {card.data && (
        <>
          <QrCode text={card.data.code} label={t('emergencyCard.qr')} />
          <p>
            {t('emergencyCard.code')} <code className="break">{card.data.code}</code>
          </p>
          <button type="button" onClick={() => window.print()}>
            {t('emergencyCard.print')}
          </button>
        </>
      )}
    </div>
  );
}
