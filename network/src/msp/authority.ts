import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  KeyObject,
  randomBytes,
  webcrypto,
  X509Certificate,
} from 'node:crypto';
import { x509, FABRIC_ATTRIBUTES_OID, encodeAttributes, MspError, MspErrorCode } from '@custodia/ledger';
import type { Attributes, Identity } from '@custodia/ledger';

type WebCryptoKey = webcrypto.CryptoKey;

const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;
const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const HOUR_MS = 3_600_000;
// Fabric CA defaults: CA certificate 131400h (15 years), enrolment certificates 8760h (1 year).
const CA_VALIDITY_MS = 131_400 * HOUR_MS;
const ENROLLMENT_VALIDITY_MS = 8_760 * HOUR_MS;
// cfssl (inside Fabric CA) backdates notBefore so that peers with a slightly slow clock accept new certs.
const BACKDATE_MS = 5 * 60_000;

export interface CreateAuthorityOptions {
  readonly mspId: string;
  /** Default `ca.<mspId lowercased>`. */
  readonly commonName?: string;
  /** ISO 3166 alpha-2, put in the CA subject (C=). */
  readonly country?: string;
  /** Subject O=; default the MSP id. */
  readonly organization?: string;
}

/** What a CA needs to be restored after a restart. Contains the CA's private key: store it protected. */
export interface AuthorityMaterial {
  readonly mspId: string;
  readonly certificate: string;
  readonly privateKey: string;
}

export interface IssueOptions {
  /** Becomes the subject CN and `hf.EnrollmentID`. */
  readonly enrollmentId: string;
  /** Custom attributes; the CA's own `hf.EnrollmentID`, `hf.Type`, `hf.Affiliation` always win. */
  readonly attrs?: Attributes;
  /** Identity type, first subject OU and `hf.Type` (Fabric NodeOUs: client, peer, admin, orderer). Default client. */
  readonly ou?: string;
  /** Dotted affiliation (e.g. `org1.department1`): `hf.Affiliation` and one further OU per component. */
  readonly affiliation?: string;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

/** Certificate profile, as in Fabric CA's signing section: enrolment (default) or TLS. */
export type CertificateProfile = 'ecert' | 'tls';

export interface CertifyOptions {
  readonly enrollmentId: string;
  /** The subject's public key (from a CSR): a KeyObject, a WebCrypto key or SPKI DER. */
  readonly publicKey: KeyObject | WebCryptoKey | Uint8Array;
  /** Embedded verbatim in extension 1.2.3.4.5.6.7.8.1 (left out when empty), as the CA server selected them. */
  readonly attrs: Attributes;
  /** Identity type: first subject OU. Default client. */
  readonly ou?: string;
  /** Dotted affiliation: one further subject OU per component. */
  readonly affiliation?: string;
  /** DNS names / IPs for subjectAltName, as Fabric CA copies them from the CSR hosts. */
  readonly hosts?: readonly string[];
  readonly profile?: CertificateProfile;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

/** One revoked certificate for a CRL. */
export interface CrlEntry {
  readonly serialNumber: string;
  readonly revokedAt: Date;
  /** RFC 5280 CRLReason code (0 unspecified, 1 keyCompromise, …). */
  readonly reason?: number;
}

function pem(label: string, der: ArrayBuffer | Uint8Array): string {
  const base64 = Buffer.from(der instanceof Uint8Array ? der : new Uint8Array(der)).toString('base64');
  return `-----BEGIN ${label}-----\n${base64.replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;
}

/** Positive 20-byte serial, as cfssl generates. */
function randomSerial(): string {
  const bytes = randomBytes(20);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes.toString('hex');
}

function spki(publicKey: KeyObject | WebCryptoKey | Uint8Array): ArrayBuffer | WebCryptoKey {
  if (publicKey instanceof KeyObject) {
    const der = publicKey.export({ type: 'spki', format: 'der' });
    return der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength) as ArrayBuffer;
  }
  if (publicKey instanceof Uint8Array) {
    return publicKey.buffer.slice(
      publicKey.byteOffset,
      publicKey.byteOffset + publicKey.byteLength,
    ) as ArrayBuffer;
  }
  return publicKey;
}

function isP256(key: KeyObject): boolean {
  return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
}

/**
 * An organisation's certificate authority, issuing certificates shaped like Fabric CA's: the CA
 * certificate is self-signed with basicConstraints CA (pathlen 1), keyUsage certSign/cRLSign and an SKI;
 * enrolment certificates carry keyUsage digitalSignature, AKI, OU = type (+ affiliation), CN = enrolment id
 * and the attribute extension 1.2.3.4.5.6.7.8.1.
 */
export class CertificateAuthority {
  private signingKey: Promise<WebCryptoKey> | undefined;

  private constructor(
    readonly mspId: string,
    /** CA certificate, PEM. */
    readonly certificate: string,
    private readonly privateKeyPem: string,
    private readonly keyIdentifier: string,
    private readonly subject: x509.Name,
  ) {}

  static async create(options: CreateAuthorityOptions): Promise<CertificateAuthority> {
    const keys = (await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, [
      'sign',
      'verify',
    ])) as webcrypto.CryptoKeyPair;
    const names: x509.JsonName = [];
    if (options.country) names.push({ C: [options.country] });
    names.push({ O: [options.organization ?? options.mspId] });
    names.push({ CN: [options.commonName ?? `ca.${options.mspId.toLowerCase()}`] });
    const now = Date.now();
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: randomSerial(),
      name: names,
      notBefore: new Date(now - BACKDATE_MS),
      notAfter: new Date(now + CA_VALIDITY_MS),
      signingAlgorithm: SIGNING_ALGORITHM,
      keys,
      extensions: [
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        new x509.BasicConstraintsExtension(true, 1, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    const privateKey = pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
    return CertificateAuthority.load({ mspId: options.mspId, certificate: cert.toString('pem'), privateKey });
  }

  /** Restores a persisted CA; throws MspError when the key does not belong to the certificate. */
  static load(material: AuthorityMaterial): CertificateAuthority {
    let cert: x509.X509Certificate;
    let privateKey: KeyObject;
    try {
      cert = new x509.X509Certificate(material.certificate);
      privateKey = createPrivateKey(material.privateKey);
    } catch {
      throw new MspError(MspErrorCode.InvalidKey, 'CA material is not a PEM certificate and PKCS#8 key');
    }
    const ski = cert.getExtension(x509.SubjectKeyIdentifierExtension);
    const basic = cert.getExtension(x509.BasicConstraintsExtension);
    if (!ski || !basic?.ca || !isP256(privateKey)) {
      throw new MspError(MspErrorCode.InvalidKey, 'CA material is not a P-256 CA certificate with an SKI');
    }
    const spkiOf = (key: KeyObject): Buffer => key.export({ type: 'spki', format: 'der' });
    if (
      !spkiOf(createPublicKey(privateKey)).equals(spkiOf(new X509Certificate(material.certificate).publicKey))
    ) {
      throw new MspError(MspErrorCode.InvalidKey, 'CA private key does not match the CA certificate');
    }
    return new CertificateAuthority(
      material.mspId,
      cert.toString('pem'),
      material.privateKey,
      ski.keyId,
      cert.subjectName,
    );
  }

  /** The material to persist and later pass to `load`. */
  material(): AuthorityMaterial {
    return { mspId: this.mspId, certificate: this.certificate, privateKey: this.privateKeyPem };
  }

  /** A new key pair and its enrolment certificate. */
  async issue(options: IssueOptions): Promise<Identity> {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const type = options.ou ?? 'client';
    const affiliation = options.affiliation ?? '';
    const certificate = await this.certify({
      ...options,
      publicKey,
      ou: type,
      affiliation,
      // What Fabric CA puts in an ecert by default: the custom ecert attributes plus the three hf.* ones.
      attrs: {
        ...options.attrs,
        'hf.EnrollmentID': options.enrollmentId,
        'hf.Type': type,
        'hf.Affiliation': affiliation,
      },
    });
    return {
      mspId: this.mspId,
      certificate,
      privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    };
  }

  /** An enrolment certificate (PEM) for a key the subject already holds, e.g. from a CSR. */
  async certify(options: CertifyOptions): Promise<string> {
    const affiliation = options.affiliation ?? '';
    const ous = [options.ou ?? 'client', ...affiliation.split('.').filter((part) => part !== '')];
    const now = Date.now();
    const tls = options.profile === 'tls';
    const usages = tls
      ? x509.KeyUsageFlags.digitalSignature |
        x509.KeyUsageFlags.keyEncipherment |
        x509.KeyUsageFlags.keyAgreement
      : x509.KeyUsageFlags.digitalSignature;
    const extensions: x509.Extension[] = [
      new x509.KeyUsagesExtension(usages, true),
      new x509.BasicConstraintsExtension(false, undefined, true),
      await x509.SubjectKeyIdentifierExtension.create(spki(options.publicKey)),
      new x509.AuthorityKeyIdentifierExtension(this.keyIdentifier),
    ];
    if (options.hosts && options.hosts.length > 0) {
      extensions.push(
        new x509.SubjectAlternativeNameExtension(
          options.hosts.map((host) =>
            /^[0-9.]+$|:/.test(host) ? { type: 'ip', value: host } : { type: 'dns', value: host },
          ),
        ),
      );
    }
    if (tls) {
      extensions.push(
        new x509.ExtendedKeyUsageExtension([
          x509.ExtendedKeyUsage.serverAuth,
          x509.ExtendedKeyUsage.clientAuth,
        ]),
      );
    }
    if (Object.keys(options.attrs).length > 0) {
      extensions.push(new x509.Extension(FABRIC_ATTRIBUTES_OID, false, encodeAttributes(options.attrs)));
    }
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: randomSerial(),
      // Go's pkix.Name puts all OUs in one multi-valued RDN, before CN.
      subject: [{ OU: ous }, { CN: [options.enrollmentId] }],
      issuer: this.subject,
      notBefore: options.notBefore ?? new Date(now - BACKDATE_MS),
      notAfter: options.notAfter ?? new Date(now + ENROLLMENT_VALIDITY_MS),
      signingAlgorithm: SIGNING_ALGORITHM,
      publicKey: spki(options.publicKey),
      signingKey: await this.key(),
      extensions,
    });
    return cert.toString('pem');
  }

  /** A CRL (PEM) signed by this CA, with an AKI, as Fabric CA's gencrl produces. */
  async createCrl(
    entries: readonly CrlEntry[],
    options: { readonly thisUpdate?: Date; readonly nextUpdate?: Date } = {},
  ): Promise<string> {
    const thisUpdate = options.thisUpdate ?? new Date();
    const crl = await x509.X509CrlGenerator.create({
      issuer: this.subject,
      thisUpdate,
      // Fabric CA's crl.expiry default: 24h.
      nextUpdate: options.nextUpdate ?? new Date(thisUpdate.getTime() + 24 * HOUR_MS),
      signingAlgorithm: SIGNING_ALGORITHM,
      signingKey: await this.key(),
      extensions: [new x509.AuthorityKeyIdentifierExtension(this.keyIdentifier)],
      entries: entries.map((entry) => ({
        serialNumber: entry.serialNumber,
        revocationDate: entry.revokedAt,
        ...(entry.reason !== undefined && entry.reason > 0 ? { reason: entry.reason } : {}),
      })),
    });
    // Go and OpenSSL label CRLs "X509 CRL"; @peculiar/x509 writes "CRL".
    return pem('X509 CRL', crl.rawData);
  }

  /** Hex key identifier of this CA (its SKI; the AKI of everything it issues). */
  get authorityKeyIdentifier(): string {
    return this.keyIdentifier;
  }

  private key(): Promise<WebCryptoKey> {
    this.signingKey ??= webcrypto.subtle.importKey(
      'pkcs8',
      createPrivateKey(this.privateKeyPem).export({ type: 'pkcs8', format: 'der' }),
      KEY_ALGORITHM,
      false,
      ['sign'],
    );
    return this.signingKey;
  }
}
