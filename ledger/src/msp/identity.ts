/** A signing identity: an X.509 enrolment certificate and its private key, as a Fabric wallet holds it. */
export interface Identity {
  readonly mspId: string;
  /** PEM, X.509 ECDSA P-256. */
  readonly certificate: string;
  /** PKCS#8 PEM (`crypto.createPrivateKey(pem)` and fabric-gateway signers accept it). */
  readonly privateKey: string;
}
