/**
 * The administrator's journey: the organisations of the on-chain registry, the users of the admin's own
 * organisation, their enrolment at its CA and, for patients, their registration on-chain.
 */
import { Type } from '@sinclair/typebox';
import { memberOf } from '@custodia/chaincode';
import type { ConnectionProfile } from '@custodia/ledger';
import type { IdentityService } from '../identity';
import { GatewayError } from '../errors';
import { defineRoute } from '../http/route';
import type { RouteDef } from '../http/route';
import type { AuthUser } from '../identity/user';
import type { UserLedger } from '../ledger/users';
import { createPatient } from '../patients/registration';
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
 * An organisation's administrator manages the users of their own organisation only: a user's organisation is the
 * administrator's and its country the one the on-chain organisation registry gives it — never chosen by the
 * request (another hospital's CA issues its own staff, and no organisation sets a country alone).
 */
async function ownOrganisation(
  deps: AdminDeps,
  admin: AuthUser,
  requested: { mspId?: string; country?: string },
): Promise<{ mspId: string; country: string }> {
  if (requested.mspId !== undefined && requested.mspId !== admin.mspId)
    throw new GatewayError(
      'OTHER_ORGANISATION',
      'administrators create users in their own organisation only',
    );
  const organisation = memberOf(await deps.ledger.as(admin).organisations.registry(), admin.mspId);
  if (organisation === undefined)
    throw new GatewayError('FORBIDDEN', 'your organisation is not a member of the organisation registry');
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
      summary:
        'The member organisations of the on-chain registry, their country (as the registry says) and their CA',
      tag: TAG,
      schemas: {},
      handler: async (input) => {
        const registry = await deps.ledger.as(caller(input)).organisations.registry();
        return {
          registryVersion: registry.version,
          items: registry.members.map((member) => ({
            mspId: member.mspId,
            country: member.country,
            ca: deps.profile.organisations.find((organisation) => organisation.mspId === member.mspId)?.ca
              ?.url,
          })),
        };
      },
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
        'Create a user of the administrator’s organisation (its registry country): registered and enrolled at its CA; a patient gets a generated pseudonym, registered with the data lake and on-chain by this administrator',
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
            // Staff only (default a new UUID); a patient's is a pseudonym the platform generates.
            ledgerId: Type.Optional(Id),
            email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
            person: Type.Optional(Person),
          },
          { additionalProperties: false },
        ),
      },
      handler: async (input) => {
        const admin = caller(input);
        const { role, ...user } = { ...input.body, ...(await ownOrganisation(deps, admin, input.body)) };
        if (role !== 'patient') return identity.createUser({ ...user, role });
        if (user.ledgerId !== undefined)
          throw new GatewayError(
            'VALIDATION_FAILED',
            'a patient’s ledger id is a pseudonym the platform generates; do not send one',
            { field: 'ledgerId' },
          );
        return createPatient(
          { identity, datalake: lake(deps) },
          { ledger: deps.ledger.as(admin), actor: actorOf(admin) },
          user,
        );
      },
    }),
    defineRoute({
      method: 'post',
      path: '/admin/users/:userId/disable',
      summary:
        'Disable a user of the administrator’s organisation: refused by the chaincode itself, no more sign-ins, tokens refused, certificate revoked at the CA',
      tag: TAG,
      schemas: {
        params: Type.Object({ userId: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
      },
      handler: async (input) => {
        const admin = caller(input);
        const target = identity.getUser(input.params.userId);
        if (target.mspId !== admin.mspId)
          throw new GatewayError(
            'OTHER_ORGANISATION',
            'administrators disable users of their own organisation only',
          );
        // As the chaincode: an admin cannot lock themselves out (another admin of the organisation can).
        if (target.userId === admin.userId)
          throw new GatewayError('CONFLICT', 'administrators cannot disable themselves');
        // On-chain first: from this commit on, every transaction refuses the identity, whatever its certificate.
        const ledger = deps.ledger.as(admin).identities;
        const ref = { role: target.role, id: target.ledgerId };
        if (!(await ledger.status({ ...ref, mspId: target.mspId })).disabled) await ledger.disable(ref);
        const user = await identity.disableUser(target.userId);
        deps.ledger.forget(user);
        return user;
      },
    }),
  ];
}
