/**
 * The clinician's flow: find the patient (id or card code), ask for access with a purpose (or emergency
 * access with a reason), read the temporary record until it expires, add a contribution.
 */
import { useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import { CATEGORIES } from '@custodia/chaincode/model';
import { clinicianApi } from '../api/endpoints';
import type { ClinicianApi } from '../api/endpoints';
import type { AccessLogEntry, Category, Purpose } from '../api/types';
import { useSession } from '../session/session';
import { Chips } from '../ui/Chips';
import { RadioGroup } from '../ui/RadioGroup';
import { Notice, ProblemAlert } from '../ui/ProblemAlert';
import { useAction } from '../ui/use-async';
import { capitalise, CATEGORY_NAMES, listInWords, PURPOSE_NAMES } from '../vocabulary/names';
import { CATEGORY_OPTIONS, NON_EMERGENCY_PURPOSES } from '../vocabulary/options';
import { ContributionForm } from './ContributionForm';
import { RecordView } from './RecordView';

const FIND_BY = [
  { value: 'id', label: 'Identifier' },
  { value: 'card', label: 'Emergency card (scanned code)' },
] as const;

function FindPatient({ api, onFound }: { api: ClinicianApi; onFound: (patientId: string) => void }) {
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
  return (
    <form className="card" onSubmit={submit} aria-labelledby="find-title">
      <h2 id="find-title">Find a patient</h2>
      <RadioGroup legend="Find by" name="by" options={FIND_BY} value={by} onChange={setBy} />
      <label>
        {by === 'id' ? 'Patient identifier' : 'Card code'}
        <input required value={value} onChange={(e) => setValue(e.target.value)} autoComplete="off" />
      </label>
      <ProblemAlert problem={find.problem} />
      <button type="submit" className="primary" disabled={find.pending || !value.trim()}>
        Find
      </button>
    </form>
  );
}

function RequestAccess(props: {
  api: ClinicianApi;
  patientId: string;
  onOutcome: (entry: AccessLogEntry) => void;
}) {
  const [categories, setCategories] = useState<Category[]>([...CATEGORIES]);
  const [purpose, setPurpose] = useState<Purpose>('TREAT');
  const request = useAction(async () =>
    props.onOutcome(await props.api.requestAccess({ patientId: props.patientId, categories, purpose })),
  );
  return (
    <form
      className="card"
      aria-labelledby="request-title"
      onSubmit={(e) => {
        e.preventDefault();
        void request.run();
      }}
    >
      <h2 id="request-title">Request access</h2>
      <Chips
        legend="Information needed"
        options={CATEGORY_OPTIONS}
        selected={categories}
        onChange={setCategories}
      />
      <label>
        Purpose
        <select value={purpose} onChange={(e) => setPurpose(e.target.value as Purpose)}>
          {NON_EMERGENCY_PURPOSES.map((p) => (
            <option key={p} value={p}>
              {capitalise(PURPOSE_NAMES[p]).replace(/\byou\b/, 'the patient')}
            </option>
          ))}
        </select>
      </label>
      <ProblemAlert problem={request.problem} />
      <button type="submit" className="primary" disabled={request.pending || categories.length === 0}>
        {request.pending ? 'Requesting…' : 'Request access'}
      </button>
    </form>
  );
}

function EmergencyAccess(props: {
  api: ClinicianApi;
  patientId: string;
  onOutcome: (entry: AccessLogEntry) => void;
}) {
  const [reason, setReason] = useState('');
  const [categories, setCategories] = useState<Category[]>([...CATEGORIES]);
  const request = useAction(async () =>
    props.onOutcome(await props.api.emergencyAccess(props.patientId, categories, reason.trim())),
  );
  return (
    <form
      className="card card-emergency"
      aria-labelledby="emergency-access-title"
      onSubmit={(e) => {
        e.preventDefault();
        void request.run();
      }}
    >
      <h2 id="emergency-access-title">Emergency access</h2>
      <p>Only when the patient cannot consent. The patient is notified and auditors review every use.</p>
      <Chips
        legend="Information needed now"
        options={CATEGORY_OPTIONS}
        selected={categories}
        onChange={setCategories}
      />
      <label>
        Reason
        <textarea required maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      <ProblemAlert problem={request.problem} />
      <button
        type="submit"
        className="danger"
        disabled={request.pending || !reason.trim() || categories.length === 0}
      >
        Open in emergency
      </button>
    </form>
  );
}

function Outcome({ entry }: { entry: AccessLogEntry }) {
  if (!entry.grantId) {
    return (
      <div className="alert alert-error" role="alert">
        <strong>Access refused</strong>
        <p>
          The patient’s rules do not allow you to see{' '}
          {listInWords(entry.requested.map((c) => CATEGORY_NAMES[c]))} for{' '}
          {PURPOSE_NAMES[entry.purpose].replace(/\byou\b/, 'them')}. The request has been recorded.
        </p>
      </div>
    );
  }
  return (
    <Notice>
      Access granted to {listInWords(entry.decision.granted.map((c) => CATEGORY_NAMES[c]))}
      {entry.decision.denied.length > 0 &&
        `; not shared: ${listInWords(entry.decision.denied.map((c) => CATEGORY_NAMES[c]))}`}
      .
    </Notice>
  );
}

export function ClinicianWorkspace() {
  const { client } = useSession();
  const api = useMemo(() => clinicianApi(client), [client]);
  const [patientId, setPatientId] = useState<string | undefined>();
  const [outcome, setOutcome] = useState<AccessLogEntry | undefined>();
  const found = (id: string) => {
    setPatientId(id);
    setOutcome(undefined);
  };
  return (
    <div>
      <h1>Patients</h1>
      <FindPatient api={api} onFound={found} />
      {patientId && (
        <>
          <h2 className="patient-banner">
            Patient <code>{patientId}</code>
          </h2>
          {outcome && <Outcome entry={outcome} />}
          {outcome && (
            <button type="button" onClick={() => setOutcome(undefined)}>
              Make a new request
            </button>
          )}
          {outcome?.grantId && outcome.expiresAt ? (
            <RecordView api={api} grantId={outcome.grantId} expiresAt={outcome.expiresAt} />
          ) : (
            <div className="two-columns">
              <RequestAccess api={api} patientId={patientId} onOutcome={setOutcome} />
              <EmergencyAccess api={api} patientId={patientId} onOutcome={setOutcome} />
            </div>
          )}
          <ContributionForm api={api} patientId={patientId} />
        </>
      )}
    </div>
  );
}
