/**
 * Sign-in: username and password; a 6-digit code from an authenticator app when the gateway asks for
 * one (MFA_REQUIRED), and the first-time set-up of that app with a QR code (MFA_SETUP_REQUIRED).
 */
import { useState } from 'react';
import type { FormEvent } from 'react';
import { authApi } from '../api/endpoints';
import type { ApiProblem } from '../api/problem';
import { asProblem } from '../api/problem';
import type { ApiClient } from '../api/client';
import type { LoginResponse } from '../api/types';
import { ProblemAlert } from '../ui/ProblemAlert';
import { QrCode } from '../ui/QrCode';

export const MFA_CODES = { required: 'MFA_REQUIRED', setupRequired: 'MFA_SETUP_REQUIRED' } as const;

type Step = { kind: 'password' } | { kind: 'code' } | { kind: 'setup'; otpauthUri: string };

function otpauthUriOf(problem: ApiProblem): string | undefined {
  const uri = problem.body.otpauthUri ?? problem.body.otpauthUrl;
  return typeof uri === 'string' ? uri : undefined;
}

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
      const login = await authApi(client).login({
        username: username.trim().toLowerCase(),
        password,
        ...(step.kind === 'password' ? {} : { totp: code.trim() }),
      });
      onSignedIn(login);
    } catch (error) {
      const failure = asProblem(error);
      if (failure.code === MFA_CODES.required && step.kind === 'password') setStep({ kind: 'code' });
      else if (failure.code === MFA_CODES.setupRequired && otpauthUriOf(failure)) {
        setStep({ kind: 'setup', otpauthUri: otpauthUriOf(failure) ?? '' });
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
                <QrCode text={step.otpauthUri} label="QR code to add Custodia to your authenticator app" />
                <details>
                  <summary>Can’t scan? Show the set-up key</summary>
                  <code className="break">{step.otpauthUri}</code>
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
