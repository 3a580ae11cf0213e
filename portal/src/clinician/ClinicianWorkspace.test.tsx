/** @jest-environment ./portal/test/support/jsdom-environment.js */
import '@testing-library/jest-dom';
import { act, screen, within } from '@testing-library/react';
import { useMemo } from 'react';
import userEvent from '@testing-library/user-event';
import { logEntry, refusedEntry } from '../../test/support/ledger';
import { problem } from '../../test/support/network';
import { renderAs } from '../../test/support/session';
import type { FhirBundle } from '../api/types';
import { clinicianApi } from '../api/endpoints';
import { useSession } from '../session/session';
import { ClinicianWorkspace } from './ClinicianWorkspace';
import { GRANT_RECHECK_MS, RecordView } from './RecordView';

const CARD = 'cGF0aWVudC0x.AAAAAAAAAAAAAAAA';
const granted = logEntry({ expiresAt: new Date(Date.now() + 2 * 3_600_000).toISOString() });
const refused = refusedEntry();

const bundle: FhirBundle = {
  resourceType: 'Bundle',
  entry: [
    {
      fullUrl: 'urn:uuid:c',
      resource: {
        resourceType: 'Composition',
        section: [
          { title: 'Allergies and Intolerances', entry: [{ reference: 'urn:uuid:a' }] },
          {
            title: 'Medication Summary',
            emptyReason: { coding: [{ code: 'withheld', display: 'Information Withheld' }] },
          },
        ],
      },
    },
    {
      fullUrl: 'urn:uuid:a',
      resource: {
        resourceType: 'AllergyIntolerance',
        code: { coding: [{ display: 'Allergy to penicillin' }] },
        criticality: 'high',
      },
    },
  ],
};

function routes() {
  return {
    'GET /patients/lookup': { body: { patientId: 'patient-1' } },
    'POST /access-requests': { status: 201, body: granted },
    'POST /emergency-access': { status: 201, body: { ...granted, emergency: true, purpose: 'ETREAT' } },
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

describe('ClinicianWorkspace', () => {
  it('finds a patient by card, is granted, and reads the record by section with its time left', async () => {
    const { network } = renderAs('clinician', <ClinicianWorkspace />, routes());
    await findByCard();
    expect(network.callsTo('GET /patients/lookup')[0]?.query.get('card')).toBe(CARD);
    const request = screen.getByRole('form', { name: 'Request access' });
    await userEvent.click(within(request).getByLabelText('Documents'));
    await userEvent.selectOptions(within(request).getByLabelText('Purpose'), 'CAREMGT');
    await userEvent.click(within(request).getByRole('button', { name: 'Request access' }));

    const sent = network.callsTo('POST /access-requests')[0]?.body as {
      categories: string[];
      purpose: string;
    };
    expect(sent.purpose).toBe('CAREMGT');
    expect(sent.categories).not.toContain('documents');
    expect(await screen.findByText(/Access granted to allergies; not shared: medicines/)).toBeInTheDocument();
    const record = await screen.findByRole('article', { name: 'Temporary record' });
    const allergies = await within(record).findByRole('region', { name: 'Allergies and Intolerances' });
    expect(allergies).toHaveTextContent('Allergy to penicillin — criticality high');
    expect(within(record).getByRole('region', { name: 'Medication Summary' })).toHaveTextContent(
      'Information Withheld',
    );
    expect(within(record).getByRole('timer')).toHaveTextContent(/^1 h 5\d min left$/);
  });

  it('says plainly when the patient’s rules refuse the request', async () => {
    renderAs('clinician', <ClinicianWorkspace />, {
      ...routes(),
      'POST /access-requests': { status: 201, body: refused },
    });
    await findByCard();
    await userEvent.click(screen.getByRole('button', { name: 'Request access' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The patient’s rules do not allow you to see allergies and medicines for treating them.',
    );
    expect(screen.queryByRole('article', { name: 'Temporary record' })).not.toBeInTheDocument();
  });

  it('requires a reason for emergency access and sends it with the categories', async () => {
    const { network } = renderAs('clinician', <ClinicianWorkspace />, routes());
    await findByCard();
    const form = screen.getByRole('form', { name: 'Emergency access' });
    const open = within(form).getByRole('button', { name: 'Open in emergency' });
    expect(open).toBeDisabled();
    await userEvent.type(within(form).getByLabelText('Reason'), 'unconscious');
    await userEvent.click(open);
    expect(network.callsTo('POST /emergency-access')[0]?.body).toMatchObject({
      patientId: 'patient-1',
      reason: 'unconscious',
    });
    expect(await screen.findByRole('article', { name: 'Temporary record' })).toBeInTheDocument();
  });

  it('shows the gateway’s detail when the card is not valid', async () => {
    renderAs('clinician', <ClinicianWorkspace />, {
      'GET /patients/lookup': problem(404, 'NOT_FOUND', 'this card code is not valid'),
    });
    await userEvent.click(screen.getByLabelText('Emergency card (scanned code)'));
    await userEvent.type(screen.getByLabelText('Card code'), 'made-up');
    await userEvent.click(screen.getByRole('button', { name: 'Find' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('this card code is not valid');
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
      resource: { resourceType: 'Observation', valueString: 'Reaction to latex gloves' },
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
      'GET /grants/grant-1': { body: { ...granted, status: 'active' } },
    });
    expect(await screen.findByText('Allergy to penicillin')).toBeInTheDocument();
    network.set({ 'GET /grants/grant-1': { body: { ...granted, status: 'revoked' } } });
    await act(async () => {
      jest.advanceTimersByTime(GRANT_RECHECK_MS);
    });
    expect(await screen.findByRole('alert')).toHaveTextContent('this record was withdrawn and deleted');
    expect(screen.queryByText('Allergy to penicillin')).not.toBeInTheDocument();
    expect(screen.getByRole('timer')).toHaveTextContent('Withdrawn');
  });
});
