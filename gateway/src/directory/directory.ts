/**
 * The directory people pick from and read names in: clinicians and medical centres by their display name, and the
 * organisations of the on-chain registry by the name this gateway's configuration gives them. Names live here, off
 * the ledger: a rule names a practitioner by `(mspId, id)` and an organisation by its MSP id, and whoever reads a
 * rule, a grant or the access log has those ids turned back into names by `nameParties`. Patients are never in it.
 */
import type { Organisation, Role } from '@custodia/chaincode';
import type { User } from '../identity/user';

/** The staff a directory lists (those that appear in rules, grants and the access log). */
export const DIRECTORY_ROLES = ['clinician', 'centre'] as const satisfies readonly Role[];
export type DirectoryRole = (typeof DIRECTORY_ROLES)[number];

export interface PractitionerEntry {
  readonly kind: 'practitioner';
  readonly mspId: string;
  readonly id: string;
  readonly role: DirectoryRole;
  readonly name: string;
  /** Their organisation's country in the registry. */
  readonly country: string;
  readonly organisation: string;
}

export interface OrganisationEntry {
  readonly kind: 'organization';
  readonly mspId: string;
  readonly name: string;
  readonly country: string;
}

export type DirectoryEntry = PractitionerEntry | OrganisationEntry;

export interface DirectoryQuery {
  /** Part of a name (or an id), any case and accents; empty or absent: everyone. */
  readonly q?: string;
  readonly kind?: DirectoryEntry['kind'];
  readonly role?: DirectoryRole;
  readonly country?: string;
  readonly limit: number;
}

/** A party as rules, grants and the access log name it: an organisation alone, or someone in it. */
export interface PartyRef {
  readonly mspId: string;
  readonly id?: string;
}

/** A name for each party the directory knows; an unknown party (or a patient) has none and is shown by its id. */
export interface PartyName extends PartyRef {
  readonly name?: string;
}

function isDirectoryRole(role: Role): role is DirectoryRole {
  return (DIRECTORY_ROLES as readonly Role[]).includes(role);
}

/** Case- and accent-blind, so "dubois" finds "Dr. Claire Dubois" and "eloise" finds "Éloïse". */
function folded(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLocaleLowerCase('en');
}

function organisationName(names: Readonly<Record<string, string>>, mspId: string): string {
  return names[mspId] ?? mspId;
}

/**
 * Every entry: the registry's organisations, and the enabled clinicians and centres of member organisations (a
 * user of an organisation that left the registry is not offered to rules any more), sorted by name.
 */
export function directoryEntries(
  users: readonly User[],
  members: readonly Organisation[],
  names: Readonly<Record<string, string>>,
): DirectoryEntry[] {
  const country = new Map(members.map((member) => [member.mspId, member.country]));
  const organisations: DirectoryEntry[] = members.map((member) => ({
    kind: 'organization',
    mspId: member.mspId,
    name: organisationName(names, member.mspId),
    country: member.country,
  }));
  const practitioners: DirectoryEntry[] = users.flatMap((user): DirectoryEntry[] => {
    const memberCountry = country.get(user.mspId);
    if (user.disabled || !isDirectoryRole(user.role) || memberCountry === undefined) return [];
    return [
      {
        kind: 'practitioner',
        mspId: user.mspId,
        id: user.ledgerId,
        role: user.role,
        name: user.displayName,
        country: memberCountry,
        organisation: organisationName(names, user.mspId),
      },
    ];
  });
  return [...organisations, ...practitioners].sort((a, b) => a.name.localeCompare(b.name, 'en'));
}

export function searchDirectory(entries: readonly DirectoryEntry[], query: DirectoryQuery): DirectoryEntry[] {
  const needle = folded(query.q?.trim() ?? '');
  return entries
    .filter((entry) => query.kind === undefined || entry.kind === query.kind)
    .filter(
      (entry) => query.role === undefined || (entry.kind === 'practitioner' && entry.role === query.role),
    )
    .filter((entry) => query.country === undefined || entry.country === query.country)
    .filter(
      (entry) =>
        needle === '' ||
        folded(entry.name).includes(needle) ||
        folded(entry.kind === 'practitioner' ? entry.id : entry.mspId).includes(needle),
    )
    .slice(0, query.limit);
}

/**
 * The names of the parties asked about: staff by their display name (disabled ones too: the access log outlives
 * them), organisations by their configured name. Patients and unknown ids get no name.
 */
export function nameParties(
  users: readonly User[],
  names: Readonly<Record<string, string>>,
  parties: readonly PartyRef[],
): PartyName[] {
  const staff = new Map(
    users
      .filter((user) => user.role !== 'patient')
      .map((user) => [`${user.mspId}\u0000${user.ledgerId}`, user.displayName]),
  );
  return parties.map((party) => {
    const name = party.id === undefined ? names[party.mspId] : staff.get(`${party.mspId}\u0000${party.id}`);
    return name === undefined ? { ...party } : { ...party, name };
  });
}
