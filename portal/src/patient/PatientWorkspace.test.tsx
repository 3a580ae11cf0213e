/** @jest-environment ./portal/test/support/jsdom-environment.js */
import '@testing-library/jest-dom';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { logEntry, refusedEntry } from '../../test/support/ledger';
import { problem } from '../../test/support/network';
import { renderAs } from '../../test/support/session';
import type { Contribution } from '../api/types';
import { PatientWorkspace } from './PatientWorkspace';

const BASE = '/patients/patient-1';
const NOW = '2026-11-23T12:00:00.000Z';
const EMPTY = { body: { items: [], bookmark: '' } };

const emergency = logEntry({
  entryId: 'entry-e',
  timestamp: '2026-11-22T03:10:00.000Z',
  emergency: true,
  purpose: 'ETREAT',
  reason: 'unconscious after accident',
  requester: { mspId: 'HospitalITMSP', id: 'er-7', role: 'clinician', country: 'IT' },
});
const refused = refusedEntry({ entryId: 'entry-r', timestamp: '2026-11-21T08:00:00.000Z' });
const pending: Contribution = {
  contributionId: 'c-1',
  patientId: 'patient-1',
  categories: ['problems'],
  labels: [],
  contentHash: 'ab'.repeat(32),
  submitter: { mspId: 'HospitalFRMSP', id: 'dr-2', role: 'clinician', country: 'FR' },
  status: 'pending',
  submittedAt: '2026-11-22T10:00:00.000Z',
};

function routes() {
  return {
    [`GET ${BASE}/rules`]: EMPTY,
    [`GET ${BASE}/access-log`]: { body: { items: [logEntry(), emergency, refused], bookmark: '' } },
    [`GET ${BASE}/contributions`]: { body: { items: [pending], bookmark: '' } },
    [`POST ${BASE}/contributions/c-1/approve`]: { body: { ...pending, status: 'approved' } },
    [`GET ${BASE}/contributions/c-1/content`]: {
      body: {
        resourceType: 'Observation',
        code: { text: 'Clinician note' },
        valueString: 'Reaction to latex gloves',
      },
    },
    [`GET ${BASE}/emergency-policy`]: problem(404, 'NOT_FOUND', 'emergency policy not found'),
    [`PUT ${BASE}/emergency-policy`]: { body: {} },
    [`GET ${BASE}/emergency-card`]: { body: { code: 'cGF0aWVudC0x.AAAAAAAAAAAAAAAA' } },
  };
}

describe('PatientWorkspace', () => {
  it('tells the patient about an emergency access until they dismiss it', async () => {
    renderAs('patient', <PatientWorkspace now={() => NOW} />, routes());
    const notice = await screen.findByRole('alert');
    expect(notice).toHaveTextContent('Your record was opened in an emergency');
    expect(notice).toHaveTextContent('Clinician er-7 (HospitalITMSP, Italy): “unconscious after accident”');
    await userEvent.click(within(notice).getByRole('button', { name: 'I have seen this' }));
    expect(screen.queryByText('Your record was opened in an emergency')).not.toBeInTheDocument();
  });

  it('shows who looked, what they got, and a chart of the last 30 days', async () => {
    renderAs('patient', <PatientWorkspace now={() => NOW} />, routes());
    await userEvent.click(screen.getByRole('button', { name: 'Who looked' }));
    expect(
      await screen.findByRole('img', {
        name: 'Over the last 30 days: 1 accesses shared, 1 refused, 1 emergency accesses.',
      }),
    ).toBeInTheDocument();
    const entries = within(screen.getByRole('list', { name: 'Accesses, newest first' })).getAllByRole(
      'listitem',
    );
    expect(entries.map((e) => e.querySelector('strong')?.textContent)).toEqual([
      'Clinician er-7 (HospitalITMSP, Italy)',
      'Clinician dr-2 (HospitalFRMSP, France)',
      'Clinician dr-2 (HospitalFRMSP, France)',
    ]);
    expect(entries[1]).toHaveTextContent('Nothing was shared. Refused: allergies and medicines.');
    expect(entries[2]).toHaveTextContent('Shared: allergies. Refused: medicines.');
  });

  it('shows what a clinician added, then approves it', async () => {
    const { network } = renderAs('patient', <PatientWorkspace now={() => NOW} />, routes());
    await userEvent.click(screen.getByRole('button', { name: 'Additions' }));
    expect(await screen.findByText('Waiting for your decision')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Show what was added' }));
    expect(await screen.findByText('Clinician note')).toBeInTheDocument();
    expect(screen.getByText(/Reaction to latex gloves/)).toBeInTheDocument();
    network.set({
      [`GET ${BASE}/contributions`]: { body: { items: [{ ...pending, status: 'approved' }], bookmark: '' } },
    });
    await userEvent.click(screen.getByRole('button', { name: 'Approve' }));
    expect(await screen.findByText('Approved')).toBeInTheDocument();
    expect(network.callsTo(`POST ${BASE}/contributions/c-1/approve`)).toHaveLength(1);
  });

  it('sets the emergency policy from sensible defaults and shows the card as a QR code', async () => {
    const { network } = renderAs('patient', <PatientWorkspace now={() => NOW} />, routes());
    await userEvent.click(screen.getByRole('button', { name: 'Emergency' }));
    expect(await screen.findByRole('img', { name: 'Emergency card QR code' })).toBeInTheDocument();
    expect(screen.getByText('cGF0aWVudC0x.AAAAAAAAAAAAAAAA')).toBeInTheDocument();
    const what = screen.getByRole('group', { name: 'What may they see?' });
    expect(within(what).getByLabelText('Allergies')).toBeChecked();
    await userEvent.click(within(what).getByLabelText('Pregnancy'));
    await userEvent.clear(screen.getByLabelText('For how long (hours)'));
    await userEvent.type(screen.getByLabelText('For how long (hours)'), '2');
    await userEvent.click(screen.getByRole('button', { name: 'Save emergency choices' }));
    expect(await screen.findByText('Your emergency choices are saved.')).toBeInTheDocument();
    expect(network.callsTo(`PUT ${BASE}/emergency-policy`)[0]?.body).toEqual({
      enabled: true,
      roles: ['clinician'],
      countries: [],
      categories: [
        'allergies',
        'medications',
        'problems',
        'immunizations',
        'devices',
        'vital-signs',
        'pregnancy',
      ],
      labels: [],
      maxDurationMinutes: 120,
    });
  });
});
