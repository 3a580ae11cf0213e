/** What a client needs of Fabric's MSP: its signing identity, ECDSA signatures as Fabric wants them, certificates. */
export type { Identity } from './identity';
export { sign, verify } from './signature';
export { FABRIC_ATTRIBUTES_OID, decodeAttributes, encodeAttributes } from './attributes';
export type { Attributes } from './attributes';
export { isIssuedBy, normaliseSerial, readCertificate } from './certificate';
export type { CertificateInfo } from './certificate';
export { boundedMemo, PEM_MEMO } from './bounded-memo';
export type { MemoBounds } from './bounded-memo';
export { MspError, MspErrorCode } from './errors';
export { x509 } from './x509';
