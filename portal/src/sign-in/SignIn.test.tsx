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

  it('sets up the authenticator on a first sign-in: QR code, first code, signed in', async () => {
    const setupToken = 'setup-token-0123456789';
    const { network, signedIn } = setup(
      problem(401, 'MFA_SETUP_REQUIRED', 'set up a second factor (TOTP) to sign in', {
        setupToken,
        expiresIn: 600,
      }),
    );
    network.set({
      'POST /auth/mfa/setup': {
        body: {
          otpauthUri: 'otpauth://totp/Custodia:auditor?secret=JBSWY3DPEHPK3PXP&issuer=Custodia',
          secret: 'JBSWY3DPEHPK3PXP',
        },
      },
      'POST /auth/mfa/confirm': { body: LOGIN },
    });
    await typeCredentials();
    expect(await screen.findByRole('img', { name: /QR code to add Custodia/ })).toBeInTheDocument();
    expect(screen.getByText('JBSWY3DPEHPK3PXP')).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('6-digit code'), '654321');
    await userEvent.click(screen.getByRole('button', { name: 'Verify and sign in' }));
    expect(signedIn).toHaveBeenCalledWith(LOGIN);
    expect(network.callsTo('POST /auth/mfa/setup')[0]?.body).toEqual({ setupToken });
    expect(network.callsTo('POST /auth/mfa/confirm')[0]?.body).toEqual({ setupToken, code: '654321' });
  });

  it('shows the gateway’s message when the credentials are refused', async () => {
    const { signedIn } = setup(problem(401, 'INVALID_CREDENTIALS', 'Invalid credentials.'));
    await typeCredentials();
    expect(await screen.findByRole('alert')).toHaveTextContent('Invalid credentials.');
    expect(signedIn).not.toHaveBeenCalled();
  });
});
