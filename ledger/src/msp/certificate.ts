import { X509Certificate } from 'node:crypto';
import { x509 } from './x509';
import { FABRIC_ATTRIBUTES_OID, decodeAttributes } from './attributes';
import type { Attributes } from './attributes';
import { MspError, MspErrorCode } from './errors';
import { boundedMemo, PEM_MEMO } from './bounded-memo';

/** What the platform reads from an enrolment certificate. */
export interface CertificateInfo {
  /** Subject CN: the enrolment id in Fabric CA certificates. */
  readonly enrollmentId: string;
  /** Subject OUs in order: identity type first (client, peer, admin, orderer), then affiliation. */
  readonly organizationalUnits: readonly string[];
  /** Lowercase hex without leading zeros, the form Fabric CA stores and revokes by. */
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly isCa: boolean;
  readonly attrs: Attributes;
}

/** Canonical serial form: lowercase hex, no leading zeros (Fabric CA's `%x`). */
export function normaliseSerial(serial: string): string {
  const trimmed = serial
    .toLowerCase()
    .replace(/[^0-9a-f]/g, '')
    .replace(/^0+/, '');
  return trimmed === '' ? '0' : trimmed;
}

function malformed(): MspError {
  return new MspError(MspErrorCode.MalformedIdentity, 'identity is not a well-formed X.509 certificate');
}

/** Certificates whose fields are kept once read (see bounded-memo.ts). */
const readPem = boundedMemo(PEM_MEMO, (pem) => Object.freeze(parseCertificate(pem)));

/**
 * Parses a PEM or DER certificate; throws MspError(MSP_IDENTITY_MALFORMED). A PEM read before is answered from
 * memory (a copy: the caller may change what it gets).
 */
export function readCertificate(certificate: string | Uint8Array): CertificateInfo {
  if (typeof certificate !== 'string') return parseCertificate(certificate);
  const info = readPem(certificate);
  return {
    ...info,
    organizationalUnits: [...info.organizationalUnits],
    notBefore: new Date(info.notBefore),
    notAfter: new Date(info.notAfter),
    attrs: { ...info.attrs },
  };
}

function parseCertificate(certificate: string | Uint8Array): CertificateInfo {
  let cert: x509.X509Certificate;
  try {
    cert = new x509.X509Certificate(typeof certificate === 'string' ? certificate : Buffer.from(certificate));
  } catch {
    throw malformed();
  }
  const attrExtension = cert.getExtension(FABRIC_ATTRIBUTES_OID);
  const attrs = attrExtension ? decodeAttributes(new Uint8Array(attrExtension.value)) : {};
  if (!attrs) throw malformed();
  const basic = cert.getExtension(x509.BasicConstraintsExtension);
  return {
    enrollmentId: cert.subjectName.getField('CN')[0] ?? '',
    organizationalUnits: cert.subjectName.getField('OU'),
    serialNumber: normaliseSerial(cert.serialNumber),
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    isCa: basic?.ca ?? false,
    attrs,
  };
}

/**
 * True when `certificate` names `caCertificate` as issuer (name and key identifier) and carries its
 * valid signature, and `caCertificate` is a CA. Synchronous: it sits on the proposal-validation path.
 */
export function isIssuedBy(certificate: string | Uint8Array, caCertificate: string | Uint8Array): boolean {
  try {
    const cert = new X509Certificate(certificate);
    const ca = new X509Certificate(caCertificate);
    return ca.ca && cert.checkIssued(ca) && cert.verify(ca.publicKey);
  } catch {
    return false;
  }
}
