/** The signed-in session: one ApiClient for the whole app and the user it acts for. */
import { createContext, useContext } from 'react';
import type { ApiClient } from '../api/client';
import type { SessionUser } from '../api/types';

export interface Session {
  readonly client: ApiClient;
  readonly user: SessionUser;
  readonly signOut: () => void;
}

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in view');
  return session;
}
