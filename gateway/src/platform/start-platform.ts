/**
 * The whole platform in one process: the ledger (the embedded Fabric-compatible network by default, or a running
 * Fabric network with CUSTODIA_NETWORK=fabric), the data lake (with its embedded S3 server, or MinIO with
 * CUSTODIA_S3_ENDPOINT) and the gateway serving the portal. The embedded network and the embedded S3 server run on
 * threads of their own, each with its own event loop: on one loop with the gateway and the lake they took turns on
 * one core of two (see the README's figures). `npm start` and the end-to-end tests use it; production starts the
 * same services separately (CUSTODIA_NETWORK=fabric, a MinIO endpoint).
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Caller } from '@custodia/chaincode';
import {
  loadConfig as loadDatalakeConfig,
  startDatalakeWithWallet,
  startS3ServerOnThread,
} from '@custodia/datalake';
import type { RunningDatalake } from '@custodia/datalake';
import { FileWallet, LedgerClient } from '@custodia/ledger';
import type { Wallet } from '@custodia/ledger';
import { loadGatewayConfig } from '../config';
import { API_BASE } from '../http/route';
import { caEndpoints, Enrolment, openIdentityService, readOidcConfig } from '../identity';
import type { IdentityService } from '../identity';
import { startGateway, walletSigner } from '../server';
import type { RunningGateway } from '../server';
import { openPlatformNetwork } from './platform-network';
import type { PlatformNetwork } from './platform-network';
import { foundPlatformRegistry, organisationAdmins, patientRegistrars } from './organisation-admins';
import { DEMO_ORGANISATION_NAMES } from './demo-data';
import { seedDemo } from './seed';
import type { DemoLogin } from './seed';

type Env = Readonly<Record<string, string | undefined>>;

export interface PlatformOptions {
  /** Root of every service's data (default `.custodia`). */
  readonly dataDir: string;
  /** Gateway port (default 8080; 0 picks a free one). */
  readonly port?: number;
  /** Built portal to serve. */
  readonly portalDir?: string;
  /** Seed the demo on first start. */
  readonly seed?: boolean;
  readonly logger: Logger;
  /** Configuration variables (documented in the README); default process.env. */
  readonly env?: Env;
  /** Every port (embedded peer and CAs, S3, lake, gateway unless `port` is given) picked free. */
  readonly ephemeralPorts?: boolean;
  /**
   * The endpoints the platform's ledger client lists for the embedded peer, in fail-over order (default: the peer's
   * own). Fault tests put freezable relays in front of it.
   */
  readonly peerEndpoints?: (endpoint: string) => Promise<readonly string[]>;
  /**
   * A service the platform runs on a thread of its own (the embedded network, the embedded S3 server) stopped
   * without being closed: it failed. It is logged as an error either way; requests that need it then fail as they do
   * when a separate network or S3 is unreachable. `npm start` stops the platform with exit code 1, for its supervisor
   * to restart it.
   */
  readonly onServiceStopped?: (error: Error) => void;
}

export interface RunningPlatform {
  readonly url: string;
  readonly network: PlatformNetwork;
  readonly gateway: RunningGateway;
  readonly identity: IdentityService;
  readonly wallet: Wallet;
  /** The data lake while it runs (`stopDatalake` stops it, e.g. to show what still works without it). */
  datalake(): RunningDatalake | undefined;
  stopDatalake(): Promise<void>;
  /** Demo logins (seeded now or on an earlier start). */
  readonly demo: readonly DemoLogin[];
  /** Closes every service; rejects (once all were closed) when one did not close cleanly. */
  close(): Promise<void>;
}

/** The data lake's own ledger identity: reads record registrations and follows chaincode events. */
export const LAKE_IDENTITY = { id: 'custodia-datalake', role: 'admin' } as const;

export async function startPlatform(options: PlatformOptions): Promise<RunningPlatform> {
  const env = options.env ?? process.env;
  const { logger } = options;
  const root = path.resolve(options.dataDir);
  await mkdir(root, { recursive: true, mode: 0o700 });
  const closers: (() => Promise<void>)[] = [];
  /** Closes everything started, newest first; rejects with the first failure once all were tried. */
  const closeAll = async (): Promise<void> => {
    let failure: unknown;
    for (const close of closers.splice(0).reverse())
      await close().catch((error: unknown) => {
        failure ??= error;
      });
    if (failure !== undefined) throw failure;
  };
  const serviceStopped = (error: Error): void => {
    logger.error(
      { code: (error as { code?: string }).code, message: error.message },
      'a platform service stopped',
    );
    options.onServiceStopped?.(error);
  };
  try {
    const network = await openPlatformNetwork(env, {
      networkDir: path.join(root, 'network'),
      logger,
      onStopped: serviceStopped,
      ...(options.ephemeralPorts ? { ephemeralPorts: true } : {}),
    });
    closers.push(() => network.close());
    // The data lake's own identity belongs to the first organisation.
    const home = network.profile.organisations[0];
    if (home === undefined) throw new Error('the connection profile names no organisation');

    const wallet = await FileWallet.open(path.join(root, 'wallet'), { env });
    const gatewayDir = path.join(root, 'gateway');
    const oidc = readOidcConfig(env);
    const identity = await openIdentityService({
      dataDir: gatewayDir,
      profile: network.profile,
      registrars: network.registrars,
      wallet,
      logger: logger.child({ service: 'identity' }),
      ...(oidc === undefined ? {} : { oidc }),
    });

    const lakeActor: Caller = { mspId: home.mspId, country: home.country, ...LAKE_IDENTITY };
    if ((await wallet.get(lakeActor.mspId, lakeActor.id)) === undefined)
      await new Enrolment(caEndpoints(network.profile), network.registrars, wallet).enrol({
        mspId: lakeActor.mspId,
        ledgerId: lakeActor.id,
        role: lakeActor.role,
        country: home.country,
      });
    const ledgerConfig = network.ledger;
    const [peer] = network.profile.peers;
    const ledgerProfile =
      options.peerEndpoints === undefined || peer === undefined
        ? network.profile
        : {
            ...network.profile,
            peers: (await options.peerEndpoints(peer.endpoint)).map((endpoint) => ({ ...peer, endpoint })),
          };
    // One ledger client for the process: the lake and the gateway share its channel and its identities' pool.
    const ledger = new LedgerClient({ config: ledgerConfig, profile: ledgerProfile });
    closers.push(async () => ledger.close());
    // The network's organisations and countries (its configuration) found the on-chain registry, once.
    const admins = await organisationAdmins(network.profile, network.registrars, wallet);
    const registry = await foundPlatformRegistry(ledger, admins);
    logger.info({ version: registry.version, members: registry.members.length }, 'organisation registry');
    const token = env.CUSTODIA_DATALAKE_TOKEN ?? randomBytes(24).toString('base64url');
    const gatewayDefaults = {
      dataDir: gatewayDir,
      ...(options.port !== undefined ? { port: options.port } : options.ephemeralPorts ? { port: 0 } : {}),
      ...(options.portalDir === undefined ? {} : { portalDir: options.portalDir }),
    };
    // Where people reach the platform: CUSTODIA_PUBLIC_BASE_URL, else the gateway's own address when it is fixed.
    // Read before the lake runs, so without the lake's address (its URL and token come together, later).
    const early = loadGatewayConfig(
      Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('CUSTODIA_DATALAKE_'))),
      gatewayDefaults,
    );
    const publicBase =
      early.publicBaseUrl ??
      (early.port === 0
        ? undefined
        : `http://${early.host === '0.0.0.0' ? 'localhost' : early.host}:${early.port}`);
    const configured = {
      ...loadDatalakeConfig({
        ...env,
        CUSTODIA_DATALAKE_TOKEN: token,
        CUSTODIA_DATALAKE_DIR: env.CUSTODIA_DATALAKE_DIR ?? path.join(root, 'datalake'),
        CUSTODIA_S3_DIR: env.CUSTODIA_S3_DIR ?? path.join(root, 's3'),
        CUSTODIA_DATALAKE_IDENTITY: `${lakeActor.mspId}/${lakeActor.id}`,
        // The lake stores each organisation's data in its country's location: the network's organisations and
        // countries (until the lake reads them from the on-chain organisation registry).
        CUSTODIA_ORGANISATIONS:
          env.CUSTODIA_ORGANISATIONS ??
          JSON.stringify(
            Object.fromEntries(
              network.profile.organisations.map((organisation) => [organisation.mspId, organisation.country]),
            ),
          ),
        // Clients follow binary links through the gateway, which serves the lake's routes under /api; absolute from
        // the deployment's public base URL (the one the gateway's notices use), so records work outside Custodia.
        CUSTODIA_DATALAKE_LINK_BASE: `${publicBase ?? ''}${API_BASE.replace(/\/v1$/, '')}`,
        ...(options.ephemeralPorts ? { CUSTODIA_S3_PORT: '0', CUSTODIA_DATALAKE_PORT: '0' } : {}),
      }),
      ledger: ledgerConfig,
    };
    // The embedded S3 server runs on a thread of its own (datalake storage/embedded/on-thread.ts): the lake reaches
    // it as it reaches MinIO, at an endpoint with keys.
    const s3 =
      configured.embeddedS3 === undefined
        ? undefined
        : await startS3ServerOnThread(configured.embeddedS3, {
            logger: logger.child({ service: 'embedded-s3' }),
            onStopped: serviceStopped,
          });
    if (s3 !== undefined) closers.push(() => s3.close());
    const lakeConfig =
      s3 === undefined
        ? configured
        : {
            ...configured,
            embeddedS3: undefined,
            locations: { ...configured.locations, endpoint: { url: s3.endpoint, ...s3.credentials } },
          };
    const startLake = (): Promise<RunningDatalake> =>
      startDatalakeWithWallet(lakeConfig, { wallet, ledger, logger: logger.child({ service: 'datalake' }) });
    let lake: RunningDatalake | undefined = await startLake();
    closers.push(async () => lake?.close());

    const gatewayConfig = loadGatewayConfig(
      { ...env, CUSTODIA_DATALAKE_URL: lake.url, CUSTODIA_DATALAKE_TOKEN: token },
      { ...gatewayDefaults, organisationNames: DEMO_ORGANISATION_NAMES },
    );
    const gateway = await startGateway(gatewayConfig, {
      identity,
      profile: network.profile,
      ledger,
      serviceSigner: walletSigner(wallet, lakeActor),
      env,
      logger: logger.child({ service: 'gateway' }),
    });
    closers.push(() => gateway.close());

    const demo =
      options.seed === false
        ? []
        : await seedDemo({
            identity,
            gateway,
            registrars: patientRegistrars(ledger, admins),
            dataDir: gatewayDir,
            logger,
          });
    return {
      url: gateway.url,
      network,
      gateway,
      identity,
      wallet,
      demo,
      datalake: () => lake,
      stopDatalake: async () => {
        const running = lake;
        lake = undefined;
        await running?.close();
      },
      close: closeAll,
    };
  } catch (error) {
    await closeAll().catch(() => undefined);
    throw error;
  }
}
