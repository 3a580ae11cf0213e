import 'reflect-metadata';
import { createPrivateKey, randomBytes } from 'node:crypto';
import { contracts as custodiaContracts } from '@custodia/chaincode/contracts';
import { startCaServer } from '../ca';
import type { CaLogger, CaServer } from '../ca';
import { CaStore } from '../ca/store';
import type { ConnectionProfile, Identity } from '@custodia/ledger';
import { ChaincodeEngine, serializeIdentity } from '../engine';
import type { ContractClass } from '../engine';
import { createGenesisBlock, Ledger } from '../ledger';
import type { BlockSigner, RecoveryReport } from '../ledger';
import { MspRegistry } from '../msp';
import { sign } from '@custodia/ledger';
import { DeliverService } from '../peer/deliver-service';
import { majorityPolicy, SignedEndorsements, validateEndorsements } from '../peer/endorsement-policy';
import { GatewayService } from '../peer/gateway-service';
import { startPeerServer } from '../peer/server';
import type { PeerServer } from '../peer/server';
import type { EmbeddedNetworkConfig } from './config';
import { DataDir } from './data-dir';
import { EngineEndorser } from './endorser';
import { loadTlsMaterial } from './tls';

/** Identifiers only, pino-compatible. */
export type NetworkLogger = CaLogger;

export interface StartedOrganisation {
  readonly mspId: string;
  readonly country: string;
  /** Fabric CA REST endpoint (HTTPS, certificate from the network's TLS CA). */
  readonly caUrl: string;
  readonly caName: string;
  /** The CA's bootstrap registrar, able to register users (fabric-ca-client `register`). */
  readonly registrar: { readonly id: string; readonly secret: string };
}

export interface EmbeddedNetwork {
  readonly config: EmbeddedNetworkConfig;
  /** What clients need (also written to `<dataDir>/connection.json`). */
  readonly profile: ConnectionProfile;
  readonly profilePath: string;
  /** host:port of the peer. */
  readonly endpoint: string;
  /** PEM of the TLS CA the peer's and the CAs' certificates chain to. */
  readonly tlsCaCertificate: string;
  readonly organisations: readonly StartedOrganisation[];
  /** What opening the ledger found (blocks replayed into state, torn tail cut, index rebuilt). */
  readonly recovery: RecoveryReport;
  close(): Promise<void>;
}

export interface StartOptions {
  /** The chaincode's contracts; default the Custodia chaincode. */
  readonly contracts?: readonly ContractClass[];
  readonly logger?: NetworkLogger;
}

const ORDERER_MSP = 'OrdererMSP';
const PEER_TLS_NAME = 'peer0.custodia.local';

function blockSigner(identity: Identity): BlockSigner {
  const key = createPrivateKey(identity.privateKey);
  return { creator: serializeIdentity(identity), sign: (message) => sign(key, message) };
}

/** Closes what was started so far, newest first, when a later step fails. */
class Resources {
  private readonly closers: (() => Promise<void>)[] = [];

  add(close: () => Promise<void>): void {
    this.closers.unshift(close);
  }

  async closeAll(): Promise<void> {
    for (const close of this.closers.splice(0)) {
      await close().catch(() => undefined);
    }
  }
}

/**
 * Starts the whole embedded network in this process: one Fabric-CA-compatible CA per organisation (HTTPS), the
 * channel's MSPs, the ledger (recovered and verified; a tampered store refuses to open), the chaincode engine, and
 * the peer's Gateway + Deliver gRPC service over TLS; then writes the connection profile.
 */
export async function startEmbeddedNetwork(
  config: EmbeddedNetworkConfig,
  options: StartOptions = {},
): Promise<EmbeddedNetwork> {
  const dataDir = new DataDir(config.dataDir);
  await dataDir.create();
  const resources = new Resources();
  try {
    const tls = await loadTlsMaterial(dataDir.tlsDir, PEER_TLS_NAME);
    const registrar = {
      id: config.registrar.id,
      secret: config.registrar.secret ?? (await dataDir.registrarSecret()),
    };
    const msps = new MspRegistry();
    // Revocations reach the registry as the CA records them; those from earlier runs are replayed below.
    const revocations = {
      revoke: (mspId: string, serial: string): void => {
        if (msps.has(mspId)) msps.revoke(mspId, serial);
      },
    };

    const organisations: StartedOrganisation[] = [];
    const peers = new Map<string, Identity>();
    const caCertificates = new Map<string, string>();
    for (const organisation of config.organisations) {
      const ca: CaServer = await startCaServer(
        {
          mspId: organisation.mspId,
          dataDir: dataDir.caDir(organisation.mspId),
          bootstrap: registrar,
          country: organisation.country,
          host: config.host,
          port: organisation.caPort,
          tls,
        },
        { revocations, ...(options.logger && { logger: options.logger }) },
      );
      resources.add(() => ca.close());
      msps.add(organisation.mspId, ca.service.certificate);
      for (const serial of ca.service.revokedSerials()) msps.revoke(organisation.mspId, serial);
      caCertificates.set(organisation.mspId, ca.service.certificate);
      peers.set(
        organisation.mspId,
        await ca.service.authority.issue({
          enrollmentId: `peer0.${organisation.mspId.toLowerCase()}`,
          ou: 'peer',
        }),
      );
      organisations.push({
        mspId: organisation.mspId,
        country: organisation.country,
        caUrl: ca.url,
        caName: ca.service.caName,
        registrar,
      });
    }

    const ordererCa = await new CaStore(dataDir.ordererCaDir).loadOrCreateAuthority({
      mspId: ORDERER_MSP,
      commonName: 'ca.orderer.custodia.local',
    });
    const orderer = await ordererCa.issue({ enrollmentId: 'orderer0', ou: 'orderer' });
    const policy = majorityPolicy(config.organisations.map((organisation) => organisation.mspId));
    const signed = new SignedEndorsements();
    const ledger = await Ledger.open({
      dir: dataDir.ledgerDir(config.channelName),
      channelId: config.channelName,
      genesisBlock: () =>
        createGenesisBlock({
          channelId: config.channelName,
          organisations: config.organisations.map((organisation) => ({
            mspId: organisation.mspId,
            rootCertificates: [caCertificates.get(organisation.mspId) ?? ''],
            tlsRootCertificates: [tls.caCertificate],
          })),
          ordererOrganisation: { mspId: ORDERER_MSP, rootCertificates: [ordererCa.certificate] },
          batch: config.batch,
          timestamp: new Date(),
          nonce: randomBytes(24),
        }),
      batch: config.batch,
      signer: blockSigner(orderer),
      // The committing peer's endorsement validation; the creator's signature was checked when submitted.
      precheck: (transaction) => validateEndorsements(msps, policy, transaction, signed),
    });
    resources.add(() => ledger.close());

    const engine = new ChaincodeEngine({
      contracts: options.contracts ?? custodiaContracts,
      chaincodeName: config.chaincodeName,
      channelName: config.channelName,
    });
    const localMspId = config.organisations[0]?.mspId ?? '';
    const self = { address: `${config.host}:${config.peerPort}`, mspId: localMspId };
    const server: PeerServer = await startPeerServer({
      host: config.host,
      port: config.peerPort,
      tls,
      gateway: new GatewayService({
        channelId: config.channelName,
        msps,
        endorser: new EngineEndorser(engine, ledger.state, peers, policy, localMspId, signed),
        blocks: ledger.blocks,
        commits: ledger.committer,
        self,
      }),
      ...(options.logger && { logger: options.logger }),
      deliver: new DeliverService({
        channelId: config.channelName,
        msps,
        blocks: ledger.blocks,
        commits: ledger.committer,
      }),
    });
    // Stop serving before the ledger closes (resources close newest first).
    resources.add(() => server.close());
    self.address = server.endpoint;

    const profile: ConnectionProfile = {
      channelName: config.channelName,
      chaincodeName: config.chaincodeName,
      peers: [
        {
          endpoint: server.endpoint,
          mspId: localMspId,
          tlsCaCertificate: tls.caCertificate,
          // TLS names are host names (RFC 6066); the certificate names the peer as well as 127.0.0.1.
          hostnameOverride: PEER_TLS_NAME,
        },
      ],
      organisations: organisations.map((organisation) => ({
        mspId: organisation.mspId,
        country: organisation.country,
        ca: { url: organisation.caUrl, caName: organisation.caName, tlsCaCertificate: tls.caCertificate },
      })),
    };
    await dataDir.writeProfile(profile);
    options.logger?.info(
      { endpoint: server.endpoint, channel: config.channelName, height: ledger.blocks.height },
      'embedded network started',
    );
    return {
      config,
      profile,
      profilePath: dataDir.profilePath,
      endpoint: server.endpoint,
      tlsCaCertificate: tls.caCertificate,
      organisations,
      recovery: ledger.recovery,
      close: () => resources.closeAll(),
    };
  } catch (error) {
    await resources.closeAll();
    throw error;
  }
}
