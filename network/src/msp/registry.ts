import { X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { msp } from '@hyperledger/fabric-protos';
import {
  boundedMemo,
  normaliseSerial,
  PEM_MEMO,
  readCertificate,
  MspError,
  MspErrorCode,
} from '@custodia/ledger';
import type { CertificateInfo } from '@custodia/ledger';

/** An identity the registry accepted: who it is and the key to check its signatures with. */
export interface ValidatedIdentity extends CertificateInfo {
  readonly mspId: string;
  /** PEM, exactly as presented. */
  readonly certificate: string;
  readonly publicKey: KeyObject;
}

interface MspEntry {
  readonly roots: readonly X509Certificate[];
  readonly rootPems: readonly string[];
  readonly revoked: Set<string>;
}

type ChainChecked = ValidatedIdentity;

/**
 * The channel's MSPs as a peer sees them: mspId → CA certificates and revoked serials. Validates
 * creators the way Fabric does for proposals: the certificate must chain to that MSP's CA, be a leaf
 * (not a CA), be within its validity period and not be revoked.
 */
export class MspRegistry {
  private readonly msps = new Map<string, MspEntry>();
  /**
   * Chain verification is the expensive part and its answer does not change (roots are only ever added); time and
   * revocation do, and are checked on every call. Keyed by MSP id and PEM; refusals are not kept.
   */
  private readonly chainChecked = boundedMemo(PEM_MEMO, (key): ChainChecked => {
    const at = key.indexOf('\n');
    const mspId = key.slice(0, at);
    return this.checkChain(mspId, this.entry(mspId), key.slice(at + 1));
  });

  /** Adds (or extends) an MSP with its root CA certificate(s). */
  add(mspId: string, caCertificates: string | readonly string[]): void {
    const pems = typeof caCertificates === 'string' ? [caCertificates] : [...caCertificates];
    const roots = pems.map((pem) => {
      let cert: X509Certificate;
      try {
        cert = new X509Certificate(pem);
      } catch {
        throw new MspError(MspErrorCode.InvalidKey, 'MSP root is not a PEM certificate');
      }
      if (!cert.ca) throw new MspError(MspErrorCode.InvalidKey, 'MSP root is not a CA certificate');
      return cert;
    });
    const existing = this.msps.get(mspId);
    this.msps.set(mspId, {
      roots: [...(existing?.roots ?? []), ...roots],
      rootPems: [...(existing?.rootPems ?? []), ...pems],
      revoked: existing?.revoked ?? new Set(),
    });
  }

  has(mspId: string): boolean {
    return this.msps.has(mspId);
  }

  mspIds(): string[] {
    return [...this.msps.keys()];
  }

  caCertificates(mspId: string): readonly string[] {
    return this.entry(mspId).rootPems;
  }

  /** Marks a certificate serial (any hex form) as revoked for that MSP. */
  revoke(mspId: string, serialNumber: string): void {
    this.entry(mspId).revoked.add(normaliseSerial(serialNumber));
  }

  isRevoked(mspId: string, serialNumber: string): boolean {
    return this.entry(mspId).revoked.has(normaliseSerial(serialNumber));
  }

  /** Validates a serialized `msp.SerializedIdentity` (a proposal's or envelope's creator). */
  validate(serializedIdentity: Uint8Array, at: Date = new Date()): ValidatedIdentity {
    let mspId: string;
    let idBytes: Uint8Array;
    try {
      const identity = msp.SerializedIdentity.deserializeBinary(serializedIdentity);
      mspId = identity.getMspid();
      idBytes = identity.getIdBytes_asU8();
    } catch {
      throw new MspError(MspErrorCode.MalformedIdentity, 'creator is not a serialized identity');
    }
    return this.validateCertificate(mspId, new TextDecoder().decode(idBytes), at);
  }

  /** Validates a PEM certificate claimed to belong to `mspId`. */
  validateCertificate(mspId: string, certificate: string, at: Date = new Date()): ValidatedIdentity {
    const entry = this.entry(mspId);
    const identity = this.chainChecked(`${mspId}\n${certificate}`);
    if (at < identity.notBefore) {
      throw new MspError(MspErrorCode.NotYetValid, 'identity certificate is not yet valid');
    }
    if (at > identity.notAfter) throw new MspError(MspErrorCode.Expired, 'identity certificate has expired');
    if (entry.revoked.has(identity.serialNumber)) {
      throw new MspError(MspErrorCode.Revoked, 'identity certificate has been revoked');
    }
    return identity;
  }

  private entry(mspId: string): MspEntry {
    const entry = this.msps.get(mspId);
    if (!entry) throw new MspError(MspErrorCode.UnknownMsp, `unknown MSP ${JSON.stringify(mspId)}`);
    return entry;
  }

  private checkChain(mspId: string, entry: MspEntry, pem: string): ChainChecked {
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
      throw new MspError(MspErrorCode.MalformedIdentity, 'identity is not a PEM certificate');
    }
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(pem);
    } catch {
      throw new MspError(MspErrorCode.MalformedIdentity, 'identity is not a well-formed X.509 certificate');
    }
    if (cert.ca) throw new MspError(MspErrorCode.CaCertificate, 'a CA certificate cannot sign');
    const trusted = entry.roots.some((root) => cert.checkIssued(root) && cert.verify(root.publicKey));
    if (!trusted) {
      throw new MspError(
        MspErrorCode.UntrustedIssuer,
        `identity was not issued by MSP ${JSON.stringify(mspId)}`,
      );
    }
    // Read (and so kept in readCertificate's memo) only once the MSP's CA vouches for it: whatever else arrives at the
    // peer is not kept.
    const info = readCertificate(pem);
    if (info.isCa) throw new MspError(MspErrorCode.CaCertificate, 'a CA certificate cannot sign');
    return { ...info, mspId, certificate: pem, publicKey: cert.publicKey };
  }
}
