/** @jest-environment ./portal/test/support/jsdom-environment.js */
import '@testing-library/jest-dom';
import { act, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ERASURE_STATEMENT } from '@custodia/gateway/erasure';
import { renderAs } from '../../test/support/session';
import { patientApi } from '../api/endpoints';
import type { ErasureCase } from '../api/types';
import { chooseLanguage } from '../i18n/i18n';
import { ErasureView } from './ErasureView';

const BASE = '/patients/patient-1';
const filed: ErasureCase = {
  patientId: 'patient-1',
  mspId: 'HospitalDEMSP',
  status: 'requested',
  openedAt: '2026-11-23T12:00:00.000Z',
  requestedAt: '2026-11-23T12:00:00.000Z',
  steps: {},
};

afterEach(async () => {
  await act(() => chooseLanguage('en'));
});

it('states what is erased and what stays, and asks only once the patient confirms', async () => {
  const rendered = renderAs('patient', <></>, {
    [`GET ${BASE}/erasure-request`]: { body: { request: null, statement: ERASURE_STATEMENT } },
    [`POST ${BASE}/erasure-request`]: { status: 202, body: filed },
  });
  rendered.rerender(<ErasureView api={patientApi(rendered.client, 'patient-1')} />);
  expect(await screen.findByRole('heading', { name: 'What stays on the ledger' })).toBeInTheDocument();
  expect(screen.getByText(/Your pseudonym \(a random code/)).toBeInTheDocument();
  expect(screen.getByText(/nothing on the ledger can be tied back to you/)).toBeInTheDocument();
  const ask = screen.getByRole('button', { name: 'Ask to erase my data' });
  expect(ask).toBeDisabled();
  await userEvent.click(screen.getByRole('checkbox'));
  rendered.network.set({
    [`GET ${BASE}/erasure-request`]: { body: { request: filed, statement: ERASURE_STATEMENT } },
  });
  await userEvent.click(ask);
  expect(await screen.findByRole('status')).toHaveTextContent('An administrator of your hospital');
  expect(rendered.network.callsTo(`POST ${BASE}/erasure-request`).map((call) => call.body)).toEqual([
    { confirm: true },
  ]);
});

it('speaks the patient’s language', async () => {
  await act(() => chooseLanguage('de'));
  const rendered = renderAs('patient', <></>, {
    [`GET ${BASE}/erasure-request`]: { body: { request: null, statement: ERASURE_STATEMENT } },
  });
  rendered.rerender(<ErasureView api={patientApi(rendered.client, 'patient-1')} />);
  expect(await screen.findByRole('heading', { name: 'Was im Ledger bleibt' })).toBeInTheDocument();
});
