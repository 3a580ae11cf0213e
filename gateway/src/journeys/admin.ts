/** The administrator's journey: organisations of the network, users and their enrolment at the CAs. */
import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { ConnectionProfile } from '@custodia/ledger';
import type { IdentityService } from '../identity';
import { GatewayError } from '../errors';
import { defineRoute } from '../http/route';
import type { RouteDef } from '../http/route';
import type { UserLedger } from '../ledger/users';
import { actorOf, caller, lake } from './context';
import type { DataLake } from './context';
import { Country, Id, MspId, Role } from './schemas';

const TAG = 'admin';

const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });
/** A patient's identification set (sealed at rest, released with their record, never logged). */
const Person = Type.Object(
  {
    given: Type.Array(Name, { minItems: 1, maxItems: 5 }),
    family: Name,
    birthDate: Type.String({ format: 'date' }),
    gender: Type.Union([
      Type.Literal('male'),
      Type.Literal('female'),
      Type.Literal('other'),
      Type.Literal('unknown'),
    ]),
  },
  { additionalProperties: false },
);

export interface AdminDeps {
  readonly identity: IdentityService;
  readonly ledger: UserLedger;
  readonly profile: ConnectionProfile;
  readonly datalake: DataLake | undefined;
}

/**
 * An organisation's administrator manages the users of their own organisation only: a user's organisation and
 * country are the administrator's, never chosen by the request (another hospital's CA issues its own staff).
 */
function ownOrganisation(
  deps: AdminDeps,
  admin: { mspId: string },
  requested: { mspId?: string; country?: string },
) {
  if (requested.mspId !== undefined && requested.mspId !== admin.mspId)
    throw new GatewayError(
      'OTHER_ORGANISATION',
      'administrators create users in their own organisation only',
    );
  const organisation = deps.profile.organisations.find((candidate) => candidate.mspId === admin.mspId);
  if (organisation?.country === undefined)
    throw new GatewayError('FORBIDDEN', 'your organisation has no country in the network’s configuration');
  if (requested.country !== undefined && requested.country !== organisation.country)
    throw new GatewayError('VALIDATION_FAILED', 'a user’s country is their organisation’s', {
      field: 'country',
    });
  return { mspId: organisation.mspId, country: organisation.country };
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
      summary: 'The users of the administrator’s organisation, with role and status',
      tag: TAG,
      schemas: {},
      handler: async (input) => {
        const { mspId } = caller(input);
        return { items: identity.listUsers().filter((user) => user.mspId === mspId) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/admin/users',
      summary:
        'Create a user of the administrator’s organisation (its country): registered and enrolled at its CA; patients also in the data lake',
      tag: TAG,
      status: 201,
      schemas: {
        body: Type.Object(
          {
            username: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$' }),
            password: Type.String({ minLength: 12, maxLength: 1024 }),
            displayName: Type.String({ minLength: 1, maxLength: 200 }),
            role: Role,
            mspId: Type.Optional(MspId),
            country: Type.Optional(Country),
            ledgerId: Type.Optional(Id),
            email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
            person: Type.Optional(Person),
          },
          { additionalProperties: false },
        ),
      },
      handler: async (input) => {
        const admin = caller(input);
        const user = { ...input.body, ...ownOrganisation(deps, admin, input.body) };
        if (user.role !== 'patient') return identity.createUser(user);
        // The lake learns of a patient first (idempotent), so a lake outage creates no half-registered patient.
        const ledgerId = user.ledgerId ?? randomUUID();
        await lake(deps).registerPatient(actorOf(admin), ledgerId);
        return identity.createUser({ ...user, ledgerId });
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
        if (identity.getUser(input.params.userId).mspId !== caller(input).mspId)
          throw new GatewayError(
            'OTHER_ORGANISATION',
            'administrators disable users of their own organisation only',
          );
        const user = await identity.disableUser(input.params.userId);
        deps.ledger.forget(user);
        return user;
      },
    }),
  ];
}
