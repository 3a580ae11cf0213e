/**
 * Wires emergency notices for a running gateway: only with an SMTP server configured and a service identity to read
 * the chaincode's events with (otherwise nothing is started and the portal's notice at sign-in is the only one).
 */
import path from 'node:path';
import type { Logger } from 'pino';
import type { ConnectionProfile, LedgerClient, Signer } from '@custodia/ledger';
import type { GatewayConfig } from '../config';
import type { IdentityService } from '../identity';
import { EmergencyNotifier, transactionTimeIn } from './emergency-notifier';
import { smtpMailer } from './mailer';

export interface EmergencyNoticesOptions {
  readonly config: Pick<GatewayConfig, 'smtp' | 'publicBaseUrl' | 'dataDir'>;
  readonly client: LedgerClient;
  readonly signer: Signer | undefined;
  readonly identity: IdentityService;
  readonly profile: ConnectionProfile;
  /** The gateway's own address, for the portal link when no public base URL is configured. */
  readonly url: string;
  readonly logger: Logger;
  readonly now: () => Date;
}

export interface RunningNotices {
  stop(): Promise<void>;
}

export function startEmergencyNotices(options: EmergencyNoticesOptions): RunningNotices | undefined {
  const { config, signer } = options;
  if (config.smtp === undefined || signer === undefined) return undefined;
  const session = options.client.as(signer);
  const mailer = smtpMailer(config.smtp);
  const notifier = new EmergencyNotifier({
    events: (after) => session.events.chaincode(after),
    // Notices are about what happens from the first start with notices on, not the chain's history.
    startAt: async () => ({ blockNumber: BigInt(await session.chain.height()), transactionId: '' }),
    transactionTime: async (position) =>
      transactionTimeIn(await session.chain.block(Number(position.blockNumber)), position) ?? options.now(),
    patient: (patientId) =>
      options.identity
        .listUsers()
        .find((user) => user.role === 'patient' && user.ledgerId === patientId && !user.disabled),
    countryOf: (mspId) =>
      options.profile.organisations.find((organisation) => organisation.mspId === mspId)?.country,
    mailer,
    portalUrl: config.publicBaseUrl ?? options.url,
    checkpointFile: path.join(config.dataDir, 'emergency-notices-checkpoint.json'),
    retryMs: 1_000,
    logger: options.logger.child({ component: 'emergency-notices' }),
  });
  notifier.start();
  return {
    stop: async () => {
      await notifier.stop();
      mailer.close();
    },
  };
}
