/**
 * Starts the gateway: the identity service, the ledger client signing as each user, the data-lake client, the
 * audit service, every journey's routes, and the HTTP server.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { LedgerClient } from '@custodia/ledger';
import type { ConnectionProfile, Identity, LedgerClientConfig, Signer, Wallet } from '@custodia/ledger';
import { DatalakeClient } from '@custodia/datalake';
import { AuditService, reportCsv } from './audit';
import type { ManifestSource } from './audit';
import { loadAuthorizer } from './authz/enforcer';
import { errorCode } from './errors';
import { ContributionContent } from './contributions/content-store';
import type { GatewayConfig } from './config';
import { fhirRoutes } from './fhir/routes';
import { createGatewayApp } from './http/app';
import { createMetrics } from './http/metrics';
import { networkPolicy } from './http/network-policy';
import { readiness } from './http/readiness';
import type { RouteDef } from './http/route';
import { SecretBox } from './identity';
import type { IdentityService } from './identity';
import type { AuthUser } from './identity/user';
import { adminRoutes } from './journeys/admin';
import { authRoutes } from './journeys/auth';
import { auditorRoutes } from './journeys/auditor';
import type { AuditPort } from './journeys/auditor';
import { centreRoutes } from './journeys/centre';
import { clinicianRoutes } from './journeys/clinician';
import { actorOf } from './journeys/context';
import type { DataLake, JourneyDeps } from './journeys/context';
import { EmergencyCards } from './journeys/emergency-card';
import { directoryRoutes } from './journeys/directory';
import { erasureRoutes } from './journeys/erasure';
import { ErasureService } from './erasure/erasure-service';
import { ErasureStore } from './erasure/erasure-store';
import { patientRoutes } from './journeys/patient';
import { patientGrantRoutes } from './journeys/patient-grants';
import { transactionRoutes } from './journeys/transactions';
import { startEmergencyNotices } from './notifications/start';
import { ReasonStore } from './reasons/reason-store';
import { UserLedger } from './ledger/users';
import { UploadStore } from './uploads/upload-store';

export const GATEWAY_VERSION = '0.1.0';
const UPLOAD_PRUNE_INTERVAL_MS = 3_600_000;

export interface GatewayDeps {
  readonly identity: IdentityService;
  readonly profile: ConnectionProfile;
  readonly ledgerConfig?: LedgerClientConfig;
  /**
   * The ledger client to call through, shared with the rest of the process (the platform's one pool); the gateway
   * does not close it. Default: a client of its own on `profile` and `ledgerConfig`, closed with the gateway.
   */
  readonly ledger?: LedgerClient;
  readonly logger: Logger;
  /**
   * The platform's service identity: /readyz reads the ledger as it, and emergency notices follow the chaincode's
   * events with it. Without one the ledger is reported not ready (a readiness that cannot ask the ledger does not
   * claim it answers) and no notice is sent.
   */
  readonly serviceSigner?: Signer;
  readonly now?: () => Date;
  /** Where secrets' keys come from (CUSTODIA_GATEWAY_SECRET_KEY); default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface RunningGateway {
  readonly url: string;
  readonly routes: readonly RouteDef[];
  readonly ledger: UserLedger;
  readonly datalake: DataLake | undefined;
  close(): Promise<void>;
}

/**
 * A ledger signer read from the wallet on first use: the platform's service identity, which /readyz reads as. Its
 * key is the one the data lake signs with for the same identity, so both share one entry of the client's pool.
 */
export function walletSigner(wallet: Wallet, who: { readonly mspId: string; readonly id: string }): Signer {
  return {
    key: `${who.mspId}\u0000${who.id}`,
    load: async (): Promise<Identity> => {
      const identity = await wallet.get(who.mspId, who.id);
      if (identity === undefined) throw new Error('the service identity is not in the wallet');
      return identity;
    },
  };
}

/** A secret kept in the data dir (created once, 0600), so what it signs survives restarts. */
async function persistentSecret(dataDir: string, name: string): Promise<Buffer> {
  const file = path.join(dataDir, name);
  try {
    return Buffer.from((await readFile(file, 'utf8')).trim(), 'hex');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const secret = randomBytes(32);
    await writeFile(file, `${secret.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  }
}

/** Replay and the explorer read the chain as the auditor themself (qscc through their own connection). */
function auditPort(ledger: UserLedger, datalake: DatalakeClient | undefined): AuditPort {
  const serviceFor = async (user: AuthUser): Promise<AuditService> => {
    const manifests: ManifestSource | undefined =
      datalake === undefined
        ? undefined
        : {
            getManifest: async (grantId, manifestHash) => {
              try {
                return await datalake.getManifest(actorOf(user), grantId, manifestHash);
              } catch (error) {
                if (errorCode(error) === 'NOT_FOUND') return undefined;
                throw error;
              }
            },
          };
    return AuditService.forSession(ledger.as(user), manifests);
  };
  return {
    listBlocks: async (user, from, limit) => (await serviceFor(user)).listBlocks(from, limit),
    getBlock: async (user, number) => (await serviceFor(user)).getBlock(number),
    getTransaction: async (user, txId) => (await serviceFor(user)).getTransaction(txId),
    replay: async (user, options) => {
      const report = await (await serviceFor(user)).replay(options);
      return { report, csv: reportCsv(report) };
    },
  };
}

export async function startGateway(config: GatewayConfig, deps: GatewayDeps): Promise<RunningGateway> {
  const { identity, logger } = deps;
  const now = deps.now ?? (() => new Date());
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const client =
    deps.ledger ??
    new LedgerClient({ profile: deps.profile, ...(deps.ledgerConfig ? { config: deps.ledgerConfig } : {}) });
  const ledger = new UserLedger(client, identity);
  const datalake =
    config.datalake === undefined
      ? undefined
      : new DatalakeClient({ baseUrl: config.datalake.url, token: config.datalake.token });
  const box = await SecretBox.open(config.dataDir, deps.env ?? process.env);
  const uploads = new UploadStore({
    directory: path.join(config.dataDir, 'uploads'),
    partBytes: config.uploadPartBytes,
    box,
    ttlMs: config.uploadTtlMs,
    now,
  });
  await uploads.ensure();
  const housekeeping = await uploads.recover();
  if (housekeeping.interrupted + housekeeping.removed > 0)
    logger.warn({ ...housekeeping }, 'uploads interrupted by the last stop marked, abandoned ones removed');
  // Abandoned uploads go within a fraction of their time to live (at most every quarter of an hour).
  const sweeper = setInterval(
    () => {
      uploads.sweep().then(
        (swept) => {
          if (swept.removed > 0) logger.info({ removed: swept.removed }, 'abandoned uploads removed');
        },
        () => logger.warn('abandoned-upload sweep failed; will retry'),
      );
    },
    Math.max(1000, Math.min(config.uploadTtlMs / 4, 15 * 60_000)),
  );
  sweeper.unref();
  // Old upload sessions go, so the history (and the disk) stays bounded: at start, then hourly.
  const prune = (): void => {
    uploads.prune(new Date(now().getTime() - config.uploadRetentionMs)).then(
      (removed) => {
        if (removed > 0) logger.info({ removed }, 'old upload sessions pruned');
      },
      (error: unknown) => logger.warn({ code: errorCode(error) }, 'pruning upload sessions failed'),
    );
  };
  prune();
  const pruner = setInterval(prune, UPLOAD_PRUNE_INTERVAL_MS);
  pruner.unref();
  const erasureStore = new ErasureStore(path.join(config.dataDir, 'erasures'));
  await erasureStore.ensure();
  const erasures = new ErasureService(erasureStore, now);
  const journeys: JourneyDeps = {
    ledger,
    datalake,
    now,
    cards: new EmergencyCards(await persistentSecret(config.dataDir, 'card.secret')),
    contributions: new ContributionContent(path.join(config.dataDir, 'contributions'), box),
    reasons: new ReasonStore(path.join(config.dataDir, 'reasons'), box),
    erased: erasures,
    patients: {
      find: async (patientId) => {
        const user = identity
          .listUsers()
          .find((candidate) => candidate.role === 'patient' && candidate.ledgerId === patientId);
        if (user === undefined) return undefined;
        return user.person === undefined ? { mspId: user.mspId } : { mspId: user.mspId, person: user.person };
      },
    },
  };
  const routes: RouteDef[] = [
    ...authRoutes(identity),
    ...patientRoutes(journeys),
    ...clinicianRoutes(journeys),
    ...centreRoutes({ ...journeys, uploads }),
    ...auditorRoutes({ ...journeys, audit: auditPort(ledger, datalake) }),
    ...adminRoutes({ identity, ledger, profile: deps.profile, datalake }),
    ...erasureRoutes({ ...journeys, identity, uploads, erasures }),
    ...transactionRoutes(journeys),
    ...patientGrantRoutes(journeys),
    ...directoryRoutes({
      ledger,
      users: () => identity.listUsers(),
      organisationNames: config.organisationNames,
    }),
    ...fhirRoutes(journeys, {
      publicBaseUrl: config.publicBaseUrl,
      version: GATEWAY_VERSION,
      startedAt: now(),
    }),
  ];
  const app = createGatewayApp({
    config,
    routes,
    authenticator: identity,
    authorizer: await loadAuthorizer(),
    networks: networkPolicy(config.allowedNetworks),
    metrics: createMetrics(),
    logger,
    version: GATEWAY_VERSION,
    readiness: () =>
      readiness(
        {
          ledger: async () =>
            deps.serviceSigner !== undefined && client.answers(deps.serviceSigner, config.readinessTimeoutMs),
          datalake: async () => datalake !== undefined && datalake.health(),
        },
        config.readinessTimeoutMs,
      ),
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${address.port}`;
  logger.info({ url }, 'gateway listening');
  const notices = startEmergencyNotices({
    config,
    client,
    signer: deps.serviceSigner,
    identity,
    profile: deps.profile,
    url,
    logger,
    now,
  });
  return {
    url,
    routes,
    ledger,
    datalake,
    close: async () => {
      clearInterval(sweeper);
      await notices?.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      clearInterval(pruner);
      if (deps.ledger === undefined) client.close();
    },
  };
}
