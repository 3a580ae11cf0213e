/** @jest-environment ./portal/test/support/jsdom-environment.js */
import '@testing-library/jest-dom';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { logEntry, refusedEntry, storedRule } from '../../test/support/ledger';
import { problem } from '../../test/support/network';
import type { Call } from '../../test/support/network';
import { renderAs } from '../../test/support/session';
import type { AccessLogEntry, Contribution, Delivery, GrantView } from '../api/types';
import { chooseLanguage } from '../i18n/i18n';
import { PatientWorkspace } from './PatientWorkspace';

const BASE = '/patients/patient-1';
const NOW = '2026-11-23T12:00:00.000Z';
const EMPTY = { body: { items: [], bookmark: '' } };

const emergency = logEntry({
  entryId: 'entry-e',
  timestamp: '2026-11-22T03:10:00.000Z',
  emergency: true,
  purpose: 'ETREAT',
  reason: { text: 'unconscious after accident', salt: 'cd'.repeat(32), verified: true },
  requester: { mspId: 'HospitalITMSP', id: 'er-7', role: 'clinician', country: 'IT' },
  grantId: 'grant-e',
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
const opened: Delivery = {
  deliveryId: 'd-1',
  grantId: 'grant-e',
  patientId: 'patient-1',
  requester: emergency.requester,
  manifestHash: 'cd'.repeat(32),
  deliveredAt: '2026-11-22T03:12:00.000Z',
};

function grantOf(
  entry: AccessLogEntry,
  status: GrantView['status'],
  extra: Partial<GrantView> = {},
): GrantView {
  return {
    grantId: entry.grantId ?? '',
    patientId: entry.patientId,
    requester: entry.requester,
    purpose: entry.purpose,
    emergency: entry.emergency,
    requested: entry.requested,
    granted: entry.decision.granted.map((category) => ({ category, labels: [] })),
    denied: entry.decision.denied,
    rules: entry.decision.rules,
    issuedAt: entry.timestamp,
    expiresAt: entry.expiresAt ?? NOW,
    status,
    ...extra,
  };
}

function routes(log: readonly AccessLogEntry[] = [logEntry(), emergency, refused]) {
  return {
    [`GET ${BASE}/rules`]: EMPTY,
    [`GET ${BASE}/access-log`]: { body: { items: log, bookmark: '' } },
    // The grant of the ordinary request was withdrawn by a rule change and never opened.
    [`GET ${BASE}/grants/grant-1`]: {
      body: grantOf(logEntry(), 'revoked', {
        revoked: { at: '2026-11-20T11:00:00.000Z', txId: 'tx-9', ruleId: 'rule-1' },
      }),
    },
    [`GET ${BASE}/grants/grant-1/deliveries`]: EMPTY,
    [`GET ${BASE}/grants/grant-e`]: { body: grantOf(emergency, 'expired') },
    [`GET ${BASE}/grants/grant-e/deliveries`]: { body: { items: [opened], bookmark: '' } },
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

beforeEach(() => window.localStorage.clear());
afterEach(async () => {
  await act(() => chooseLanguage('en'));
});

describe('PatientWorkspace', () => {
  it('tells the patient about an emergency access until they dismiss it, and not again at the next sign-in', async () => {
    const first = renderAs('patient', <PatientWorkspace now={() => NOW} />, routes());
    const notice = await screen.findByRole('alert');
    expect(notice).toHaveTextContent('Your record was opened in an emergency');
    expect(notice).toHaveTextContent('Clinician er-7 (HospitalITMSP, Italy): “unconscious after accident”');
    await userEvent.click(within(notice).getByRole('button', { name: 'I have seen this' }));
    expect(screen.queryByText('Your record was opened in an emergency')).not.toBeInTheDocument();
    first.unmount();

    // Signed in again later: the dismissed notice stays away; a new emergency access is announced.
    const later = logEntry({ ...emergency, entryId: 'entry-e2', timestamp: '2026-11-23T09:00:00.000Z' });
    renderAs('patient', <PatientWorkspace now={() => NOW} />, routes([logEntry(), emergency, later]));
    const next = await screen.findByRole('alert');
    expect(next).toHaveTextContent('Your record was opened in an emergency');
    expect(within(next).getAllByRole('listitem')).toHaveLength(1);
    // Only the notices' ids were kept in the browser: nothing about the access or the patient.
    expect(Object.values(window.localStorage).join(' ')).not.toMatch(/er-7|unconscious|Italy|patient-1/);
  });

  it('shows who looked, whether the record was then opened or the access withdrawn, under a 30-day chart', async () => {
    renderAs('patient', <PatientWorkspace now={() => NOW} />, routes());
    await userEvent.click(screen.getByRole('button', { name: 'Who looked' }));
    const chart = await screen.findByRole('figure', { name: 'Requests for your record, last 30 days' });
    expect(chart).toHaveAccessibleDescription(
      'Over the last 30 days: 1 shared, 1 refused, 1 in an emergency.',
    );
    // The chart's text equivalent: one row per day, with each outcome's count.
    const table = within(chart).getByRole('table');
    expect(within(table).getAllByRole('row')).toHaveLength(31);
    const entries = within(screen.getByRole('list', { name: 'Requests, newest first' })).getAllByRole(
      'listitem',
    );
    const cards = entries.filter((e) => e.classList.contains('entry'));
    expect(cards.map((e) => e.querySelector('strong')?.textContent)).toEqual([
      'Clinician er-7 (HospitalITMSP, Italy)',
      'Clinician dr-2 (HospitalFRMSP, France)',
      'Clinician dr-2 (HospitalFRMSP, France)',
    ]);
    expect(cards[1]).toHaveTextContent('Nothing was shared. Refused: allergies and medicines.');
    expect(cards[2]).toHaveTextContent('Shared: allergies. Refused: medicines.');
    // Deliveries: the emergency access was opened; the other grant was withdrawn before anyone opened it.
    expect(
      await within(cards[0] as HTMLElement).findByText(/^Opened on .* by Clinician er-7/),
    ).toBeInTheDocument();
    expect(await within(cards[2] as HTMLElement).findByText(/^Access withdrawn on /)).toHaveClass(
      'status-revoked',
    );
    expect(within(cards[2] as HTMLElement).getByText('The record was not opened.')).toBeInTheDocument();
    // A refused request has no grant to check.
    expect(within(cards[1] as HTMLElement).queryByText(/opened/)).not.toBeInTheDocument();
  });

  it('speaks German once chosen, with dates as a German reader writes them', async () => {
    await act(() => chooseLanguage('de'));
    renderAs('patient', <PatientWorkspace now={() => NOW} />, routes());
    await userEvent.click(screen.getByRole('button', { name: 'Wer hat zugegriffen' }));
    const list = await screen.findByRole('list', { name: 'Anfragen, neueste zuerst' });
    expect(list).toHaveTextContent('Geteilt: Allergien. Abgelehnt: Medikamente.');
    expect(list).toHaveTextContent(/\d{1,2}\.\d{1,2}\.2026/);
    expect(window.localStorage.getItem('custodia.language')).toBe('de');
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

  it('lists who can see the record now, by name, and ends one access at once', async () => {
    const open = grantOf(logEntry({ grantId: 'grant-o', expiresAt: '2026-11-23T18:00:00.000Z' }), 'active');
    const emergencyOpen = grantOf(emergency, 'active', { expiresAt: '2026-11-23T13:00:00.000Z' });
    const over = grantOf(logEntry({ grantId: 'grant-x' }), 'expired');
    let live = [open, emergencyOpen, over];
    const { network } = renderAs('patient', <PatientWorkspace now={() => NOW} />, {
      ...routes(),
      [`GET ${BASE}/grants`]: () => ({ body: { items: live, bookmark: '' } }),
      [`POST ${BASE}/grants/grant-o/end`]: () => {
        live = [emergencyOpen, over];
        return { body: { ...open, status: 'revoked' } };
      },
      'GET /directory/names': {
        body: {
          items: [
            { mspId: 'HospitalFRMSP', id: 'dr-2', name: 'Dr. Claire Dubois' },
            { mspId: 'HospitalFRMSP', name: 'Hôpital Saint-Louis Lyon' },
          ],
        },
      },
    });
    await userEvent.click(screen.getByRole('button', { name: 'Open accesses' }));
    const list = await screen.findByRole('list', { name: 'Who can see my record now' });
    // Soonest to end first; an access that already ended is not offered.
    await waitFor(() =>
      expect(within(list).getAllByRole('listitem')[1]).toHaveTextContent(
        'Dr. Claire Dubois (Clinician, Hôpital Saint-Louis Lyon, France)',
      ),
    );
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent('Clinician er-7 (HospitalITMSP, Italy)');
    expect(items[0]).toHaveTextContent('Emergency access');
    expect(items[1]).toHaveTextContent('May see: allergies.');

    await userEvent.click(within(items[1] as HTMLElement).getByRole('button', { name: 'End now' }));
    expect(network.callsTo(`POST ${BASE}/grants/grant-o/end`)).toHaveLength(0);
    await userEvent.click(within(items[1] as HTMLElement).getByRole('button', { name: 'Yes, end it now' }));
    expect(await screen.findByRole('status')).toHaveTextContent(
      'The access of Dr. Claire Dubois (Clinician, Hôpital Saint-Louis Lyon, France) has ended.',
    );
    await waitFor(() =>
      expect(
        within(screen.getByRole('list', { name: 'Who can see my record now' })).getAllByRole('listitem'),
      ).toHaveLength(1),
    );
    expect(network.callsTo(`POST ${BASE}/grants/grant-o/end`)).toHaveLength(1);
  });

  it('says why an access could not be ended, and keeps it listed', async () => {
    const open = grantOf(logEntry({ grantId: 'grant-o' }), 'active');
    renderAs('patient', <PatientWorkspace now={() => NOW} />, {
      ...routes(),
      [`GET ${BASE}/grants`]: { body: { items: [open], bookmark: '' } },
      [`POST ${BASE}/grants/grant-o/end`]: problem(409, 'FAILED_PRECONDITION', 'grant is expired'),
    });
    await userEvent.click(screen.getByRole('button', { name: 'Open accesses' }));
    await userEvent.click(await screen.findByRole('button', { name: 'End now' }));
    await userEvent.click(screen.getByRole('button', { name: 'Yes, end it now' }));
    expect(await screen.findByText(/This is no longer possible/)).toBeInTheDocument();
    expect(
      within(screen.getByRole('list', { name: 'Who can see my record now' })).getAllByRole('listitem'),
    ).toHaveLength(1);
  });

  it('shows the newest requests at once and older ones when asked', async () => {
    const older = refusedEntry({ entryId: 'entry-old', timestamp: '2026-10-01T08:00:00.000Z' });
    const { network } = renderAs('patient', <PatientWorkspace now={() => NOW} />, {
      ...routes(),
      [`GET ${BASE}/access-log`]: (call: Call) =>
        call.query.get('bookmark') === 'page-2'
          ? { body: { items: [older], bookmark: 'page-3' } }
          : call.query.get('bookmark') === 'page-3'
            ? EMPTY
            : { body: { items: [emergency, refused], bookmark: 'page-2' } },
    });
    await userEvent.click(screen.getByRole('button', { name: 'Who looked' }));
    const list = await screen.findByRole('list', { name: 'Requests, newest first' });
    const shown = () => list.querySelectorAll(':scope > li').length;
    await waitFor(() => expect(shown()).toBe(2));
    expect(network.callsTo(`GET ${BASE}/access-log`)[0]?.query.get('order')).toBe('newest-first');
    await userEvent.click(screen.getByRole('button', { name: 'Show older requests' }));
    await waitFor(() => expect(shown()).toBe(3));
    expect(within(list).getByText('Oct 1, 2026, 8:00 AM')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Show older requests' }));
    await waitFor(() =>
      expect(screen.queryByRole('button', { name: 'Show older requests' })).not.toBeInTheDocument(),
    );
  });

  it('shows the patient their own record by section, and who their rules share each part with', async () => {
    const LOINC = 'http://loinc.org';
    const bundle = {
      resourceType: 'Bundle',
      entry: [
        {
          fullUrl: 'urn:uuid:c',
          resource: {
            resourceType: 'Composition',
            section: [
              {
                title: 'Allergies',
                code: { coding: [{ system: LOINC, code: '48765-2' }] },
                entry: [{ reference: 'urn:uuid:a' }],
              },
              {
                title: 'Problems',
                code: { coding: [{ system: LOINC, code: '11450-4' }] },
                entry: [{ reference: 'urn:uuid:p' }],
              },
            ],
          },
        },
        {
          fullUrl: 'urn:uuid:a',
          resource: {
            resourceType: 'AllergyIntolerance',
            meta: { source: 'urn:custodia:HospitalDEMSP' },
            code: { text: 'Allergy to penicillin' },
          },
        },
        {
          fullUrl: 'urn:uuid:p',
          resource: {
            resourceType: 'Condition',
            meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'PSY' }] },
            code: { text: 'Depressive disorder' },
          },
        },
      ],
    };
    const weber = storedRule({
      grantee: { kind: 'practitioner', id: 'clin-weber', mspId: 'HospitalDEMSP' },
      categories: ['allergies', 'problems'],
    });
    renderAs('patient', <PatientWorkspace now={() => NOW} />, {
      ...routes(),
      [`GET ${BASE}/rules`]: { body: { items: [weber], bookmark: '' } },
      [`GET ${BASE}/record`]: { body: bundle, contentType: 'application/fhir+json' },
      'GET /directory/names': {
        body: { items: [{ mspId: 'HospitalDEMSP', id: 'clin-weber', name: 'Dr. Jonas Weber' }] },
      },
    });
    await userEvent.click(screen.getByRole('button', { name: 'My record' }));
    const allergies = await screen.findByRole('region', { name: /^Allergies and intolerances/ });
    expect(allergies).toHaveTextContent('Allergy to penicillin');
    expect(allergies).toHaveTextContent('Source: urn:custodia:HospitalDEMSP');
    await waitFor(() => expect(allergies).toHaveTextContent('Your rules share this with: Dr. Jonas Weber.'));
    // The rule shares problems, but not the mental-health entry: no rule names that label.
    const problems = screen.getByRole('region', { name: /^Problem list/ });
    expect(problems).toHaveTextContent('Sensitive: mental health — shared only by a rule that names it.');
    expect(within(problems).getByRole('listitem')).toHaveTextContent('Your rules share this with nobody.');
  });
});
