/**
 * The server side of Fabric's MSP in the embedded network: certificate authorities and the channel's registry of
 * organisations that validates identities. What a client needs (identities, signatures, certificate reading) is
 * `@custodia/ledger`'s.
 */
export { CertificateAuthority } from './authority';
export type {
  AuthorityMaterial,
  CertificateProfile,
  CertifyOptions,
  CreateAuthorityOptions,
  CrlEntry,
  IssueOptions,
} from './authority';
export { MspRegistry } from './registry';
export type { ValidatedIdentity } from './registry';
