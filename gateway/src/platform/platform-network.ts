/**
 * The ledger the platform runs on: by default the embedded network, started on a thread of this process; with
 * CUSTODIA_NETWORK=fabric a running Fabric network described by its connection file (CUSTODIA_CONNECTION_FILE),
 * whose organisations' CAs the gateway reaches with their own registrars (CUSTODIA_CA_REGISTRARS).
 */
import path from 'node:path';
import type { Logger } from 'pino';
import { readConnectionProfile, readLedgerClientConfig } from '@custodia/ledger';
import type { ConnectionProfile, LedgerClientConfig, NetworkKind } from '@custodia/ledger';
import { readEmbeddedConfig, startEmbeddedNetworkOnThread } from '@custodia/network/embedded';
import type { EmbeddedNetwork } from '@custodia/network/embedded';
import { caEndpoints, readRegistrars } from '../identity';
import type { Registrars } from '../identity';

type Env = Readonly<Record<string, string | undefined>>;

export interface PlatformNetwork {
  readonly kind: NetworkKind;
  /** Peers, channel, chaincode, and each organisation's country and CA. */
  readonly profile: ConnectionProfile;
  /** How the gateway's and the data lake's ledger clients reach it. */
  readonly ledger: LedgerClientConfig;
  /** Each organisation's registrar at its CA. */
  readonly registrars: Registrars;
  /** The embedded network, when the platform started one. */
  readonly embedded?: EmbeddedNetwork;
  /** Stops the embedded network; a Fabric network keeps running. */
  close(): Promise<void>;
}

export interface PlatformNetworkOptions {
  /** The embedded network's data directory (CUSTODIA_NETWORK_DIR wins). */
  readonly networkDir: string;
  /** Embedded network: peer and CA ports picked free. */
  readonly ephemeralPorts?: boolean;
  readonly logger: Logger;
  /** The embedded network's thread stopped without being closed. */
  readonly onStopped?: (error: Error) => void;
}

export async function openPlatformNetwork(
  env: Env,
  options: PlatformNetworkOptions,
): Promise<PlatformNetwork> {
  const networkEnv = { ...env, CUSTODIA_NETWORK_DIR: env.CUSTODIA_NETWORK_DIR ?? options.networkDir };
  const ledger = readLedgerClientConfig(networkEnv);
  if (ledger.network === 'fabric') {
    const profile = await readConnectionProfile(ledger.profilePath);
    return {
      kind: 'fabric',
      profile,
      ledger,
      registrars: await readRegistrars(
        env,
        path.dirname(ledger.profilePath),
        caEndpoints(profile).map((ca) => ca.mspId),
      ),
      close: () => Promise.resolve(),
    };
  }
  const configured = await readEmbeddedConfig(networkEnv);
  const config = options.ephemeralPorts
    ? {
        ...configured,
        peerPort: 0,
        organisations: configured.organisations.map((organisation) => ({ ...organisation, caPort: 0 })),
      }
    : configured;
  const embedded = await startEmbeddedNetworkOnThread(config, {
    logger: options.logger.child({ service: 'network' }),
    ...(options.onStopped === undefined ? {} : { onStopped: options.onStopped }),
  });
  return {
    kind: 'embedded',
    profile: embedded.profile,
    ledger: { ...ledger, profilePath: embedded.profilePath },
    registrars: new Map(
      embedded.organisations.map((organisation) => [organisation.mspId, organisation.registrar]),
    ),
    embedded,
    close: () => embedded.close(),
  };
}
