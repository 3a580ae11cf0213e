/** The CA's registry of identities and issued certificates, as persisted. Pure data and lookups. */

export interface RegisteredAttribute {
  readonly name: string;
  readonly value: string;
  /** Put in enrolment certificates when the enrolment does not request attributes explicitly. */
  readonly ecert: boolean;
}

export interface IdentityRecord {
  readonly id: string;
  readonly type: string;
  readonly affiliation: string;
  readonly attrs: readonly RegisteredAttribute[];
  readonly secretHash: string;
  /** -1: unlimited. */
  readonly maxEnrollments: number;
  enrollments: number;
  failedAttempts: number;
  /** A revoked identity can no longer enrol or authenticate (Fabric CA state -1). */
  revoked: boolean;
}

export interface CertificateRecord {
  /** Lowercase hex, no leading zeros. */
  readonly serial: string;
  /** Lowercase hex. */
  readonly aki: string;
  readonly id: string;
  readonly notAfter: string;
  revokedAt?: string;
  reason?: number;
}

export interface CaState {
  readonly version: 1;
  readonly identities: Record<string, IdentityRecord>;
  readonly certificates: Record<string, CertificateRecord>;
}

export function emptyState(): CaState {
  return { version: 1, identities: {}, certificates: {} };
}

export function attributeValue(identity: IdentityRecord, name: string): string | undefined {
  return identity.attrs.find((attr) => attr.name === name)?.value;
}

/** Comma-separated list attribute (hf.Registrar.Roles …) as trimmed values. */
export function listAttribute(identity: IdentityRecord, name: string): string[] {
  return splitList(attributeValue(identity, name) ?? '');
}

export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export function certificatesOf(state: CaState, id: string): CertificateRecord[] {
  return Object.values(state.certificates).filter((cert) => cert.id === id);
}
