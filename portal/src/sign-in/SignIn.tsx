/**
 * Sign-in: username and password; a 6-digit code from an authenticator app when the gateway asks for
 * one (MFA_REQUIRED); the first-time set-up of that app with a QR code (MFA_SETUP_REQUIRED carries a
 * setup token: /auth/mfa/setup shows the secret once, /auth/mfa/confirm checks a first code and signs in).
 */
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { authApi } from '../api/endpoints';
import { asProblem } from '../api/problem';
import type { ApiProblem } from '../api/problem';
import type { ApiClient } from '../api/client';
import type { LoginResponse, TotpSetup } from '../api/types';
import { LanguagePicker } from '../i18n/LanguagePicker';
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
  const { t } = useTranslation();
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
      <div className="sign-in-head">
        <h1>Custodia</h1>
        <LanguagePicker />
      </div>
      <p className="lead">{t('signIn.lead')}</p>
      <form onSubmit={submit} className="card" aria-labelledby="sign-in-title">
        <h2 id="sign-in-title">{t('signIn.title')}</h2>
        <ProblemAlert problem={problem} />
        {step.kind === 'password' ? (
          <>
            <label>
              {t('signIn.username')}
              <input
                name="username"
                autoComplete="username"
                required
                value={username}
                onChange={(e) => setUsername(e.target.value)}
              />
            </label>
            <label>
              {t('signIn.password')}
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
                <p>{t('signIn.setupText')}</p>
                <QrCode text={step.setup.otpauthUri} label={t('signIn.setupQr')} />
                <details>
                  <summary>{t('signIn.setupKey')}</summary>
                  <code className="break">{step.setup.secret ?? step.setup.otpauthUri}</code>
                </details>
              </div>
            ) : (
              <p>{t('signIn.codeText')}</p>
            )}
            <label>
              {t('signIn.code')}
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
          {pending ? t('signIn.pending') : step.kind === 'password' ? t('signIn.submit') : t('signIn.verify')}
        </button>
      </form>
    </main>
  );
}
