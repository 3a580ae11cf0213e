/** Users of the gateway and what a verified access token says about one. */
import type { Role } from '@custodia/chaincode';

/**
 * Who a patient is, as their home organisation knows them: the identification set released with every record so
 * that a clinician can identify the person in front of them (IPS Patient). Sealed at rest, never logged, never on
 * the ledger.
 */
export interface PersonIdentification {
  readonly given: readonly string[];
  readonly family: string;
  /** `YYYY-MM-DD`. */
  readonly birthDate: string;
  /** FHIR administrative gender. */
  readonly gender: 'male' | 'female' | 'other' | 'unknown';
}

export interface User {
  /** Stable internal id (UUID). */
  readonly userId: string;
  /** Login name, lowercase. May be a person's name: sealed at rest, never logged. */
  readonly username: string;
  /** May be a person's name: sealed at rest, never logged. */
  readonly displayName: string;
  /** Where notices are sent (e.g. an emergency access to a patient's record); sealed at rest, never logged. */
  readonly email?: string;
  /** Patients: their identification set. */
  readonly person?: PersonIdentification;
  readonly role: Role;
  /** The user's organisation (MSP id). */
  readonly mspId: string;
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
  /** `custodia.id` on the user's certificate; for a patient, their patient id. */
  readonly ledgerId: string;
  readonly mfaEnabled: boolean;
  readonly disabled: boolean;
}

/** The claims of a verified access token: enough to authorise a route and pick the ledger identity. */
export interface AuthUser {
  readonly userId: string;
  readonly username: string;
  readonly role: Role;
  readonly mspId: string;
  readonly country: string;
  readonly ledgerId: string;
}

/** The token claims of a user (or of any record carrying a user's fields). */
export function authUserOf(user: AuthUser): AuthUser {
  return {
    userId: user.userId,
    username: user.username,
    role: user.role,
    mspId: user.mspId,
    country: user.country,
    ledgerId: user.ledgerId,
  };
}
