/** @jest-environment ./portal/test/support/jsdom-environment.js */
import '@testing-library/jest-dom';
import { act, screen, within } from '@testing-library/react';
import { useMemo } from 'react';
import userEvent from '@testing-library/user-event';
import { logEntry, refusedEntry } from '../../test/support/ledger';
import { problem } from '../../test/support/network';
import { renderAs } from '../../test/support/session';
import type { AccessLogEntry, FhirBundle, GrantView } from '../api/types';
import { chooseLanguage } from '../i18n/i18n';
import { clinicianApi } from '../api/endpoints';
import { useSession } from '../session/session';
import { ClinicianWorkspace } from './ClinicianWorkspace';
import { GRANT_RECHECK_MS, RecordView } from './RecordView';

const CARD = 'cGF0aWVudC0x.AAAAAAAAAAAAAAAA';
const granted = logEntry({ expiresAt: new Date(Date.now() + 2 * 3_600_000).toISOString() });
const refused = refusedEntry();

const LOINC = 'http://loinc.org';
const section = (code: string, title: string, extra: Record<string, unknown>) => ({
  title,
  code: { coding: [{ system: LOINC, code }] },
  ...extra,
});
const withheld = { emptyReason: { coding: [{ code: 'withheld', display: 'Information Withheld' }] } };
const penicillin = (source: string) => ({
  resourceType: 'AllergyIntolerance',
  meta: { source },
  code: { coding: [{ display: 'Allergy to penicillin' }] },
  criticality: 'high',
  recordedDate: '2024-05-02',
});

/** Allergies from two hospitals (the same penicillin allergy twice, a newer latex allergy once); the rest withheld. */
const bundle: FhirBundle = {
  resourceType: 'Bundle',
  entry: [
    {
      fullUrl: 'urn:uuid:c',
      resource: {
        resourceType: 'Composition',
        section: [
          section('48765-2', 'Allergies and Intolerances', {
            entry: [{ reference: 'urn:uuid:a' }, { reference: 'urn:uuid:b' }, { reference: 'urn:uuid:l' }],
          }),
          section('10160-0', 'Medication Summary', withheld),
          section('30954-2', 'Results', withheld),
          section('11450-4', 'Problem List', {
            emptyReason: { coding: [{ code: 'notasked', display: 'Not Asked' }] },
          }),
        ],
      },
    },
    {
      fullUrl: 'urn:uuid:p',
      resource: {
        resourceType: 'Patient',
        name: [{ use: 'official', family: 'Keller', given: ['Anna'] }],
        birthDate: '1981-03-14',
      },
    },
    { fullUrl: 'urn:uuid:a', resource: penicillin('urn:custodia:HospitalDEMSP') },
    { fullUrl: 'urn:uuid:b', resource: penicillin('urn:custodia:HospitalITMSP') },
    {
      fullUrl: 'urn:uuid:l',
      resource: {
        resourceType: 'AllergyIntolerance',
        code: { text: 'Latex allergy' },
        recordedDate: '2026-10-01',
      },
    },
  ],
};
const grantView = (entry: AccessLogEntry): GrantView => ({
  grantId: entry.grantId ?? '',
  patientId: entry.patientId,
  requester: entry.requester,
  purpose: entry.purpose,
  emergency: entry.emergency,
  requested: entry.requested,
  ...(entry.reasonCode ? { reasonCode: entry.reasonCode } : {}),
  granted: entry.decision.granted.map((category) => ({ category, labels: [] })),
  denied: entry.decision.denied,
  rules: entry.decision.rules,
  issuedAt: entry.timestamp,
  expiresAt: entry.expiresAt ?? '',
  status: 'active',
});
const emergencyGranted = logEntry({
  ...granted,
  emergency: true,
  purpose: 'ETREAT',
  reasonCode: 'unconscious',
  emergencyPolicyVersion: 2,
});

function routes() {
  return {
    'GET /patients/lookup': { body: { patientId: 'patient-1' } },
    'POST /access-requests': { status: 201, body: granted },
    'POST /emergency-access': { status: 201, body: emergencyGranted },
    'GET /grants/grant-1': { body: grantView(granted) },
    'GET /grants/grant-1/record': { body: bundle, contentType: 'application/fhir+json' },
    'POST /patients/patient-1/contributions': { status: 201, body: {} },
  };
}

async function findByCard() {
  await userEvent.click(screen.getByLabelText('Emergency card (scanned code)'));
  await userEvent.type(screen.getByLabelText('Card code'), CARD);
  await userEvent.click(screen.getByRole('button', { name: 'Find' }));
  await screen.findByRole('heading', { name: 'Patient patient-1' });
}

afterEach(async () => {
  await act(() => chooseLanguage('en'));
});

describe('ClinicianWorkspace', () => {
  it('asks why first, then suggests the minimum for that purpose, which the clinician adjusts', async () => {
    const { network } = renderAs('clinician', <ClinicianWorkspace />, routes());
    await findByCard();
    expect(network.callsTo('GET /patients/lookup')[0]?.query.get('card')).toBe(CARD);
    const request = screen.getByRole('form', { name: 'Request access' });
    // Nothing is ticked, nothing can be sent, before the purpose.
    expect(within(request).queryAllByRole('checkbox')).toHaveLength(0);
    expect(within(request).getByRole('button', { name: 'Request access' })).toBeDisabled();

    await userEvent.click(within(request).getByLabelText('Care management'));
    const needed = within(request).getByRole('group', { name: 'Information needed' });
    const ticked = () =>
      within(needed)
        .getAllByRole('checkbox')
        .filter((box) => (box as HTMLInputElement).checked)
        .map((box) => box.parentElement?.textContent);
    expect(ticked()).toEqual(['Medicines', 'Health problems', 'Care plan']);
    await userEvent.click(within(needed).getByLabelText('Care plan'));
    await userEvent.click(within(needed).getByLabelText('Documents'));
    await userEvent.click(within(request).getByRole('button', { name: 'Request access' }));

    expect(network.callsTo('POST /access-requests')[0]?.body).toEqual({
      patientId: 'patient-1',
      categories: ['medications', 'problems', 'documents'],
      purpose: 'CAREMGT',
    });
  });

  it('shows the record by section, newest first, duplicates merged, withheld sections in one line', async () => {
    renderAs('clinician', <ClinicianWorkspace />, routes());
    await findByCard();
    await userEvent.click(screen.getByLabelText('Treatment'));
    await userEvent.click(screen.getByRole('button', { name: 'Request access' }));
    expect(
      await screen.findByText(/Access granted to allergies. Not shared: medicines./),
    ).toBeInTheDocument();
    const record = await screen.findByRole('article', { name: 'Temporary record' });
    const allergies = await within(record).findByRole('region', { name: /^Allergies and intolerances/ });
    const items = within(allergies).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent(/^Latex allergy/);
    expect(items[1]).toHaveTextContent('Allergy to penicillin — high criticality');
    expect(items[1]).toHaveTextContent('Sources: urn:custodia:HospitalDEMSP and urn:custodia:HospitalITMSP');
    // No box per empty section: one line for what is withheld, one for what was not asked.
    expect(within(record).getAllByRole('region')).toHaveLength(1);
    expect(record).toHaveTextContent('Not shared with you: Medication summary and Results.');
    expect(record).toHaveTextContent('Not asked for: Problem list.');
    expect(within(record).getByRole('timer')).toHaveTextContent(/^1 h 5\d min left$/);
    expect(within(record).queryByRole('note', { name: 'Emergency access' })).not.toBeInTheDocument();
    // The banner now names whom the record is about, as the record's Patient says.
    expect(
      await screen.findByRole('heading', { name: 'Patient Anna Keller, born March 14, 1981 patient-1' }),
    ).toBeInTheDocument();
  });

  it('titles the record’s sections in French for a French clinician', async () => {
    await act(() => chooseLanguage('fr'));
    renderAs('clinician', <ClinicianWorkspace />, routes());
    await userEvent.type(screen.getByLabelText('Identifiant du patient'), 'patient-1');
    await userEvent.click(screen.getByRole('button', { name: 'Rechercher' }));
    await userEvent.click(await screen.findByLabelText('Soins'));
    await userEvent.click(screen.getByRole('button', { name: 'Demander l’accès' }));
    const record = await screen.findByRole('article', { name: 'Dossier temporaire' });
    expect(
      await within(record).findByRole('region', { name: /^Allergies et intolérances/ }),
    ).toHaveTextContent('criticité élevée');
    expect(record).toHaveTextContent('Non partagé avec vous : Traitements en cours et Résultats d’examens.');
  });

  it('says plainly when the patient’s rules refuse the request', async () => {
    renderAs('clinician', <ClinicianWorkspace />, {
      ...routes(),
      'POST /access-requests': { status: 201, body: refused },
    });
    await findByCard();
    await userEvent.click(screen.getByLabelText('Treatment'));
    await userEvent.click(screen.getByRole('button', { name: 'Request access' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The patient’s rules do not allow you to see allergies and medicines for this purpose (Treatment).',
    );
    expect(screen.queryByRole('article', { name: 'Temporary record' })).not.toBeInTheDocument();
  });

  it('opens a record in emergency with a reason, under an unmistakable emergency banner', async () => {
    const { network } = renderAs('clinician', <ClinicianWorkspace />, {
      ...routes(),
      'GET /grants/grant-1': { body: grantView(emergencyGranted) },
    });
    await findByCard();
    const form = screen.getByRole('form', { name: 'Request access' });
    await userEvent.click(within(form).getByLabelText('Emergency: the patient cannot consent'));
    const open = within(form).getByRole('button', { name: 'Open in emergency' });
    expect(open).toBeDisabled();
    // A word is not a reason: breaking the glass takes at least a sentence.
    await userEvent.type(within(form).getByLabelText(/^Reason/), 'unconscious');
    expect(open).toBeDisabled();
    await userEvent.type(within(form).getByLabelText(/^Reason/), ' on arrival, no relatives reachable');
    await userEvent.click(open);
    expect(network.callsTo('POST /emergency-access')[0]?.body).toEqual({
      patientId: 'patient-1',
      categories: ['allergies', 'medications', 'problems', 'devices'],
      reasonCode: 'unconscious',
      reason: 'unconscious on arrival, no relatives reachable',
    });
    const record = await screen.findByRole('article', { name: 'Temporary record' });
    const banner = await within(record).findByRole('note', { name: 'Emergency access' });
    expect(banner).toHaveTextContent('EMERGENCY ACCESS');
    expect(banner).toHaveTextContent('Reason given: “The patient is unconscious”');
  });

  it('says when the patient has no emergency policy, rather than that the rules refuse', async () => {
    const noPolicy = refusedEntry({ emergency: true, purpose: 'ETREAT', reasonCode: 'unconscious' });
    renderAs('clinician', <ClinicianWorkspace />, {
      ...routes(),
      'POST /emergency-access': { status: 201, body: noPolicy },
    });
    await findByCard();
    await userEvent.click(screen.getByLabelText('Emergency: the patient cannot consent'));
    await userEvent.type(screen.getByLabelText(/^Reason/), 'unconscious on arrival, no relatives reachable');
    await userEvent.click(screen.getByRole('button', { name: 'Open in emergency' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('No emergency access for this patient');
    expect(alert).toHaveTextContent('This patient has not set up emergency access');
    expect(alert).not.toHaveTextContent('rules do not allow');
  });

  it.each([
    [
      'not-covered',
      'This patient’s emergency access does not include what you asked for (allergies and medicines)',
    ],
    [
      'country-not-admitted',
      'This patient’s emergency access is not open to clinicians in your country (France).',
    ],
    ['role-not-admitted', 'This patient’s emergency access is not open to your role (Clinician).'],
    ['policy-disabled', 'This patient has switched emergency access off'],
  ])('says why the emergency policy released nothing: %s', async (emergencyRefusal, message) => {
    const refused = refusedEntry({
      emergency: true,
      purpose: 'ETREAT',
      reasonCode: 'unconscious',
      emergencyPolicyVersion: 3,
      emergencyRefusal: emergencyRefusal as AccessLogEntry['emergencyRefusal'],
    });
    renderAs('clinician', <ClinicianWorkspace />, {
      ...routes(),
      'POST /emergency-access': { status: 201, body: refused },
    });
    await findByCard();
    await userEvent.click(screen.getByLabelText('Emergency: the patient cannot consent'));
    await userEvent.type(screen.getByLabelText(/^Reason/), 'unconscious on arrival, no relatives reachable');
    await userEvent.click(screen.getByRole('button', { name: 'Open in emergency' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(message);
    expect(alert).not.toHaveTextContent('rules do not allow');
  });

  it('says in its own words that no patient matches a card code, with the gateway’s detail at hand', async () => {
    renderAs('clinician', <ClinicianWorkspace />, {
      'GET /patients/lookup': problem(404, 'NOT_FOUND', 'this card code is not valid'),
    });
    await userEvent.click(screen.getByLabelText('Emergency card (scanned code)'));
    await userEvent.type(screen.getByLabelText('Card code'), 'made-up');
    await userEvent.click(screen.getByRole('button', { name: 'Find' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('No patient matches this identifier or card code.');
    expect(within(alert).getByText('this card code is not valid')).toBeInTheDocument();
  });

  it('sends a note to the patient as a contribution awaiting approval', async () => {
    const { network } = renderAs('clinician', <ClinicianWorkspace />, routes());
    await findByCard();
    await userEvent.selectOptions(screen.getByLabelText('Kind of information'), 'allergies');
    await userEvent.type(screen.getByLabelText('Note'), 'Reaction to latex gloves');
    await userEvent.click(screen.getByRole('button', { name: 'Send addition' }));
    expect(await screen.findByText('Sent. It waits for the patient’s approval.')).toBeInTheDocument();
    expect(network.callsTo('POST /patients/patient-1/contributions')[0]?.body).toMatchObject({
      categories: ['allergies'],
      labels: [],
      resource: {
        resourceType: 'Observation',
        code: { text: 'Clinician note (allergies)' },
        valueString: 'Reaction to latex gloves',
      },
    });
  });
});

function OpenRecord() {
  const { client } = useSession();
  const api = useMemo(() => clinicianApi(client), [client]);
  return <RecordView api={api} grantId="grant-1" expiresAt={granted.expiresAt ?? ''} />;
}

describe('RecordView', () => {
  afterEach(() => jest.useRealTimers());

  it('drops the record when the patient revokes the grant while it is open', async () => {
    jest.useFakeTimers();
    const { network } = renderAs('clinician', <OpenRecord />, {
      ...routes(),
    });
    expect(await screen.findByText('Allergy to penicillin')).toBeInTheDocument();
    network.set({ 'GET /grants/grant-1': { body: { ...grantView(granted), status: 'revoked' } } });
    await act(async () => {
      jest.advanceTimersByTime(GRANT_RECHECK_MS);
    });
    expect(await screen.findByRole('alert')).toHaveTextContent('this record was withdrawn and deleted');
    expect(screen.queryByText('Allergy to penicillin')).not.toBeInTheDocument();
    expect(screen.getByRole('timer')).toHaveTextContent('Withdrawn');
  });
});
