import { createPublicKey } from 'node:crypto';
import { x509 } from '@custodia/ledger';
import { badRequest, FabricCaCode } from './errors';

/** What the CA takes from a PKCS#10 request: who it claims to be, its key and requested host names. */
export interface CertificateRequest {
  readonly commonName: string;
  /** SPKI DER. */
  readonly publicKey: Uint8Array;
  readonly hosts: readonly string[];
}

const SUBJECT_ALT_NAME_OID = '2.5.29.17';

function badCsr(message: string) {
  return badRequest(message, FabricCaCode.BadCsr);
}

/** Parses and checks a PEM CSR (self-signature valid, ECDSA P-256 key); throws CaError(400, code 31). */
export async function readCertificateRequest(pem: string): Promise<CertificateRequest> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(pem);
  } catch {
    throw badCsr('certificate_request is not a PEM PKCS#10 certificate request');
  }
  if (!(await csr.verify().catch(() => false))) throw badCsr('certificate request signature is invalid');
  const publicKey = new Uint8Array(csr.publicKey.rawData);
  const key = createPublicKey({ key: Buffer.from(publicKey), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw badCsr('certificate request key must be ECDSA P-256');
  }
  const sanExtension = csr.getExtension(SUBJECT_ALT_NAME_OID);
  const san = sanExtension ? new x509.SubjectAlternativeNameExtension(sanExtension.rawData) : undefined;
  const hosts = (san?.names.items ?? [])
    .filter((name) => name.type === 'dns' || name.type === 'ip')
    .map((name) => name.value);
  return { commonName: csr.subjectName.getField('CN')[0] ?? '', publicKey, hosts };
}
