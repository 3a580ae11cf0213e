import type { User } from '../identity/user';
import { directoryEntries, nameParties, searchDirectory } from './directory';

const user = (overrides: Partial<User> & Pick<User, 'role' | 'ledgerId' | 'displayName'>): User => ({
  userId: overrides.ledgerId,
  username: overrides.ledgerId,
  mspId: 'HospitalDEMSP',
  country: 'DE',
  mfaEnabled: false,
  disabled: false,
  ...overrides,
});

const USERS: readonly User[] = [
  user({ role: 'patient', ledgerId: 'pt-anna', displayName: 'Anna Keller' }),
  user({ role: 'clinician', ledgerId: 'clin-weber', displayName: 'Dr. Jonas Weber' }),
  user({
    role: 'clinician',
    ledgerId: 'clin-dubois',
    displayName: 'Dr. Éloïse Dubois',
    mspId: 'HospitalFRMSP',
  }),
  user({ role: 'clinician', ledgerId: 'clin-gone', displayName: 'Dr. Gone', disabled: true }),
  user({ role: 'clinician', ledgerId: 'clin-left', displayName: 'Dr. Left', mspId: 'LeftMSP' }),
  user({ role: 'centre', ledgerId: 'centre-berlin', displayName: 'Records office' }),
  user({ role: 'auditor', ledgerId: 'auditor-eu', displayName: 'The auditor' }),
];
const MEMBERS = [
  { mspId: 'HospitalDEMSP', country: 'DE' },
  { mspId: 'HospitalFRMSP', country: 'FR' },
];
const NAMES = { HospitalDEMSP: 'Universitätsklinikum Berlin' };
const ENTRIES = directoryEntries(USERS, MEMBERS, NAMES);
const namesOf = (found: readonly { name: string }[]) => found.map((entry) => entry.name);

describe('the directory', () => {
  it('lists enabled clinicians and centres of member organisations and the organisations, never patients', () => {
    expect(namesOf(ENTRIES)).toEqual([
      'Dr. Éloïse Dubois',
      'Dr. Jonas Weber',
      'HospitalFRMSP',
      'Records office',
      'Universitätsklinikum Berlin',
    ]);
    expect(ENTRIES.find((entry) => entry.kind === 'practitioner' && entry.id === 'clin-dubois')).toEqual({
      kind: 'practitioner',
      mspId: 'HospitalFRMSP',
      id: 'clin-dubois',
      role: 'clinician',
      name: 'Dr. Éloïse Dubois',
      country: 'FR',
      organisation: 'HospitalFRMSP',
    });
  });

  it('finds by part of a name in any case and without accents, by role, kind and country', () => {
    expect(namesOf(searchDirectory(ENTRIES, { q: 'ELOISE', limit: 10 }))).toEqual(['Dr. Éloïse Dubois']);
    expect(namesOf(searchDirectory(ENTRIES, { q: 'klinikum', limit: 10 }))).toEqual([
      'Universitätsklinikum Berlin',
    ]);
    expect(namesOf(searchDirectory(ENTRIES, { role: 'centre', limit: 10 }))).toEqual(['Records office']);
    expect(namesOf(searchDirectory(ENTRIES, { kind: 'organization', country: 'FR', limit: 10 }))).toEqual([
      'HospitalFRMSP',
    ]);
    expect(searchDirectory(ENTRIES, { limit: 2 })).toHaveLength(2);
  });

  it('a search for a patient’s name or pseudonym finds nothing', () => {
    expect(searchDirectory(ENTRIES, { q: 'Anna', limit: 10 })).toEqual([]);
    expect(searchDirectory(ENTRIES, { q: 'pt-anna', limit: 10 })).toEqual([]);
  });

  it('names staff (disabled too) and configured organisations; patients and unknown ids stay ids', () => {
    expect(
      nameParties(USERS, NAMES, [
        { mspId: 'HospitalDEMSP', id: 'clin-weber' },
        { mspId: 'HospitalDEMSP', id: 'clin-gone' },
        { mspId: 'HospitalDEMSP' },
        { mspId: 'HospitalFRMSP' },
        { mspId: 'HospitalDEMSP', id: 'pt-anna' },
        { mspId: 'HospitalFRMSP', id: 'clin-weber' },
      ]),
    ).toEqual([
      { mspId: 'HospitalDEMSP', id: 'clin-weber', name: 'Dr. Jonas Weber' },
      { mspId: 'HospitalDEMSP', id: 'clin-gone', name: 'Dr. Gone' },
      { mspId: 'HospitalDEMSP', name: 'Universitätsklinikum Berlin' },
      { mspId: 'HospitalFRMSP' },
      { mspId: 'HospitalDEMSP', id: 'pt-anna' },
      { mspId: 'HospitalFRMSP', id: 'clin-weber' },
    ]);
  });
});
