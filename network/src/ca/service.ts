import { isIssuedBy, normaliseSerial, readCertificate } from '@custodia/ledger';
import type { CertificateAuthority, CertificateProfile } from '../msp';
import { resolveCaConfig } from './config';
import type { CaConfig, CaOptions } from './config';
import { readCertificateRequest } from './csr';
import { selectCertificateAttributes } from './ecert-attributes';
import {
  authenticationFailure,
  authorizationFailure,
  badRequest,
  CaError,
  CaErrorCode,
  FabricCaCode,
} from './errors';
import {
  affiliationCovers,
  affiliationExists,
  authorizeRegistration,
  bootstrapAttributes,
  HfAttribute,
  standardAttributes,
  unknownAffiliation,
} from './registration';
import { generateSecret, hashSecret, verifySecret } from './secrets';
import { attributeValue, certificatesOf, emptyState } from './state';
import type { CaState, CertificateRecord, IdentityRecord, RegisteredAttribute } from './state';
import { CaStore } from './store';
import { verifyToken } from './token';
import type { TokenRequest } from './token';
import type {
  CaInfoResult,
  EnrollBody,
  EnrollResult,
  GenCrlBody,
  RegisterBody,
  RevokeBody,
  RevokeResult,
} from './wire';

/** Receives every revoked certificate serial (e.g. an MspRegistry, so the network refuses it at once). */
export interface RevocationSink {
  revoke(mspId: string, serialNumber: string): void;
}

/** Structured log sink (pino-compatible); identifiers only. */
export interface CaLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface CaServiceOptions {
  readonly revocations?: RevocationSink;
  readonly logger?: CaLogger;
}

/** The Fabric CA API level this server answers like (reported in cainfo's Version). */
const FABRIC_CA_API_VERSION = '1.5.7';

// RFC 5280 CRLReason codes by the names Fabric CA accepts (Go's ocsp.RevocationReasonCodes).
const REVOCATION_REASONS: Readonly<Record<string, number>> = {
  unspecified: 0,
  keycompromise: 1,
  cacompromise: 2,
  affiliationchange: 3,
  superseded: 4,
  cessationofoperation: 5,
  certificatehold: 6,
  removefromcrl: 8,
  privilegewithdrawn: 9,
  aacompromise: 10,
};

// Verified against when the enrolment id is unknown, so that timing does not reveal which ids exist.
let unknownIdHash: Promise<string> | undefined;
function placeholderHash(): Promise<string> {
  unknownIdHash ??= hashSecret(generateSecret());
  return unknownIdHash;
}

const silentLogger: CaLogger = { info: () => undefined, warn: () => undefined };

function normaliseHex(value: string): string {
  return value.toLowerCase().replace(/^0+/, '');
}

function revocationReason(reason: string | null | undefined): number {
  if (reason === undefined || reason === null || reason === '') return 0;
  const code = REVOCATION_REASONS[reason.toLowerCase()];
  if (code === undefined) throw badRequest(`Invalid reason '${reason}'`);
  return code;
}

function profileOf(profile: string | undefined): CertificateProfile {
  if (profile === undefined || profile === '' || profile === 'ecert') return 'ecert';
  if (profile === 'tls') return 'tls';
  throw badRequest(`Invalid profile '${profile}'`);
}

/**
 * One organisation's enrolment authority: the Fabric CA operations over a persisted registry of
 * identities and certificates. Transport-free (the HTTP adapter is `server.ts`); mutations are serialised.
 */
export class CaService {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly config: CaConfig,
    readonly authority: CertificateAuthority,
    private readonly store: CaStore,
    private readonly state: CaState,
    private readonly revocations: RevocationSink | undefined,
    private readonly logger: CaLogger,
  ) {}

  /** Loads (or initialises) the CA under `dataDir`, adds the bootstrap registrar on first start. */
  static async open(options: CaOptions, extra: CaServiceOptions = {}): Promise<CaService> {
    const config = resolveCaConfig(options);
    const store = new CaStore(config.dataDir);
    const authority = await store.loadOrCreateAuthority({
      mspId: config.mspId,
      commonName: config.caName,
      ...(config.country ? { country: config.country } : {}),
    });
    const state = (await store.loadState()) ?? emptyState();
    const service = new CaService(
      config,
      authority,
      store,
      state,
      extra.revocations,
      extra.logger ?? silentLogger,
    );
    await service.bootstrap();
    for (const cert of Object.values(state.certificates)) {
      if (cert.revokedAt) extra.revocations?.revoke(config.mspId, cert.serial);
    }
    return service;
  }

  get mspId(): string {
    return this.config.mspId;
  }

  get caName(): string {
    return this.config.caName;
  }

  /** CA certificate, PEM. */
  get certificate(): string {
    return this.authority.certificate;
  }

  /** Serials (lowercase hex) of every certificate this CA revoked. */
  revokedSerials(): string[] {
    return Object.values(this.state.certificates)
      .filter((cert) => cert.revokedAt !== undefined)
      .map((cert) => cert.serial);
  }

  /** Refuses requests addressed to another CA name (the default CA answers an empty name). */
  checkCaName(caname: string | undefined): void {
    if (caname !== undefined && caname !== '' && caname !== this.config.caName) {
      throw new CaError(CaErrorCode.UnknownCa, 404, FabricCaCode.CaNotFound, `CA '${caname}' does not exist`);
    }
  }

  info(): CaInfoResult {
    return {
      CAName: this.config.caName,
      CAChain: Buffer.from(this.authority.certificate).toString('base64'),
      IssuerPublicKey: '',
      IssuerRevocationPublicKey: '',
      Version: FABRIC_CA_API_VERSION,
    };
  }

  /** POST /enroll with HTTP basic credentials. */
  enroll(
    credentials: { readonly id: string; readonly secret: string },
    body: EnrollBody,
  ): Promise<EnrollResult> {
    return this.exclusive(async () => {
      const identity = this.state.identities[credentials.id];
      const matches = await verifySecret(
        credentials.secret,
        identity?.secretHash ?? (await placeholderHash()),
      );
      if (!identity) throw authenticationFailure(`enroll: unknown identity '${credentials.id}'`);
      if (identity.revoked) throw authenticationFailure(`enroll: identity '${identity.id}' is revoked`);
      if (identity.failedAttempts >= this.config.incorrectPasswordAttempts) {
        throw authenticationFailure(`enroll: identity '${identity.id}' is locked after incorrect secrets`);
      }
      if (!matches) {
        identity.failedAttempts += 1;
        await this.persist();
        throw authenticationFailure(`enroll: incorrect secret for '${identity.id}'`);
      }
      if (identity.maxEnrollments !== -1 && identity.enrollments >= identity.maxEnrollments) {
        throw authenticationFailure(`enroll: '${identity.id}' reached its maximum enrollments`);
      }
      const result = await this.sign(identity, body);
      identity.enrollments += 1;
      identity.failedAttempts = 0;
      await this.persist();
      this.logger.info({ mspId: this.mspId, enrollmentId: identity.id }, 'enrolled');
      return result;
    });
  }

  /** Token authentication for register / reenroll / revoke / gencrl: returns the calling identity. */
  authenticate(token: TokenRequest, at: Date = new Date()): IdentityRecord {
    const certificate = verifyToken(token);
    if (!certificate) throw authenticationFailure('token signature invalid');
    if (!isIssuedBy(certificate, this.authority.certificate)) {
      throw authenticationFailure('token certificate not issued by this CA');
    }
    const info = readCertificate(certificate);
    if (at < info.notBefore || at > info.notAfter) throw authenticationFailure('token certificate expired');
    const record = this.state.certificates[info.serialNumber];
    if (!record) throw authenticationFailure('token certificate unknown to this CA');
    if (record.revokedAt) throw authenticationFailure(`token certificate ${record.serial} is revoked`);
    const identity = this.state.identities[record.id];
    if (!identity || identity.revoked)
      throw authenticationFailure(`identity '${record.id}' is revoked or gone`);
    return identity;
  }

  /** POST /reenroll: a new certificate for the authenticated caller (does not count as an enrolment). */
  reenroll(caller: IdentityRecord, body: EnrollBody): Promise<EnrollResult> {
    return this.exclusive(async () => {
      const result = await this.sign(caller, body);
      await this.persist();
      this.logger.info({ mspId: this.mspId, enrollmentId: caller.id }, 'reenrolled');
      return result;
    });
  }

  /** POST /register by an authenticated registrar; returns the (given or generated) secret. */
  register(caller: IdentityRecord, body: RegisterBody): Promise<{ secret: string }> {
    return this.exclusive(async () => {
      const type = body.type || 'client';
      const affiliation = body.affiliation || caller.affiliation;
      const attrs: RegisteredAttribute[] = (body.attrs ?? []).map((attr) => ({
        name: attr.name,
        value: attr.value,
        ecert: attr.ecert ?? false,
      }));
      if (new Set(attrs.map((attr) => attr.name)).size !== attrs.length) {
        throw badRequest('an attribute is listed more than once');
      }
      authorizeRegistration(caller, { type, affiliation, attrs });
      if (!affiliationExists(affiliation, this.config.affiliations)) throw unknownAffiliation(affiliation);
      if (this.state.identities[body.id]) {
        throw new CaError(
          CaErrorCode.AlreadyRegistered,
          409,
          FabricCaCode.Unknown,
          `Identity '${body.id}' is already registered`,
        );
      }
      const secret = body.secret || generateSecret();
      this.state.identities[body.id] = {
        id: body.id,
        type,
        affiliation,
        attrs: [...attrs, ...standardAttributes(body.id, type, affiliation)],
        secretHash: await hashSecret(secret),
        maxEnrollments: this.maxEnrollmentsFor(body.max_enrollments),
        enrollments: 0,
        failedAttempts: 0,
        revoked: false,
      };
      await this.persist();
      this.logger.info(
        { mspId: this.mspId, registrar: caller.id, enrollmentId: body.id, type },
        'registered',
      );
      return { secret };
    });
  }

  /** POST /revoke: a certificate (aki + serial) or an identity with all its certificates. */
  revoke(caller: IdentityRecord, body: RevokeBody): Promise<RevokeResult> {
    return this.exclusive(async () => {
      if (attributeValue(caller, HfAttribute.Revoker)?.toLowerCase() !== 'true') {
        throw authorizationFailure(`'${caller.id}' lacks hf.Revoker`);
      }
      const reason = revocationReason(body.reason);
      const targets = this.revocationTargets(caller, body);
      const now = new Date().toISOString();
      for (const cert of targets) {
        cert.revokedAt = now;
        cert.reason = reason;
      }
      await this.persist();
      for (const cert of targets) this.revocations?.revoke(this.mspId, cert.serial);
      this.logger.info(
        { mspId: this.mspId, revoker: caller.id, serials: targets.map((cert) => cert.serial) },
        'revoked',
      );
      return {
        RevokedCerts: targets.map((cert) => ({ Serial: cert.serial, AKI: cert.aki })),
        CRL: body.gencrl ? await this.crl({}) : '',
      };
    });
  }

  /** POST /gencrl by an identity holding hf.GenCRL; the CRL is base64 PEM. */
  async generateCrl(caller: IdentityRecord, body: GenCrlBody): Promise<{ CRL: string }> {
    if (attributeValue(caller, HfAttribute.GenCRL)?.toLowerCase() !== 'true') {
      throw authorizationFailure(`'${caller.id}' lacks hf.GenCRL`);
    }
    return { CRL: await this.crl(body) };
  }

  private revocationTargets(caller: IdentityRecord, body: RevokeBody): CertificateRecord[] {
    const id = body.id ?? '';
    if (body.serial && body.aki) {
      const cert = this.state.certificates[normaliseSerial(body.serial)];
      if (!cert || normaliseHex(cert.aki) !== normaliseHex(body.aki)) {
        throw new CaError(
          CaErrorCode.NotFound,
          404,
          FabricCaCode.RevokedCertNotFound,
          'Certificate not found',
        );
      }
      if (id !== '' && cert.id !== id) {
        throw badRequest('Certificate does not belong to the given identity', FabricCaCode.CertWrongOwner);
      }
      this.checkRevokerCovers(caller, cert.id);
      if (cert.revokedAt) {
        throw new CaError(
          CaErrorCode.AlreadyRevoked,
          400,
          FabricCaCode.CertAlreadyRevoked,
          'Certificate has already been revoked',
        );
      }
      return [cert];
    }
    if (id !== '') {
      const identity = this.state.identities[id];
      if (!identity) {
        throw new CaError(
          CaErrorCode.NotFound,
          404,
          FabricCaCode.RevokeIdNotFound,
          `Identity '${id}' not found`,
        );
      }
      this.checkRevokerCovers(caller, id);
      identity.revoked = true;
      return certificatesOf(this.state, id).filter((cert) => !cert.revokedAt);
    }
    throw badRequest('Either id, or aki and serial, are required', FabricCaCode.MissingRevokeArgs);
  }

  private checkRevokerCovers(caller: IdentityRecord, targetId: string): void {
    const target = this.state.identities[targetId];
    if (target && !affiliationCovers(caller.affiliation, target.affiliation)) {
      throw authorizationFailure(`'${caller.id}' may not revoke in affiliation '${target.affiliation}'`);
    }
  }

  private async crl(filter: GenCrlBody): Promise<string> {
    const within = (value: string, after?: string | null, before?: string | null) =>
      (!after || value > new Date(after).toISOString()) &&
      (!before || value < new Date(before).toISOString());
    const entries = Object.values(this.state.certificates)
      .filter(
        (cert): cert is CertificateRecord & { revokedAt: string } =>
          cert.revokedAt !== undefined &&
          within(cert.revokedAt, filter.revokedAfter, filter.revokedBefore) &&
          within(cert.notAfter, filter.expireAfter, filter.expireBefore),
      )
      .map((cert) => ({
        serialNumber: cert.serial,
        revokedAt: new Date(cert.revokedAt),
        ...(cert.reason !== undefined ? { reason: cert.reason } : {}),
      }));
    return Buffer.from(await this.authority.createCrl(entries)).toString('base64');
  }

  /** Issues the certificate for a CSR and records it (caller persists). */
  private async sign(identity: IdentityRecord, body: EnrollBody): Promise<EnrollResult> {
    const csr = await readCertificateRequest(body.certificate_request);
    if (csr.commonName !== identity.id) {
      throw badRequest('The CSR subject common name must equal the enrollment ID', FabricCaCode.BadCsr);
    }
    const certificate = await this.authority.certify({
      enrollmentId: identity.id,
      publicKey: csr.publicKey,
      attrs: selectCertificateAttributes(identity, body.attr_reqs ?? undefined),
      ou: identity.type,
      affiliation: identity.affiliation,
      hosts: body.hosts ?? csr.hosts,
      profile: profileOf(body.profile),
    });
    const info = readCertificate(certificate);
    this.state.certificates[info.serialNumber] = {
      serial: info.serialNumber,
      aki: this.authority.authorityKeyIdentifier,
      id: identity.id,
      notAfter: info.notAfter.toISOString(),
    };
    return { Cert: Buffer.from(certificate).toString('base64'), ServerInfo: this.info() };
  }

  private maxEnrollmentsFor(requested: number | undefined): number {
    const limit = this.config.maxEnrollments;
    if (requested === undefined || requested === 0) return limit;
    if (limit !== -1 && (requested === -1 || requested > limit)) {
      throw badRequest(`max_enrollments may not exceed the CA's limit of ${limit}`);
    }
    return requested;
  }

  private async bootstrap(): Promise<void> {
    const { id, secret } = this.config.bootstrap;
    if (this.state.identities[id]) return;
    this.state.identities[id] = {
      id,
      type: 'client',
      affiliation: '',
      attrs: [...bootstrapAttributes(), ...standardAttributes(id, 'client', '')],
      secretHash: await hashSecret(secret),
      maxEnrollments: this.config.maxEnrollments,
      enrollments: 0,
      failedAttempts: 0,
      revoked: false,
    };
    await this.persist();
  }

  private persist(): Promise<void> {
    return this.store.saveState(this.state);
  }

  private exclusive<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.queue.then(operation, operation);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
