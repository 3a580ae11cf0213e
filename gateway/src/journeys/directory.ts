/**
 * The directory: find clinicians, medical centres and organisations by name, role and country (patients, to write
 * rules; staff), and read the names of the ids that rules, grants and the access log hold. Names come from the
 * gateway's users and its configured organisation names, and never go on the ledger; patients are never listed
 * nor named.
 */
import { Type } from '@sinclair/typebox';
import { FORMATS, LIMITS } from '@custodia/chaincode';
import type { Organisation } from '@custodia/chaincode';
import { DIRECTORY_ROLES, directoryEntries, nameParties, searchDirectory } from '../directory/directory';
import type { PartyRef } from '../directory/directory';
import { defineRoute } from '../http/route';
import type { RouteDef } from '../http/route';
import type { User } from '../identity/user';
import type { UserLedger } from '../ledger/users';
import { caller } from './context';
import { Country } from './schemas';

const TAG = 'directory';
/** Most entries one search answers: a person narrows by typing. */
const MAX_RESULTS = 50;
/** Most parties one names request asks about (a page of the access log names at most two per entry). */
const MAX_PARTIES = 2 * LIMITS.maxPageSize;

const body = (format: RegExp): string => format.source.replace(/^\^/, '').replace(/\$$/, '');
const PARTY = `${body(FORMATS.mspId)}(/${body(FORMATS.id)})?`;

export interface DirectoryDeps {
  readonly ledger: UserLedger;
  /** The gateway's users now (display names are read here, never logged). */
  readonly users: () => readonly User[];
  readonly organisationNames: Readonly<Record<string, string>>;
}

function partyOf(text: string): PartyRef {
  const [mspId = '', id] = text.split('/');
  return id === undefined ? { mspId } : { mspId, id };
}

export function directoryRoutes(deps: DirectoryDeps): RouteDef[] {
  const members = async (input: Parameters<typeof caller>[0]): Promise<readonly Organisation[]> =>
    (await deps.ledger.as(caller(input)).organisations.registry()).members;
  return [
    defineRoute({
      method: 'get',
      path: '/directory',
      summary:
        'Clinicians, medical centres and the registry’s organisations by name (any case, no accents needed), kind, role and country — to pick whom a rule names; never patients',
      tag: TAG,
      schemas: {
        query: Type.Object(
          {
            q: Type.Optional(Type.String({ maxLength: 100 })),
            kind: Type.Optional(Type.Union([Type.Literal('practitioner'), Type.Literal('organization')])),
            role: Type.Optional(
              Type.Unsafe<(typeof DIRECTORY_ROLES)[number]>({ enum: [...DIRECTORY_ROLES] }),
            ),
            country: Type.Optional(Country),
            limit: Type.Integer({ minimum: 1, maximum: MAX_RESULTS, default: 20 }),
          },
          { additionalProperties: false },
        ),
      },
      handler: async (input) => {
        const entries = directoryEntries(deps.users(), await members(input), deps.organisationNames);
        return { items: searchDirectory(entries, input.query) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/directory/names',
      summary:
        'The names of parties as rules, grants and the access log name them (`parties=HospitalDEMSP,HospitalDEMSP/clin-weber`): staff and organisations get their names; patients and unknown ids none (show the id)',
      tag: TAG,
      schemas: {
        query: Type.Object(
          {
            parties: Type.String({
              pattern: `^${PARTY}(,${PARTY}){0,${MAX_PARTIES - 1}}$`,
              maxLength: MAX_PARTIES * (LIMITS.maxMspIdLength + LIMITS.maxIdLength + 2),
              description: 'comma-separated `mspId` or `mspId/id`',
            }),
          },
          { additionalProperties: false },
        ),
      },
      handler: async (input) => {
        caller(input);
        const parties = input.query.parties.split(',').map(partyOf);
        return { items: nameParties(deps.users(), deps.organisationNames, parties) };
      },
    }),
  ];
}
