import { CaError, CaErrorCode, FabricCaCode } from './errors';

/** One organisation's CA, as fabric-ca-server-config.yaml describes it (the parts this server honours). */
export interface CaOptions {
  readonly mspId: string;
  /** Where the CA certificate, key and registry live. */
  readonly dataDir: string;
  /** The bootstrap registrar (`fabric-ca-server start -b id:secret`). */
  readonly bootstrap: { readonly id: string; readonly secret: string };
  /** Default `ca-<mspId lowercased>`; requests naming another CA are refused. */
  readonly caName?: string;
  /** ISO 3166 alpha-2 country of the organisation, in the CA subject. */
  readonly country?: string;
  /** Dotted affiliation tree (parents implied), e.g. ['hospital.cardiology']. Default: root only. */
  readonly affiliations?: readonly string[];
  /** registry.maxenrollments; -1 unlimited (default). */
  readonly maxEnrollments?: number;
  /** cfg.identities.passwordattempts; default 10, as Fabric CA. */
  readonly incorrectPasswordAttempts?: number;
}

export interface CaServerOptions extends CaOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0 (any free port); Fabric CA's conventional port is 7054. */
  readonly port?: number;
  /** Serve HTTPS with this certificate and key (PEM); plain HTTP otherwise. */
  readonly tls?: { readonly certificate: string; readonly privateKey: string };
}

export interface CaConfig {
  readonly mspId: string;
  readonly dataDir: string;
  readonly bootstrap: { readonly id: string; readonly secret: string };
  readonly caName: string;
  readonly country: string | undefined;
  readonly affiliations: readonly string[];
  readonly maxEnrollments: number;
  readonly incorrectPasswordAttempts: number;
}

function invalid(message: string): CaError {
  return new CaError(CaErrorCode.InvalidConfig, 500, FabricCaCode.Unknown, message);
}

/** Applies defaults and checks the options; throws CaError(CA_INVALID_CONFIG). */
export function resolveCaConfig(options: CaOptions): CaConfig {
  if (!/^[A-Za-z0-9.-]+$/.test(options.mspId)) throw invalid('mspId must be letters, digits, dots or dashes');
  if (options.dataDir === '') throw invalid('dataDir is required');
  if (options.bootstrap.id === '' || options.bootstrap.secret === '') {
    throw invalid('bootstrap id and secret are required');
  }
  if (options.country !== undefined && !/^[A-Z]{2}$/.test(options.country)) {
    throw invalid('country must be an ISO 3166 alpha-2 code');
  }
  const maxEnrollments = options.maxEnrollments ?? -1;
  if (!Number.isInteger(maxEnrollments) || maxEnrollments < -1 || maxEnrollments === 0) {
    throw invalid('maxEnrollments must be -1 (unlimited) or a positive integer');
  }
  const incorrectPasswordAttempts = options.incorrectPasswordAttempts ?? 10;
  if (!Number.isInteger(incorrectPasswordAttempts) || incorrectPasswordAttempts < 1) {
    throw invalid('incorrectPasswordAttempts must be a positive integer');
  }
  const affiliations = options.affiliations ?? [];
  if (affiliations.some((affiliation) => !/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(affiliation))) {
    throw invalid('affiliations must be dotted names');
  }
  return {
    mspId: options.mspId,
    dataDir: options.dataDir,
    bootstrap: options.bootstrap,
    caName: options.caName ?? `ca-${options.mspId.toLowerCase()}`,
    country: options.country,
    affiliations,
    maxEnrollments,
    incorrectPasswordAttempts,
  };
}
