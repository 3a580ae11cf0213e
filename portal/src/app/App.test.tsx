/** @jest-environment ./portal/test/support/jsdom-environment.js */
import '@testing-library/jest-dom';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { fakeNetwork } from '../../test/support/network';
import { USERS } from '../../test/support/session';
import { memoryRefreshStore } from '../api/tokens';
import { App } from './App';

const EMPTY = { body: { items: [], bookmark: '' } };

describe('App', () => {
  let network: ReturnType<typeof fakeNetwork>;
  const realFetch = globalThis.fetch;
  beforeEach(() => {
    network = fakeNetwork({
      'POST /auth/login': {
        body: { accessToken: 'a1', refreshToken: 'r1', expiresIn: 600, user: USERS.patient },
      },
      'POST /auth/refresh': { body: { accessToken: 'a2', refreshToken: 'r2', expiresIn: 600 } },
      'GET /auth/me': { body: USERS.patient },
      'POST /auth/logout': { status: 204 },
      'GET /patients/patient-1/rules': EMPTY,
      'GET /patients/patient-1/access-log': EMPTY,
    });
    globalThis.fetch = network.fetch;
  });
  afterEach(() => {
    globalThis.fetch = realFetch;
  });

  it('signs a patient in to their rules and out again, keeping no token behind', async () => {
    const store = memoryRefreshStore();
    render(<App refreshStore={store} />);
    await userEvent.type(await screen.findByLabelText('Username'), 'pat');
    await userEvent.type(screen.getByLabelText('Password'), 'pw');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('heading', { name: 'My sharing rules' })).toBeInTheDocument();
    expect(await screen.findByText(/nobody can see your record/)).toBeInTheDocument();
    expect(store.load()).toBe('r1');
    expect(network.callsTo('GET /patients/patient-1/rules')[0]?.headers.authorization).toBe('Bearer a1');

    await userEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(store.load()).toBeUndefined();
  });

  it('keeps the person signed in across a reload with the refresh token of the tab', async () => {
    const store = memoryRefreshStore();
    store.save('r1');
    render(<App refreshStore={store} />);
    expect(await screen.findByRole('heading', { name: 'My sharing rules' })).toBeInTheDocument();
    expect(network.callsTo('GET /auth/me')[0]?.headers.authorization).toBe('Bearer a2');
    expect(store.load()).toBe('r2');
  });
});
