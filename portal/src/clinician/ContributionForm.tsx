/** A clinician's note added to the patient's record; it waits for the patient's approval. */
import { useState } from 'react';
import type { ClinicianApi } from '../api/endpoints';
import type { Category } from '../api/types';
import { Notice, ProblemAlert } from '../ui/ProblemAlert';
import { useAction } from '../ui/use-async';
import { CATEGORY_NAMES } from '../vocabulary/names';
import { CATEGORY_OPTIONS } from '../vocabulary/options';

export function ContributionForm({ api, patientId }: { api: ClinicianApi; patientId: string }) {
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
        code: { text: `Clinician note (${CATEGORY_NAMES[category]})` },
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
      <h2 id="contribution-title">Add to the patient’s record</h2>
      <p className="muted">The patient decides whether your addition joins their record.</p>
      <label>
        Kind of information
        <select value={category} onChange={(e) => setCategory(e.target.value as Category)}>
          {CATEGORY_OPTIONS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Note
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
      {sent && <Notice>Sent. It waits for the patient’s approval.</Notice>}
      <button type="submit" className="primary" disabled={send.pending || !note.trim()}>
        Send addition
      </button>
    </form>
  );
}
