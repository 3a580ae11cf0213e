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
import type { ConnectionProfile, LedgerClientConfig } from '@custodia/ledger';
import { DatalakeClient } from '@custodia/datalake';
import { AuditService, reportCsv } from './audit';
import type { ManifestSource } from './audit';
import { loadAuthorizer } from './authz/enforcer';
import { errorCode } from './errors';
import { ContributionContent } from './contributions/content-store';
import type { GatewayConfig } from './config';
import { fhirRoutes } from './fhir/summary';
import { createGatewayApp } from './http/app';
import { createMetrics } from './http/metrics';
import { networkPolicy } from './http/network-policy';
import { anyPeerReachable } from './http/readiness';
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
import { patientRoutes } from './journeys/patient';
import { ReasonStore } from './reasons/reason-store';
import { UserLedger } from './ledger/users';
import { UploadStore } from './uploads/upload-store';

export const GATEWAY_VERSION = '0.1.0';

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
  const uploads = new UploadStore(path.join(config.dataDir, 'uploads'), config.uploadPartBytes, now);
  await uploads.ensure();
  const secrets = await SecretBox.open(config.dataDir, deps.env ?? process.env);
  const journeys: JourneyDeps = {
    ledger,
    datalake,
    now,
    cards: new EmergencyCards(await persistentSecret(config.dataDir, 'card.secret')),
    contributions: new ContributionContent(path.join(config.dataDir, 'contributions'), secrets),
    reasons: new ReasonStore(path.join(config.dataDir, 'reasons'), secrets),
    patients: {
      exists: async (patientId) =>
        identity.listUsers().some((user) => user.role === 'patient' && user.ledgerId === patientId),
    },
  };
  const routes: RouteDef[] = [
    ...authRoutes(identity),
    ...patientRoutes(journeys),
    ...clinicianRoutes(journeys),
    ...centreRoutes({ ...journeys, uploads }),
    ...auditorRoutes({ ...journeys, audit: auditPort(ledger, datalake) }),
    ...adminRoutes({ identity, ledger, profile: deps.profile, datalake }),
    ...fhirRoutes(journeys),
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
    readiness: async () => ({
      ledger: await anyPeerReachable(deps.profile.peers),
      datalake: datalake === undefined ? false : await datalake.health().catch(() => false),
    }),
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${address.port}`;
  logger.info({ url }, 'gateway listening');
  return {
    url,
    routes,
    ledger,
    datalake,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (deps.ledger === undefined) client.close();
    },
  };
}
