import { authorizationFailure, badRequest, FabricCaCode } from './errors';
import { attributeValue, listAttribute, splitList } from './state';
import type { IdentityRecord, RegisteredAttribute } from './state';

/**
 * Who may register whom, following Fabric CA's rules: the registrar's hf.Registrar.Roles must allow the
 * type, its affiliation must be equal to or above the new one, and every attribute must be allowed by
 * its hf.Registrar.Attributes, with the reserved hf.* attributes only granted from what the registrar holds.
 */

export const HfAttribute = {
  Roles: 'hf.Registrar.Roles',
  DelegateRoles: 'hf.Registrar.DelegateRoles',
  RegistrarAttributes: 'hf.Registrar.Attributes',
  Revoker: 'hf.Revoker',
  IntermediateCA: 'hf.IntermediateCA',
  GenCRL: 'hf.GenCRL',
  AffiliationMgr: 'hf.AffiliationMgr',
  EnrollmentID: 'hf.EnrollmentID',
  Type: 'hf.Type',
  Affiliation: 'hf.Affiliation',
} as const;

const BOOLEAN_ATTRIBUTES: readonly string[] = [
  HfAttribute.Revoker,
  HfAttribute.IntermediateCA,
  HfAttribute.GenCRL,
  HfAttribute.AffiliationMgr,
];
const LIST_ATTRIBUTES: readonly string[] = [
  HfAttribute.Roles,
  HfAttribute.DelegateRoles,
  HfAttribute.RegistrarAttributes,
];
const FIXED_ATTRIBUTES: readonly string[] = [
  HfAttribute.EnrollmentID,
  HfAttribute.Type,
  HfAttribute.Affiliation,
];

export interface RegistrationRequest {
  readonly type: string;
  readonly affiliation: string;
  readonly attrs: readonly RegisteredAttribute[];
}

/** True when `caller` (dotted) is `target` or one of its ancestors; "" is the root and covers all. */
export function affiliationCovers(caller: string, target: string): boolean {
  return caller === '' || target === caller || target.startsWith(`${caller}.`);
}

/** True when the affiliation is the root or appears (itself or as an ancestor of a configured one) in the tree. */
export function affiliationExists(affiliation: string, tree: readonly string[]): boolean {
  return affiliation === '' || tree.some((known) => affiliationCovers(affiliation, known));
}

/** Whether a `hf.Registrar.Attributes`-style pattern list allows the name ("*" and "prefix*" wildcards). */
export function patternAllows(patterns: readonly string[], name: string): boolean {
  return patterns.some((pattern) =>
    pattern.endsWith('*') ? name.startsWith(pattern.replace(/\*+$/, '')) : pattern === name,
  );
}

function isSubset(requested: readonly string[], held: readonly string[]): boolean {
  return requested.every((value) => held.includes(value));
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(true|t|1)$/i.test(value.trim());
}

/** Throws CaError (403 Authorization failure, or 400 for a malformed value) when not allowed. */
export function authorizeRegistration(registrar: IdentityRecord, request: RegistrationRequest): void {
  const roles = listAttribute(registrar, HfAttribute.Roles);
  if (roles.length === 0) throw authorizationFailure(`'${registrar.id}' is not a registrar`);
  if (!roles.includes('*') && !roles.includes(request.type)) {
    throw authorizationFailure(`'${registrar.id}' may not register type '${request.type}'`);
  }
  if (!affiliationCovers(registrar.affiliation, request.affiliation)) {
    throw authorizationFailure(`'${registrar.id}' may not register in affiliation '${request.affiliation}'`);
  }
  if (request.attrs.length === 0) return;
  const allowed = listAttribute(registrar, HfAttribute.RegistrarAttributes);
  for (const attr of request.attrs) authorizeAttribute(registrar, allowed, attr, request.attrs);
}

function authorizeAttribute(
  registrar: IdentityRecord,
  allowed: readonly string[],
  attr: RegisteredAttribute,
  all: readonly RegisteredAttribute[],
): void {
  const deny = (why: string) =>
    authorizationFailure(`'${registrar.id}' may not register '${attr.name}': ${why}`);
  if (!patternAllows(allowed, attr.name)) throw deny('not in hf.Registrar.Attributes');
  if (FIXED_ATTRIBUTES.includes(attr.name)) throw deny('fixed-value attribute');
  if (BOOLEAN_ATTRIBUTES.includes(attr.name)) {
    if (!isTrue(attributeValue(registrar, attr.name))) throw deny('registrar does not hold it');
    if (attr.value !== '' && !/^(true|false|t|f|1|0)$/i.test(attr.value)) {
      throw badRequest(`attribute '${attr.name}' must be a boolean`);
    }
    return;
  }
  if (LIST_ATTRIBUTES.includes(attr.name)) {
    if (attr.value === '') return;
    const requested = splitList(attr.value);
    if (attr.name === HfAttribute.RegistrarAttributes) {
      for (const name of requested) {
        if (!patternAllows(allowed, name)) throw deny(`value '${name}' exceeds the registrar's`);
        // Delegating an hf.* attribute name requires the new identity to hold that attribute itself.
        if (name.startsWith('hf.') && !all.some((other) => other.name === name)) {
          throw deny(`value '${name}' is not held by the new identity`);
        }
      }
      return;
    }
    const held = listAttribute(registrar, attr.name);
    if (!held.includes('*') && !isSubset(requested, held)) throw deny("exceeds the registrar's own value");
    if (attr.name === HfAttribute.DelegateRoles) {
      const newRoles = splitList(all.find((other) => other.name === HfAttribute.Roles)?.value ?? '');
      if (!newRoles.includes('*') && !isSubset(requested, newRoles))
        throw deny('delegate roles exceed roles');
    }
    return;
  }
  if (attr.name.startsWith('hf.')) throw deny('unsupported reserved attribute');
}

/** The attributes Fabric CA registers for every identity on top of the requested ones (in ecerts by default). */
export function standardAttributes(id: string, type: string, affiliation: string): RegisteredAttribute[] {
  return [
    { name: HfAttribute.EnrollmentID, value: id, ecert: true },
    { name: HfAttribute.Type, value: type, ecert: true },
    { name: HfAttribute.Affiliation, value: affiliation, ecert: true },
  ];
}

/** The bootstrap administrator's privileges, as fabric-ca-server gives its `-b` identity. */
export function bootstrapAttributes(): RegisteredAttribute[] {
  return [
    { name: HfAttribute.Roles, value: '*', ecert: false },
    { name: HfAttribute.DelegateRoles, value: '*', ecert: false },
    { name: HfAttribute.RegistrarAttributes, value: '*', ecert: false },
    { name: HfAttribute.Revoker, value: 'true', ecert: false },
    { name: HfAttribute.IntermediateCA, value: 'true', ecert: false },
    { name: HfAttribute.GenCRL, value: 'true', ecert: false },
    { name: HfAttribute.AffiliationMgr, value: 'true', ecert: false },
  ];
}

/** Unknown affiliation: Fabric CA answers with a lookup failure. */
export function unknownAffiliation(affiliation: string) {
  return badRequest(`Failed getting affiliation '${affiliation}'`, FabricCaCode.GettingAffiliation);
}
