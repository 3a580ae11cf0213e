export type { Identity } from './identity';
export { CertificateAuthority } from './authority';
export type {
  AuthorityMaterial,
  CertificateProfile,
  CertifyOptions,
  CreateAuthorityOptions,
  CrlEntry,
  IssueOptions,
} from './authority';
export { sign, verify } from './signature';
export { FABRIC_ATTRIBUTES_OID, decodeAttributes, encodeAttributes } from './attributes';
export type { Attributes } from './attributes';
export { isIssuedBy, normaliseSerial, readCertificate } from './certificate';
export type { CertificateInfo } from './certificate';
export { MspRegistry } from './registry';
export type { ValidatedIdentity } from './registry';
export { MspError, MspErrorCode } from './errors';
