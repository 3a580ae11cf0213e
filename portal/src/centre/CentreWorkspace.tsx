/** The medical centre: drop FHIR files and scans for a patient, watch each upload, see the history. */
import { useMemo, useRef, useState } from 'react';
import type { DragEvent } from 'react';
import { centreApi } from '../api/endpoints';
import type { CentreApi } from '../api/endpoints';
import { asProblem } from '../api/problem';
import type { ApiProblem } from '../api/problem';
import type { Category, Label, UploadSession } from '../api/types';
import { useSession } from '../session/session';
import { Chips } from '../ui/Chips';
import { formatBytes, formatWhen } from '../ui/format';
import { Table } from '../ui/Table';
import type { Column } from '../ui/Table';
import { ProblemAlert } from '../ui/ProblemAlert';
import { Sections } from '../ui/Sections';
import { useLoad } from '../ui/use-async';
import { CATEGORY_OPTIONS, LABEL_OPTIONS } from '../vocabulary/options';
import { isFhirJson } from './parts';
import { uploadFile } from './upload';

interface QueuedFile {
  readonly key: string;
  readonly file: File;
  readonly progress: number;
  readonly state: 'waiting' | 'sending' | 'done' | 'failed';
  readonly problem?: ApiProblem;
}

const UPLOAD_STATUS_TEXT: Readonly<Record<UploadSession['status'], string>> = {
  receiving: 'Receiving parts',
  storing: 'Storing',
  stored: 'Stored',
  failed: 'Failed',
};

const STATE_TEXT: Readonly<Record<QueuedFile['state'], string>> = {
  waiting: 'Waiting',
  sending: 'Uploading',
  done: 'Uploaded',
  failed: 'Failed',
};

function Uploader({ api }: { api: CentreApi }) {
  const [patientId, setPatientId] = useState('');
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
        await uploadFile(api, item.file, target, (progress) => update(item.key, { progress }));
        update(item.key, { state: 'done', progress: 1 });
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
      <h2>Upload records</h2>
      <label>
        Patient identifier
        <input required value={patientId} onChange={(e) => setPatientId(e.target.value)} autoComplete="off" />
      </label>
      <details>
        <summary>Tags for this upload (optional)</summary>
        <Chips
          legend="Kinds of information"
          hint="Leave empty to let Custodia recognise them from the FHIR resources."
          options={CATEGORY_OPTIONS}
          selected={categories}
          onChange={setCategories}
        />
        <Chips legend="Sensitivity" options={LABEL_OPTIONS} selected={labels} onChange={setLabels} />
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
        <p>Drop FHIR files (.json) or documents and images here</p>
        <button type="button" onClick={() => input.current?.click()}>
          Choose files
        </button>
        <input
          ref={input}
          type="file"
          multiple
          hidden
          aria-label="Files to upload"
          onChange={(e) => {
            add(e.target.files);
            e.target.value = '';
          }}
        />
      </div>
      {queue.length > 0 && (
        <ul className="upload-queue" aria-label="Files">
          {queue.map((item) => (
            <li key={item.key}>
              <span className="file-name">{item.file.name}</span>
              <span className="muted">
                {isFhirJson(item.file) ? 'FHIR' : 'document'} · {formatBytes(item.file.size)}
              </span>
              <progress max={1} value={item.progress} aria-label={`Progress of ${item.file.name}`} />
              <span className={`upload-state upload-${item.state}`}>{STATE_TEXT[item.state]}</span>
              <ProblemAlert problem={item.problem} />
            </li>
          ))}
        </ul>
      )}
      <button
        type="button"
        className="primary"
        disabled={busy || !pending || !patientId.trim()}
        onClick={() => void sendAll()}
      >
        {busy ? 'Uploading…' : 'Upload files'}
      </button>
    </div>
  );
}

const HISTORY_COLUMNS: readonly Column<UploadSession>[] = [
  { header: 'When', cell: (u) => formatWhen(u.createdAt) },
  {
    header: 'Record',
    cell: (u) => (
      <>
        {u.kind === 'fhir' ? 'FHIR' : 'Document'} <code>{u.sourceId}</code>
      </>
    ),
  },
  { header: 'Patient', cell: (u) => <code>{u.patientId}</code> },
  { header: 'Size', cell: (u) => formatBytes(u.size) },
  {
    header: 'Status',
    cell: (u) => (
      <span className={`upload-state upload-${u.status}`}>
        {UPLOAD_STATUS_TEXT[u.status]}
        {u.error && ` (${u.error})`}
      </span>
    ),
  },
];

function UploadHistory({ api }: { api: CentreApi }) {
  const history = useLoad(() => api.uploads(), []);
  const items = [...(history.data?.items ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return (
    <div>
      <div className="view-head">
        <h2>Upload history</h2>
        <button type="button" onClick={history.reload}>
          Refresh
        </button>
      </div>
      <ProblemAlert problem={history.problem} />
      {history.data && items.length === 0 && <p>No uploads yet.</p>}
      {items.length > 0 && <Table rows={items} rowKey={(u) => u.uploadId} columns={HISTORY_COLUMNS} />}
    </div>
  );
}

export function CentreWorkspace() {
  const { client } = useSession();
  const api = useMemo(() => centreApi(client), [client]);
  return (
    <Sections
      label="Centre"
      sections={[
        { id: 'upload', label: 'Upload', render: () => <Uploader api={api} /> },
        { id: 'history', label: 'History', render: () => <UploadHistory api={api} /> },
      ]}
    />
  );
}
