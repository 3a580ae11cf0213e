/** The medical centre: drop FHIR files and scans for a patient, watch each upload, see the history. */
import { useMemo, useRef, useState } from 'react';
import type { DragEvent } from 'react';
import { centreApi } from '../api/endpoints';
import type { CentreApi } from '../api/endpoints';
import { ApiProblem, asProblem } from '../api/problem';
import type { Category, IngestResult, Label, PatientLookup, UploadSession } from '../api/types';
import { useWords } from '../i18n/use-words';
import { useSession } from '../session/session';
import { Chips } from '../ui/Chips';
import { ProblemAlert } from '../ui/ProblemAlert';
import { problemText } from '../ui/problem-text';
import { Sections } from '../ui/Sections';
import { useAction, useLoad } from '../ui/use-async';
import { categoryOptions, labelOptions } from '../vocabulary/options';
import { isFhirJson } from './parts';
import { problemIssues, uploadReport } from './upload-report';
import { uploadFile } from './upload';
import { UploadIssues } from './UploadIssues';

interface QueuedFile {
  readonly key: string;
  readonly file: File;
  readonly progress: number;
  readonly state: 'waiting' | 'sending' | 'done' | 'failed';
  readonly problem?: ApiProblem;
  readonly result?: IngestResult;
}

/** What was stored of an upload: "3 records: 2 new, 1 already stored · 1 entry left out", with the entries. */
function StoredSummary({ result }: { result: IngestResult | undefined }) {
  const { t } = useWords();
  const report = uploadReport(result);
  if (!report) return null;
  return (
    <div className="upload-report">
      <p>
        {t('upload.records', {
          count: report.created + report.existing,
          created: report.created,
          existing: report.existing,
        })}
      </p>
      {report.skipped.length > 0 && (
        <details>
          <summary>{t('upload.skipped', { count: report.skipped.length })}</summary>
          <ul>
            {report.skipped.map((entry) => (
              <li key={entry.index}>
                {t('upload.skippedEntry', {
                  index: entry.index,
                  type: entry.resourceType,
                  reason: entry.reason === 'no-category' ? t('upload.reasonNoCategory') : entry.reason,
                })}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

function Uploader({ api }: { api: CentreApi }) {
  const words = useWords();
  const { t, format } = words;
  const [patientId, setPatientId] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const [checked, setChecked] = useState<PatientLookup | undefined>();
  const check = useAction(async () => setChecked(await api.lookup({ id: patientId.trim() })));
  const choosePatient = (id: string) => {
    setPatientId(id);
    setChecked(undefined);
    setConfirmed(false);
    check.clear();
  };
  const [categories, setCategories] = useState<Category[]>([]);
  const [labels, setLabels] = useState<Label[]>([]);
  const [queue, setQueue] = useState<readonly QueuedFile[]>([]);
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const update = (key: string, change: Partial<QueuedFile>) =>
    setQueue((q) => q.map((item) => (item.key === key ? { ...item, ...change } : item)));

  const add = (files: FileList | null) => {
    if (!files) return;
    const added = Array.from(files).map((file, i) => ({
      key: `${Date.now()}-${i}-${file.name}`,
      file,
      progress: 0,
      state: 'waiting' as const,
    }));
    setQueue((q) => [...q, ...added]);
  };

  const sendAll = async () => {
    const target = { patientId: patientId.trim(), tags: { categories, labels } };
    // One file at a time: parts of one file already keep the connection busy.
    for (const item of queue.filter((q) => q.state === 'waiting' || q.state === 'failed')) {
      update(item.key, { state: 'sending', progress: 0, problem: undefined });
      try {
        const result = await uploadFile(api, item.file, target, (progress) => update(item.key, { progress }));
        update(item.key, { state: 'done', progress: 1, result });
      } catch (error) {
        update(item.key, { state: 'failed', problem: asProblem(error) });
      }
    }
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    add(event.dataTransfer.files);
  };
  const busy = queue.some((q) => q.state === 'sending');
  const pending = queue.some((q) => q.state === 'waiting' || q.state === 'failed');

  return (
    <div className="card">
      <h2>{t('upload.title')}</h2>
      <div className="patient-check">
        <label>
          {t('upload.patient')}
          <input
            required
            value={patientId}
            onChange={(e) => choosePatient(e.target.value)}
            autoComplete="off"
          />
        </label>
        <button type="button" disabled={!patientId.trim() || check.pending} onClick={() => void check.run()}>
          {check.pending ? t('confirmPatient.checking') : t('confirmPatient.check')}
        </button>
      </div>
      <ProblemAlert problem={check.problem} />
      {checked && checked.patientId === patientId.trim() && (
        <div className="patient-confirm" aria-live="polite">
          <p className={checked.person ? 'patient-person' : 'muted'}>
            {checked.person
              ? t('confirmPatient.person', {
                  name: [...checked.person.given, checked.person.family].join(' '),
                  birthDate: format.calendarDay(checked.person.birthDate),
                })
              : t('confirmPatient.registered')}
          </p>
          <label className="radio">
            <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} />
            {t('confirmPatient.confirm')}
          </label>
        </div>
      )}
      {!confirmed && patientId.trim() !== '' && <p className="muted">{t('confirmPatient.needConfirm')}</p>}
      <details>
        <summary>{t('upload.tags')}</summary>
        <Chips
          legend={t('upload.categories')}
          hint={t('upload.categoriesHint')}
          options={categoryOptions(words)}
          selected={categories}
          onChange={setCategories}
        />
        <Chips
          legend={t('upload.labels')}
          options={labelOptions(words)}
          selected={labels}
          onChange={setLabels}
        />
      </details>
      <div
        className={dragging ? 'drop-zone drop-zone-active' : 'drop-zone'}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>{t('upload.drop')}</p>
        <button type="button" onClick={() => input.current?.click()}>
          {t('upload.choose')}
        </button>
        <input
          ref={input}
          type="file"
          multiple
          hidden
          aria-label={t('upload.files')}
          onChange={(e) => {
            add(e.target.files);
            e.target.value = '';
          }}
        />
      </div>
      {queue.length > 0 && (
        <ul className="upload-queue" aria-label={t('upload.queue')}>
          {queue.map((item) => (
            <li key={item.key}>
              <span className="file-name">{item.file.name}</span>
              <span className={`upload-state upload-${item.state}`}>{t(`upload.state.${item.state}`)}</span>
              <span className="muted">
                {isFhirJson(item.file) ? t('upload.kindFhir') : t('upload.kindDocument')} ·{' '}
                {format.bytes(item.file.size)}
              </span>
              <progress
                max={1}
                value={item.progress}
                aria-label={t('upload.progressOf', { name: item.file.name })}
              />
              {item.state === 'done' && <StoredSummary result={item.result} />}
              <ProblemAlert problem={item.problem}>
                <UploadIssues issues={problemIssues(item.problem)} />
              </ProblemAlert>
            </li>
          ))}
        </ul>
      )}
      <button
        type="button"
        className="primary"
        disabled={busy || !pending || !patientId.trim() || !confirmed}
        onClick={() => void sendAll()}
      >
        {busy ? t('upload.sending') : t('upload.submit')}
      </button>
    </div>
  );
}

/** The file name a portal upload's source id carries (`portal:<name>:<size>:<time>`), else the source id. */
function shownName(sourceId: string): string {
  const match = /^portal:(.+):\d+:\d+$/.exec(sourceId);
  return match?.[1] ?? sourceId;
}

function HistoryItem({ upload }: { upload: UploadSession }) {
  const words = useWords();
  const { t, format } = words;
  // A refusal the upload recovered from (stored in the end) is no longer news.
  const refused = upload.status !== 'stored' && upload.error !== undefined;
  return (
    <li className={`card upload upload-item-${upload.status}`}>
      <div className="upload-head">
        <span className={`upload-state upload-${upload.status}`}>
          {t(`vocabulary.uploadStatus.${upload.status}`)}
        </span>
        <strong className="break">{shownName(upload.sourceId)}</strong>
      </div>
      <p className="muted">
        {upload.kind === 'fhir' ? t('upload.kindFhir') : t('upload.kindDocument')} ·{' '}
        {format.bytes(upload.size)} · {t('upload.forPatient')} <code>{upload.patientId}</code> ·{' '}
        <time dateTime={upload.createdAt}>{format.dateTime(upload.createdAt)}</time>
      </p>
      {upload.status === 'stored' && <StoredSummary result={upload.result} />}
      {refused && (
        <div className="upload-refusal">
          <p>
            {problemText(words, new ApiProblem(0, { code: upload.error }))} <code>{upload.error}</code>
          </p>
          <UploadIssues issues={upload.issues ?? []} />
        </div>
      )}
    </li>
  );
}

function UploadHistory({ api }: { api: CentreApi }) {
  const { t } = useWords();
  const history = useLoad(() => api.uploads(), []);
  const items = [...(history.data?.items ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return (
    <div>
      <div className="view-head">
        <h2>{t('history.title')}</h2>
        <button type="button" onClick={history.reload}>
          {t('common.refresh')}
        </button>
      </div>
      <ProblemAlert problem={history.problem} />
      {history.data && items.length === 0 && <p>{t('history.none')}</p>}
      {items.length > 0 && (
        <ul className="uploads" aria-label={t('history.title')}>
          {items.map((u) => (
            <HistoryItem key={u.uploadId} upload={u} />
          ))}
        </ul>
      )}
    </div>
  );
}

export function CentreWorkspace() {
  const { t } = useWords();
  const { client } = useSession();
  const api = useMemo(() => centreApi(client), [client]);
  return (
    <Sections
      label={t('centre.nav')}
      sections={[
        { id: 'upload', label: t('centre.upload'), render: () => <Uploader api={api} /> },
        { id: 'history', label: t('centre.history'), render: () => <UploadHistory api={api} /> },
      ]}
    />
  );
}
