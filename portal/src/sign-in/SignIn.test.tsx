/** @jest-environment ./portal/test/support/jsdom-environment.js */
import '@testing-library/jest-dom';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { fakeNetwork, problem } from '../../test/support/network';
import { USERS } from '../../test/support/session';
import { ApiClient } from '../api/client';
import { memoryRefreshStore } from '../api/tokens';
import { SignIn } from './SignIn';

const LOGIN = { accessToken: 'a', refreshToken: 'r', expiresIn: 600, user: USERS.auditor };

function setup(login: Parameters<typeof fakeNetwork>[0]['x']) {
  const network = fakeNetwork({ 'POST /auth/login': login });
  const client = new ApiClient({ refreshStore: memoryRefreshStore(), fetch: network.fetch });
  const signedIn = jest.fn();
  render(<SignIn client={client} onSignedIn={signedIn} />);
  return { network, signedIn };
}

async function typeCredentials() {
  await userEvent.type(screen.getByLabelText('Username'), 'Auditor');
  await userEvent.type(screen.getByLabelText('Password'), 'correct horse');
  await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('SignIn', () => {
  it('asks for the authenticator code when the gateway requires MFA, then signs in with it', async () => {
    const { network, signedIn } = setup((call) =>
      (call.body as { totp?: string }).totp === '123456'
        ? { body: LOGIN }
        : problem(401, 'MFA_REQUIRED', 'A code from your authenticator app is required.'),
    );
    await typeCredentials();
    await userEvent.type(await screen.findByLabelText('6-digit code'), '123456');
    await userEvent.click(screen.getByRole('button', { name: 'Verify and sign in' }));
    expect(signedIn).toHaveBeenCalledWith(LOGIN);
    expect(network.calls.map((c) => c.body)).toEqual([
      { username: 'auditor', password: 'correct horse' },
      { username: 'auditor', password: 'correct horse', totp: '123456' },
    ]);
  });

  it('shows the set-up QR code on a first sign-in that needs an authenticator', async () => {
    setup(
      problem(401, 'MFA_SETUP_REQUIRED', 'Set up your authenticator.', {
        otpauthUri: 'otpauth://totp/Custodia:auditor?secret=JBSWY3DPEHPK3PXP&issuer=Custodia',
      }),
    );
    await typeCredentials();
    expect(await screen.findByRole('img', { name: /QR code to add Custodia/ })).toBeInTheDocument();
    expect(screen.getByText(/secret=JBSWY3DPEHPK3PXP/)).toBeInTheDocument();
    expect(screen.getByLabelText('6-digit code')).toBeInTheDocument();
  });

  it('shows the gateway’s message when the credentials are refused', async () => {
    const { signedIn } = setup(problem(401, 'INVALID_CREDENTIALS', 'Invalid credentials.'));
    await typeCredentials();
    expect(await screen.findByRole('alert')).toHaveTextContent('Invalid credentials.');
    expect(signedIn).not.toHaveBeenCalled();
  });
});
