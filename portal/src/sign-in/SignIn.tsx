/**
 * Sign-in: username and password; a 6-digit code from an authenticator app when the gateway asks for
 * one (MFA_REQUIRED); the first-time set-up of that app with a QR code (MFA_SETUP_REQUIRED carries a
 * setup token: /auth/mfa/setup shows the secret once, /auth/mfa/confirm checks a first code and signs in).
 */
import { useState } from 'react';
import type { FormEvent } from 'react';
import { authApi } from '../api/endpoints';
import { asProblem } from '../api/problem';
import type { ApiProblem } from '../api/problem';
import type { ApiClient } from '../api/client';
import type { LoginResponse, TotpSetup } from '../api/types';
import { ProblemAlert } from '../ui/ProblemAlert';
import { QrCode } from '../ui/QrCode';

export const MFA_CODES = { required: 'MFA_REQUIRED', setupRequired: 'MFA_SETUP_REQUIRED' } as const;

type Step = { kind: 'password' } | { kind: 'code' } | { kind: 'setup'; setupToken: string; setup: TotpSetup };

export function SignIn({
  client,
  onSignedIn,
}: {
  client: ApiClient;
  onSignedIn: (login: LoginResponse) => void;
}) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [step, setStep] = useState<Step>({ kind: 'password' });
  const [problem, setProblem] = useState<ApiProblem | undefined>();
  const [pending, setPending] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setPending(true);
    setProblem(undefined);
    try {
      const api = authApi(client);
      if (step.kind === 'setup') {
        onSignedIn(await api.confirmMfa(step.setupToken, code.trim()));
        return;
      }
      const login = await api.login({
        username: username.trim().toLowerCase(),
        password,
        ...(step.kind === 'code' ? { totp: code.trim() } : {}),
      });
      onSignedIn(login);
    } catch (error) {
      const failure = asProblem(error);
      const setupToken = failure.body.setupToken;
      if (failure.code === MFA_CODES.required && step.kind === 'password') setStep({ kind: 'code' });
      else if (failure.code === MFA_CODES.setupRequired && typeof setupToken === 'string') {
        try {
          setStep({ kind: 'setup', setupToken, setup: await authApi(client).setupMfa(setupToken) });
        } catch (setupError) {
          setProblem(asProblem(setupError));
        }
      } else setProblem(failure);
    } finally {
      setPending(false);
    }
  };

  return (
    <main className="sign-in" id="main">
      <h1>Custodia</h1>
      <p className="lead">Your medical record, shared only the way you decide.</p>
      <form onSubmit={submit} className="card" aria-labelledby="sign-in-title">
        <h2 id="sign-in-title">Sign in</h2>
        <ProblemAlert problem={problem} />
        {step.kind === 'password' ? (
          <>
            <label>
              Username
              <input
                name="username"
                autoComplete="username"
                required
                value={username}
                onChange={(e) => setUsername(e.target.value)}
              />
            </label>
            <label>
              Password
              <input
                name="password"
                type="password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            </label>
          </>
        ) : (
          <>
            {step.kind === 'setup' ? (
              <div className="totp-setup">
                <p>
                  Your account needs a second step at sign-in. Scan this code with an authenticator app (for
                  example FreeOTP or Google Authenticator), then type the 6-digit code it shows.
                </p>
                <QrCode
                  text={step.setup.otpauthUri}
                  label="QR code to add Custodia to your authenticator app"
                />
                <details>
                  <summary>Can’t scan? Show the set-up key</summary>
                  <code className="break">{step.setup.secret ?? step.setup.otpauthUri}</code>
                </details>
              </div>
            ) : (
              <p>Open your authenticator app and type the 6-digit code it shows for Custodia.</p>
            )}
            <label>
              6-digit code
              <input
                name="totp"
                inputMode="numeric"
                autoComplete="one-time-code"
                pattern="[0-9]{6}"
                maxLength={6}
                required
                autoFocus
                value={code}
                onChange={(e) => setCode(e.target.value)}
              />
            </label>
          </>
        )}
        <button type="submit" className="primary" disabled={pending}>
          {pending ? 'Signing in…' : step.kind === 'password' ? 'Sign in' : 'Verify and sign in'}
        </button>
      </form>
    </main>
  );
}
