/** The administrator's journey: organisations of the network, users and their enrolment at the CAs. */
import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { ConnectionProfile } from '@custodia/network';
import type { IdentityService } from '../identity';
import { defineRoute } from '../http/route';
import type { RouteDef } from '../http/route';
import type { LedgerSessions } from '../ledger/sessions';
import { actorOf, caller, lake } from './context';
import type { DataLake } from './context';
import { Country, Id, MspId, Role } from './schemas';

const TAG = 'admin';

export interface AdminDeps {
  readonly identity: IdentityService;
  readonly ledger: LedgerSessions;
  readonly profile: ConnectionProfile;
  readonly datalake: DataLake | undefined;
}

export function adminRoutes(deps: AdminDeps): RouteDef[] {
  const { identity } = deps;
  return [
    defineRoute({
      method: 'get',
      path: '/admin/organisations',
      summary: 'The organisations of the channel, their country and their CA',
      tag: TAG,
      schemas: {},
      handler: async () => ({
        items: deps.profile.organisations.map((organisation) => ({
          mspId: organisation.mspId,
          country: organisation.country,
          ca: organisation.ca?.url,
        })),
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/admin/users',
      summary: 'Every user, with role, organisation and status',
      tag: TAG,
      schemas: {},
      handler: async () => ({ items: identity.listUsers() }),
    }),
    defineRoute({
      method: 'post',
      path: '/admin/users',
      summary:
        'Create a user: registered and enrolled at the organisation’s CA; patients also in the data lake',
      tag: TAG,
      status: 201,
      schemas: {
        body: Type.Object(
          {
            username: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$' }),
            password: Type.String({ minLength: 12, maxLength: 1024 }),
            displayName: Type.String({ minLength: 1, maxLength: 200 }),
            role: Role,
            mspId: MspId,
            country: Country,
            ledgerId: Type.Optional(Id),
          },
          { additionalProperties: false },
        ),
      },
      handler: async (input) => {
        if (input.body.role !== 'patient') return identity.createUser(input.body);
        // The lake learns of a patient first (idempotent), so a lake outage creates no half-registered patient.
        const ledgerId = input.body.ledgerId ?? randomUUID();
        await lake(deps).registerPatient(actorOf(caller(input)), ledgerId);
        return identity.createUser({ ...input.body, ledgerId });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/admin/users/:userId/disable',
      summary: 'Disable a user: no more sign-ins, tokens refused, certificate revoked at the CA',
      tag: TAG,
      schemas: {
        params: Type.Object({ userId: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
      },
      handler: async (input) => {
        const user = await identity.disableUser(input.params.userId);
        deps.ledger.forget(user);
        return user;
      },
    }),
  ];
}
