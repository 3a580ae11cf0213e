/** The portal: sign-in, then the workspace of the signed-in person's role, in the person's language. */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiClient } from '../api/client';
import { authApi } from '../api/endpoints';
import { sessionRefreshStore } from '../api/tokens';
import type { RefreshTokenStore } from '../api/tokens';
import type { LoginResponse, SessionUser } from '../api/types';
import { SessionContext } from '../session/session';
import type { Session } from '../session/session';
import { SignIn } from '../sign-in/SignIn';
import { Workspace } from './Workspace';

export function App({ refreshStore }: { refreshStore?: RefreshTokenStore }) {
  const { t } = useTranslation();
  const [user, setUser] = useState<SessionUser | undefined>();
  const [restoring, setRestoring] = useState(true);
  const client = useMemo(
    () =>
      new ApiClient({
        refreshStore: refreshStore ?? sessionRefreshStore(),
        onSessionEnded: () => setUser(undefined),
      }),
    [refreshStore],
  );

  // A reload keeps the person signed in while the tab lives: the refresh token buys a new access token.
  useEffect(() => {
    let current = true;
    const restore = async () => {
      if (client.hasRefreshToken() && (await client.renew())) {
        const me = await authApi(client).me();
        if (current) setUser(me);
      }
    };
    restore()
      .catch(() => client.endSession())
      .finally(() => current && setRestoring(false));
    return () => {
      current = false;
    };
  }, [client]);

  const session = useMemo<Session | undefined>(
    () =>
      user && {
        client,
        user,
        signOut: () => {
          const refreshToken = client.refreshToken();
          (refreshToken ? authApi(client).logout(refreshToken) : Promise.resolve())
            .catch(() => undefined)
            .finally(() => {
              client.endSession();
              setUser(undefined);
            });
        },
      },
    [client, user],
  );

  if (restoring) return <p className="loading">{t('common.loading')}</p>;
  if (!session) {
    return (
      <SignIn
        client={client}
        onSignedIn={(login: LoginResponse) => {
          client.startSession(login);
          setUser(login.user);
        }}
      />
    );
  }
  return (
    <SessionContext.Provider value={session}>
      <Workspace />
    </SessionContext.Provider>
  );
}
