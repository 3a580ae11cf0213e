/**
 * Enrolment of users at their organisation's CA through fabric-ca-client (the embedded CA or a Fabric CA):
 * the organisation's registrar registers the user with the Custodia attributes as ecert attributes, the user is
 * enrolled (key pair made here, certificate from the CA), and the identity goes into the wallet. Disabling a
 * user revokes their certificates at the CA, which the channel's MSPs then refuse.
 */
import FabricCAServices from 'fabric-ca-client';
import { User as FabricUser, Utils as FabricUtils } from 'fabric-common';
import { IDENTITY_ATTRIBUTES } from '@custodia/chaincode';
import type { Role } from '@custodia/chaincode';
import type { ConnectionProfile, Identity, Wallet } from '@custodia/ledger';
import { IdentityError } from './errors';
import type { Registrars } from './registrars';

/** One organisation's CA. */
export interface CaEndpoint {
  readonly mspId: string;
  readonly url: string;
  readonly caName: string;
  /** PEM of the CA's TLS root, for https URLs. */
  readonly tlsCaCertificate?: string;
}

export interface EnrolmentRequest {
  readonly mspId: string;
  /** The enrolment id, also `custodia.id` and the wallet label. */
  readonly ledgerId: string;
  readonly role: Role;
  readonly country: string;
}

/** The CAs named in a connection profile (organisations without a CA are left out). */
export function caEndpoints(profile: ConnectionProfile): CaEndpoint[] {
  return profile.organisations.flatMap((organisation) =>
    organisation.ca
      ? [
          {
            mspId: organisation.mspId,
            url: organisation.ca.url,
            caName: organisation.ca.caName,
            ...(organisation.ca.tlsCaCertificate !== undefined && {
              tlsCaCertificate: organisation.ca.tlsCaCertificate,
            }),
          },
        ]
      : [],
  );
}

/** Node's codes for a server certificate that does not verify against the trusted roots given. */
const TLS_VERIFICATION_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * fabric-ca-client rejects with the CA's `errors` array when the CA answered, and with the socket error's
 * `code` when it could not be reached: structure, not message text, says which. A CA whose TLS certificate does
 * not verify is unreachable too, but the message says so: the usual cause is a connection file that names the
 * CA's own TLS certificate (a leaf) instead of the CA certificate it chains to.
 */
function caFailure(error: unknown, action: string): IdentityError {
  const failure =
    typeof error === 'object' && error !== null ? (error as { errors?: unknown; code?: unknown }) : {};
  if (Array.isArray(failure.errors))
    return new IdentityError(
      'ENROLMENT_FAILED',
      `the organisation's CA refused the ${action}`,
      {},
      { cause: error },
    );
  const message =
    typeof failure.code === 'string' && TLS_VERIFICATION_CODES.has(failure.code)
      ? `the organisation's CA's TLS certificate does not verify against the CA certificate configured for it`
      : `the organisation's CA cannot be reached`;
  return new IdentityError('CA_UNAVAILABLE', message, {}, { cause: error });
}

/**
 * fabric-ca-client gives up on a CA that has not answered within 3 s (its socket idle timeout). A CA under load —
 * the embedded ones share their process with the peer — can take longer; a timed-out registration also leaves
 * the id registered. 30 s, like the ledger client's deadlines, is what an operator would set.
 */
const CA_CONNECTION_TIMEOUT_MS = 30_000;
// fabric-common's typings omit its (public, documented) configuration setter.
(FabricUtils as unknown as { setConfigSetting(name: string, value: unknown): void }).setConfigSetting(
  'connection-timeout',
  CA_CONNECTION_TIMEOUT_MS,
);

export class Enrolment {
  private readonly endpoints = new Map<string, CaEndpoint>();
  private readonly registrarUsers = new Map<string, Promise<FabricUser>>();

  constructor(
    endpoints: readonly CaEndpoint[],
    /** Each organisation's registrar at its CA (see readRegistrars). */
    private readonly registrarsByOrganisation: Registrars,
    private readonly wallet: Wallet,
  ) {
    for (const endpoint of endpoints) this.endpoints.set(endpoint.mspId, endpoint);
  }

  /** MSP ids of the organisations whose CA is known. */
  organisations(): string[] {
    return [...this.endpoints.keys()];
  }

  /** Registers and enrols a user, stores the identity in the wallet under (mspId, ledgerId), and returns it. */
  async enrol(request: EnrolmentRequest): Promise<Identity> {
    const client = this.client(request.mspId);
    const registrar = await this.registrarOf(request.mspId);
    const attrs = [
      { name: IDENTITY_ATTRIBUTES.role, value: request.role, ecert: true },
      { name: IDENTITY_ATTRIBUTES.id, value: request.ledgerId, ecert: true },
      { name: IDENTITY_ATTRIBUTES.country, value: request.country, ecert: true },
    ];
    let secret: string;
    try {
      secret = await client.register(
        { enrollmentID: request.ledgerId, affiliation: '', role: 'client', maxEnrollments: 1, attrs },
        registrar,
      );
    } catch (error) {
      throw caFailure(error, 'registration');
    }
    let enrollment: FabricCAServices.IEnrollResponse;
    try {
      enrollment = await client.enroll({ enrollmentID: request.ledgerId, enrollmentSecret: secret });
    } catch (error) {
      throw caFailure(error, 'enrolment');
    }
    const identity: Identity = {
      mspId: request.mspId,
      certificate: enrollment.certificate,
      privateKey: enrollment.key.toBytes(),
    };
    await this.wallet.put(identity, request.ledgerId);
    return identity;
  }

  /** Revokes every certificate of the user at the CA and drops the identity from the wallet. */
  async revoke(mspId: string, ledgerId: string): Promise<void> {
    await this.revokeCertificates(mspId, ledgerId, 'privilegewithdrawn');
    await this.wallet.remove(mspId, ledgerId);
  }

  /** Revokes every certificate of the user at the CA (the wallet is left as it is). */
  async revokeCertificates(mspId: string, ledgerId: string, reason: string): Promise<void> {
    const client = this.client(mspId);
    try {
      await client.revoke({ enrollmentID: ledgerId, reason }, await this.registrarOf(mspId));
    } catch (error) {
      throw caFailure(error, 'revocation');
    }
  }

  private client(mspId: string): FabricCAServices {
    const endpoint = this.endpoints.get(mspId);
    if (!endpoint)
      throw new IdentityError('UNKNOWN_ORGANISATION', 'the organisation has no known CA', { field: 'mspId' });
    return new FabricCAServices(
      endpoint.url,
      endpoint.tlsCaCertificate !== undefined
        ? { trustedRoots: [endpoint.tlsCaCertificate], verify: true }
        : undefined,
      endpoint.caName,
    );
  }

  /** The organisation's registrar's own enrolment at its CA, made once and reused. */
  private registrarOf(mspId: string): Promise<FabricUser> {
    let registrar = this.registrarUsers.get(mspId);
    if (!registrar) {
      const credentials = this.registrarsByOrganisation.get(mspId);
      if (!credentials)
        throw new IdentityError('UNKNOWN_ORGANISATION', 'the organisation has no known CA registrar', {
          field: 'mspId',
        });
      registrar = this.client(mspId)
        .enroll({ enrollmentID: credentials.id, enrollmentSecret: credentials.secret })
        .then(
          (enrollment) =>
            FabricUser.createUser(
              credentials.id,
              '',
              mspId,
              enrollment.certificate,
              enrollment.key.toBytes(),
            ),
          (error: unknown) => {
            this.registrarUsers.delete(mspId);
            throw caFailure(error, 'registrar enrolment');
          },
        );
      this.registrarUsers.set(mspId, registrar);
    }
    return registrar;
  }
}
