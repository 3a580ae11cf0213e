/**
 * Test factory: the embedded network, a wallet of enrolled users, and the data-lake service over a real S3 (its
 * embedded server, or the external one of `npm run test:s3`: see ./s3.ts) talking to the ledger through FabricLedgerPort — the whole path a deployment uses, wired as `main.ts` wires it
 * (configuration from environment variables, `startDatalakeWithWallet`).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { Caller, Category } from '@custodia/chaincode';
import { FileWallet, LedgerClient } from '@custodia/ledger';
import type { Identity, LedgerSession } from '@custodia/ledger';
import { FabricLedgerPort } from '../src/ledger/fabric-port';
import { WalletIdentities } from '../src/ledger/identity';
import { loadConfig } from '../src/service/config';
import { startDatalakeWithWallet } from '../src/service/compose';
import { testLakeS3 } from './s3';
import { startDatalake } from '../src/service/server';
import type { DatalakeDeps, RunningDatalake } from '../src/service/server';
import type { LedgerPort } from '../src/ledger/port';
import { ORG_DE, startEmbeddedTestNetwork } from '../../network/test/fixtures/embedded-network';
import type { Role, EmbeddedTestNetwork } from '../../network/test/fixtures/embedded-network';
import { startRelay } from '../../network/test/fixtures/relay';
import type { Relay } from '../../network/test/fixtures/relay';

export const TOKEN = 'test-service-token-0123456789';
/** The lake's own ledger identity. */
export const LAKE_ACTOR: Caller = { mspId: ORG_DE, id: 'custodia-datalake', role: 'admin' };

export interface LakeOnLedger {
  readonly net: EmbeddedTestNetwork;
  /** The lake's data directory (index, keyrings, hash key, embedded S3 data under `s3/`). */
  readonly dir: string;
  /** The running lake (a new one after `restartLake`). */
  readonly lake: RunningDatalake;
  /** A ledger port of its own over the same wallet and connection file (for assertions on the ledger). */
  readonly ledger: FabricLedgerPort;
  /** With `relays`: the relays every client's connection file lists as its peers, in order (freeze one to hang it). */
  readonly relays: readonly Relay[];
  /** Stops the lake and starts it again on the same data directories (new URL). */
  restartLake(): Promise<void>;
  /**
   * Enrols `actor` at its organisation's CA (a patient registered on-chain by its organisation first) and files the
   * identity in the lake's wallet.
   */
  enrol(actor: Caller): Promise<Identity>;
  /** The ledger as an enrolled actor sees it (the patient's own client, say), through a client of the test's own. */
  ledgerAs(actor: Caller): LedgerSession;
  /** Points the lake's connection file at the network's current peer (after a restart). */
  refreshProfile(): void;
  /** An HTTP call to the lake, with the service credential and the actor headers. */
  call(
    method: string,
    route: string,
    actor: Caller,
    init?: { body?: string | FormData; contentType?: string; signal?: AbortSignal },
  ): Promise<Response>;
  destroy(): Promise<void>;
}

export function actorHeaders(actor: Caller): Record<string, string> {
  return {
    'custodia-actor-msp': actor.mspId,
    'custodia-actor-id': actor.id,
    'custodia-actor-role': actor.role,
    ...(actor.country === undefined ? {} : { 'custodia-actor-country': actor.country }),
  };
}

/** The names of the lake's ledger calls, in order (see `observeLedger`). */
export type LedgerCalls = string[];

/**
 * A ledger port that notes the name of every call before passing it on to `port` unchanged: what a test asserts
 * about how often the lake asks the ledger (one grant read per open, registrations in pages).
 */
export function recordingLedger(port: LedgerPort, calls: LedgerCalls): LedgerPort {
  return new Proxy(port, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]) => {
        calls.push(property);
        return (value as (...parameters: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** `port` with its `method` replaced by what `around` makes of the real one; every other call is the port's own. */
export function aroundLedgerCall<K extends keyof LedgerPort>(
  port: LedgerPort,
  method: K,
  around: (real: LedgerPort[K]) => LedgerPort[K],
): LedgerPort {
  const replaced = around((port[method] as (...args: never[]) => unknown).bind(port) as LedgerPort[K]);
  return new Proxy(port, {
    get: (target, property, receiver) =>
      property === method ? replaced : (Reflect.get(target, property, receiver) as unknown),
  });
}

export async function startLakeOnLedger(
  deps: Pick<DatalakeDeps, 'now' | 'logger'> = {},
  /** More configuration variables (limits, thresholds). */
  env: Readonly<Record<string, string>> = {},
  options: {
    /** Peers the connection file lists: this many relays to the network's peer (default: the peer itself). */
    readonly relays?: number;
    /**
     * When given, the lake's ledger calls are noted here: the lake is then started as `startDatalakeWithWallet`
     * starts it, its port wrapped by `recordingLedger` (so it is with `wrapLedger`).
     */
    readonly ledgerCalls?: LedgerCalls;
    /**
     * The lake's port as the lake sees it, wrapped by the test (e.g. to hold a call while it looks at what the lake
     * lets out meanwhile); the real port answers every call.
     */
    readonly wrapLedger?: (port: LedgerPort) => LedgerPort;
  } = {},
): Promise<LakeOnLedger> {
  const net = await startEmbeddedTestNetwork();
  const [peerEndpoint] = net.network.profile.peers;
  const relays: Relay[] = [];
  for (let i = 0; i < (options.relays ?? 0); i += 1)
    relays.push(await startRelay(peerEndpoint?.endpoint ?? ''));
  const dir = mkdtempSync(path.join(tmpdir(), 'custodia-lake-ledger-'));
  // The gateway's wallet: keys sealed under a development key file created in the wallet directory.
  const wallet = await FileWallet.open(path.join(dir, 'wallet'), { env: {} });
  const profilePath = path.join(dir, 'connection.json');
  const identities = new Map<string, Identity>();
  // The lake reads its connection file like any operator-configured Fabric client.
  const refreshProfile = (): void => {
    const written = JSON.parse(readFileSync(net.network.profilePath, 'utf8')) as {
      peers: { endpoint: string }[];
    };
    const [peer] = written.peers;
    if (relays.length > 0 && peer !== undefined)
      written.peers = relays.map((relay) => ({ ...peer, endpoint: relay.endpoint }));
    writeFileSync(profilePath, JSON.stringify(written));
  };
  refreshProfile();
  const enrol = async (actor: Caller): Promise<Identity> => {
    // A patient acts on the ledger only once its home organisation registered its pseudonym.
    const identity =
      actor.role === 'patient'
        ? await net.enrolPatient(actor.mspId, actor.id)
        : await net.enrol(actor.mspId, actor.id, actor.role as Role, actor.country);
    identities.set(`${actor.mspId}/${actor.id}`, identity);
    await wallet.put(identity, actor.id);
    return identity;
  };
  await enrol(LAKE_ACTOR);
  const s3 = testLakeS3(dir);
  const config = loadConfig({
    ...s3.env,
    CUSTODIA_DATALAKE_TOKEN: TOKEN,
    CUSTODIA_DATALAKE_DIR: path.join(dir, 'lake'),
    CUSTODIA_SWEEP_INTERVAL_MS: String(3_600_000),
    CUSTODIA_DATALAKE_IDENTITY: `${LAKE_ACTOR.mspId}/${LAKE_ACTOR.id}`,
    // The organisations' countries, as the network's registry of organisations has them.
    CUSTODIA_ORGANISATIONS: JSON.stringify(
      Object.fromEntries(
        net.network.organisations.map((organisation) => [organisation.mspId, organisation.country]),
      ),
    ),
    CUSTODIA_NETWORK: 'fabric',
    CUSTODIA_CONNECTION_FILE: profilePath,
    CUSTODIA_LEDGER_EVALUATE_TIMEOUT_MS: '5000',
    CUSTODIA_LEDGER_ENDORSE_TIMEOUT_MS: '5000',
    CUSTODIA_LEDGER_SUBMIT_TIMEOUT_MS: '5000',
    CUSTODIA_LEDGER_COMMIT_TIMEOUT_MS: '10000',
    ...env,
  });
  // The test's own client (its own pool): what the lake's port sees, and what users do on the ledger themselves.
  const client = new LedgerClient({ config: config.ledger });
  const ledger = new FabricLedgerPort({ identities: new WalletIdentities(wallet), client });
  const logger = pino({ level: 'silent' });
  const start = (): Promise<RunningDatalake> => {
    const { ledgerCalls, wrapLedger } = options;
    if (ledgerCalls === undefined && wrapLedger === undefined)
      return startDatalakeWithWallet(config, { wallet, logger, ...deps });
    const lakeLedger = new FabricLedgerPort({ identities: new WalletIdentities(wallet), client });
    const recorded = ledgerCalls === undefined ? lakeLedger : recordingLedger(lakeLedger, ledgerCalls);
    return startDatalake(config, {
      ledger: wrapLedger === undefined ? recorded : wrapLedger(recorded),
      events: lakeLedger,
      logger,
      ...deps,
    });
  };
  let lake = await start();
  return {
    net,
    dir,
    get lake() {
      return lake;
    },
    ledger,
    relays,
    restartLake: async () => {
      await lake.close();
      lake = await start();
    },
    enrol,
    ledgerAs: (actor) => {
      const identity = identities.get(`${actor.mspId}/${actor.id}`);
      if (identity === undefined) throw new Error(`${actor.id} is not enrolled`);
      return client.as(identity);
    },
    refreshProfile,
    call: (method, route, actor, init = {}) =>
      fetch(`${lake.url}${route}`, {
        method,
        headers: {
          authorization: `Bearer ${TOKEN}`,
          ...actorHeaders(actor),
          ...(init.contentType === undefined ? {} : { 'content-type': init.contentType }),
        },
        ...(init.body === undefined ? {} : { body: init.body }),
        ...(init.signal === undefined ? {} : { signal: init.signal }),
      }),
    destroy: async () => {
      client.close();
      await lake.close();
      for (const relay of relays) await relay.close();
      await net.destroy();
      await s3.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The patient's rule that lets any clinician see `categories` for treatment (the tests' usual permit). */
export async function permitClinicians(patient: LedgerSession, categories: Category[]): Promise<void> {
  await patient.rules.create({
    requestId: randomUUID(),
    rule: {
      effect: 'permit',
      grantee: { kind: 'role', role: 'clinician' },
      categories,
      labels: [],
      purposes: ['TREAT'],
    },
  });
}
