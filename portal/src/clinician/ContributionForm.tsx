/** A clinician's note added to the patient's record; it waits for the patient's approval. */
import { useState } from 'react';
import type { ClinicianApi } from '../api/endpoints';
import type { Category } from '../api/types';
import { useWords } from '../i18n/use-words';
import { Notice, ProblemAlert } from '../ui/ProblemAlert';
import { useAction } from '../ui/use-async';
import { categoryName } from '../vocabulary/words';
import { categoryOptions } from '../vocabulary/options';

export function ContributionForm({ api, patientId }: { api: ClinicianApi; patientId: string }) {
  const words = useWords();
  const { t } = words;
  const [category, setCategory] = useState<Category>('problems');
  const [note, setNote] = useState('');
  const [sent, setSent] = useState(false);
  const send = useAction(async () => {
    await api.contribute(patientId, {
      categories: [category],
      labels: [],
      resource: {
        resourceType: 'Observation',
        status: 'final',
        // The note is titled in the clinician's own language, as they would write it.
        code: { text: t('contribution.noteTitle', { category: categoryName(words, category) }) },
        valueString: note.trim(),
        effectiveDateTime: new Date().toISOString(),
      },
    });
    setSent(true);
    setNote('');
  });
  return (
    <form
      className="card"
      aria-labelledby="contribution-title"
      onSubmit={(e) => {
        e.preventDefault();
        void send.run();
      }}
    >
      <h2 id="contribution-title">{t('contribution.title')}</h2>
      <p className="muted">{t('contribution.lead')}</p>
      <label>
        {t('contribution.category')}
        <select value={category} onChange={(e) => setCategory(e.target.value as Category)}>
          {categoryOptions(words).map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('contribution.note')}
        <textarea
          required
          maxLength={2000}
          value={note}
          onChange={(e) => {
            setSent(false);
            setNote(e.target.value);
          }}
        />
      </label>
      <ProblemAlert problem={send.problem} />
      {sent && <Notice>{t('contribution.sent')}</Notice>}
      <button type="submit" className="primary" disabled={send.pending || !note.trim()}>
        {t('contribution.submit')}
      </button>
    </form>
  );
}
