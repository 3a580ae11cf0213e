/** Renders a view as a signed-in user, with the real ApiClient over a fake network. */
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { ApiClient } from '../../src/api/client';
import { memoryRefreshStore } from '../../src/api/tokens';
import type { SessionUser } from '../../src/api/types';
import { SessionContext } from '../../src/session/session';
import { fakeNetwork } from './network';
import type { FakeNetwork, Routes } from './network';

export const USERS: Readonly<Record<'patient' | 'clinician' | 'centre' | 'auditor', SessionUser>> = {
  patient: {
    userId: 'u-p',
    username: 'pat',
    role: 'patient',
    mspId: 'HospitalDEMSP',
    country: 'DE',
    ledgerId: 'patient-1',
  },
  clinician: {
    userId: 'u-c',
    username: 'doc',
    role: 'clinician',
    mspId: 'HospitalFRMSP',
    country: 'FR',
    ledgerId: 'dr-2',
  },
  centre: {
    userId: 'u-m',
    username: 'lab',
    role: 'centre',
    mspId: 'HospitalDEMSP',
    country: 'DE',
    ledgerId: 'lab-1',
  },
  auditor: {
    userId: 'u-a',
    username: 'audit',
    role: 'auditor',
    mspId: 'RegulatorMSP',
    country: 'BE',
    ledgerId: 'aud-1',
  },
};

export function renderAs(
  role: keyof typeof USERS,
  ui: ReactElement,
  routes: Routes,
): { network: FakeNetwork; client: ApiClient } & ReturnType<typeof render> {
  const network = fakeNetwork(routes);
  const client = new ApiClient({ refreshStore: memoryRefreshStore(), fetch: network.fetch });
  client.startSession({ accessToken: 'access-1', refreshToken: 'refresh-1', expiresIn: 600 });
  const result = render(
    <SessionContext.Provider value={{ client, user: USERS[role], signOut: () => undefined }}>
      {ui}
    </SessionContext.Provider>,
  );
  return { network, client, ...result };
}
