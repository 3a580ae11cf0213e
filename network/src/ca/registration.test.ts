import { CaErrorCode } from './errors';
import {
  affiliationCovers,
  affiliationExists,
  authorizeRegistration,
  bootstrapAttributes,
  patternAllows,
  standardAttributes,
} from './registration';
import type { IdentityRecord, RegisteredAttribute } from './state';

function registrar(affiliation: string, attrs: Record<string, string>): IdentityRecord {
  return {
    id: 'registrar',
    type: 'client',
    affiliation,
    attrs: Object.entries(attrs).map(([name, value]) => ({ name, value, ecert: false })),
    secretHash: '',
    maxEnrollments: -1,
    enrollments: 0,
    failedAttempts: 0,
    revoked: false,
  };
}

const attrs = (values: Record<string, string>): RegisteredAttribute[] =>
  Object.entries(values).map(([name, value]) => ({ name, value, ecert: false }));

const denied = expect.objectContaining({
  code: CaErrorCode.AuthorizationFailed,
  status: 403,
  fabricCode: 71,
});

describe('affiliations', () => {
  it('covers itself and descendants only; the root covers everything', () => {
    expect(affiliationCovers('hospital', 'hospital.cardiology')).toBe(true);
    expect(affiliationCovers('hospital', 'hospital')).toBe(true);
    expect(affiliationCovers('hospital', 'hospitality')).toBe(false);
    expect(affiliationCovers('hospital.cardiology', 'hospital')).toBe(false);
    expect(affiliationCovers('', 'anything.at.all')).toBe(true);
  });

  it('knows configured affiliations and their parents', () => {
    const tree = ['hospital-de.cardiology'];
    expect(affiliationExists('hospital-de', tree)).toBe(true);
    expect(affiliationExists('hospital-de.cardiology', tree)).toBe(true);
    expect(affiliationExists('hospital-de.oncology', tree)).toBe(false);
    expect(affiliationExists('', [])).toBe(true);
  });
});

describe('hf.Registrar.Attributes patterns', () => {
  it('matches exact names and trailing wildcards', () => {
    expect(patternAllows(['custodia.*'], 'custodia.role')).toBe(true);
    expect(patternAllows(['custodia.role'], 'custodia.roles')).toBe(false);
    expect(patternAllows(['*'], 'anything')).toBe(true);
    expect(patternAllows([], 'custodia.role')).toBe(false);
  });
});

describe('authorizeRegistration', () => {
  const admin = registrar('', Object.fromEntries(bootstrapAttributes().map((a) => [a.name, a.value])));
  const desk = registrar('hospital', {
    'hf.Registrar.Roles': 'client,user',
    'hf.Registrar.DelegateRoles': 'client',
    'hf.Registrar.Attributes': 'custodia.*,hf.Registrar.Roles,hf.Registrar.DelegateRoles,hf.Revoker',
  });

  it('lets the bootstrap admin register any type, affiliation and attribute', () => {
    expect(() =>
      authorizeRegistration(admin, {
        type: 'peer',
        affiliation: 'hospital.cardiology',
        attrs: attrs({ 'custodia.role': 'clinician', 'hf.Revoker': 'true', 'hf.Registrar.Roles': 'client' }),
      }),
    ).not.toThrow();
  });

  it('refuses identities without hf.Registrar.Roles, types outside it and affiliations above the registrar', () => {
    expect(() =>
      authorizeRegistration(registrar('', {}), { type: 'client', affiliation: '', attrs: [] }),
    ).toThrow(denied);
    expect(() => authorizeRegistration(desk, { type: 'peer', affiliation: 'hospital', attrs: [] })).toThrow(
      denied,
    );
    expect(() => authorizeRegistration(desk, { type: 'client', affiliation: 'clinic', attrs: [] })).toThrow(
      denied,
    );
    expect(() => authorizeRegistration(desk, { type: 'client', affiliation: '', attrs: [] })).toThrow(denied);
    expect(() =>
      authorizeRegistration(desk, { type: 'user', affiliation: 'hospital.a', attrs: [] }),
    ).not.toThrow();
  });

  it('grants list attributes only as subsets of what the registrar holds', () => {
    const request = (values: Record<string, string>) => ({
      type: 'client',
      affiliation: 'hospital',
      attrs: attrs(values),
    });
    expect(() => authorizeRegistration(desk, request({ 'hf.Registrar.Roles': 'client' }))).not.toThrow();
    expect(() => authorizeRegistration(desk, request({ 'hf.Registrar.Roles': 'client,peer' }))).toThrow(
      denied,
    );
    // DelegateRoles must also stay within the new identity's own Roles.
    expect(() =>
      authorizeRegistration(
        desk,
        request({ 'hf.Registrar.Roles': 'user', 'hf.Registrar.DelegateRoles': 'client' }),
      ),
    ).toThrow(denied);
  });

  it('refuses booleans the registrar lacks, fixed attributes and unknown hf.* names', () => {
    const request = (values: Record<string, string>) => ({
      type: 'client',
      affiliation: 'hospital',
      attrs: attrs(values),
    });
    expect(() => authorizeRegistration(desk, request({ 'hf.Revoker': 'true' }))).toThrow(denied);
    expect(() => authorizeRegistration(admin, request({ 'hf.EnrollmentID': 'someone-else' }))).toThrow(
      denied,
    );
    expect(() => authorizeRegistration(admin, request({ 'hf.Made.Up': 'x' }))).toThrow(denied);
    expect(() => authorizeRegistration(admin, request({ 'hf.Revoker': 'maybe' }))).toThrow(
      expect.objectContaining({ code: CaErrorCode.BadRequest }),
    );
  });

  it('delegates an hf.* name in hf.Registrar.Attributes only with the attribute itself', () => {
    const request = (values: Record<string, string>) => ({
      type: 'client',
      affiliation: '',
      attrs: attrs(values),
    });
    expect(() => authorizeRegistration(admin, request({ 'hf.Registrar.Attributes': 'hf.Revoker' }))).toThrow(
      denied,
    );
    expect(() =>
      authorizeRegistration(
        admin,
        request({ 'hf.Registrar.Attributes': 'hf.Revoker', 'hf.Revoker': 'true' }),
      ),
    ).not.toThrow();
  });

  it('gives every identity hf.EnrollmentID, hf.Type and hf.Affiliation for its ecerts', () => {
    expect(standardAttributes('u1', 'client', 'hospital')).toEqual([
      { name: 'hf.EnrollmentID', value: 'u1', ecert: true },
      { name: 'hf.Type', value: 'client', ecert: true },
      { name: 'hf.Affiliation', value: 'hospital', ecert: true },
    ]);
  });
});
