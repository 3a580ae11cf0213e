/**
 * Tells patients, by e-mail, when a clinician broke the glass on their record. It follows the chaincode's events with
 * the platform's service identity (`EventFollower`: from a checkpoint in the gateway's data directory, so a notice is
 * not lost while the gateway is down), and for every granted emergency access to a patient of this gateway who has an
 * e-mail address, sends the notice (`emergency-notice.ts`: when, which organisation, where to look — no reason text,
 * nothing medical). Whichever organisation's gateway the clinician used, the patient's home gateway sees the event:
 * every peer of the channel delivers it.
 *
 * A notice the SMTP server refuses for good (5xx: an address that does not exist) is logged by patient-free codes and
 * skipped; any other failure (the server unreachable, 4xx) stops the follower at that event and retries it with a
 * growing pause, so a notice waits for the server rather than being dropped. Delivery is at least once: a crash after
 * sending and before the checkpoint sends that notice again.
 */
import type { Logger } from 'pino';
import { EVENTS } from '@custodia/chaincode';
import { EventFollower, parseEnvelopeHeader } from '@custodia/ledger';
import type { EventPosition, LedgerEvent, LedgerEventStream } from '@custodia/ledger';
import { emergencyAccessNotice } from './emergency-notice';
import type { Mailer } from './mailer';

export interface NotifiedPatient {
  readonly email?: string;
}

export interface EmergencyNotifierDeps {
  /** The chaincode's events after a position, as the service identity reads them. */
  readonly events: (after: EventPosition | undefined) => Promise<LedgerEventStream>;
  /** Where to begin on the first start (no checkpoint yet). */
  readonly startAt: () => Promise<EventPosition>;
  /** When a transaction was made (its channel header's timestamp), read from its block. */
  readonly transactionTime: (position: EventPosition) => Promise<Date>;
  /** The patient this gateway serves under a ledger id, if any. */
  readonly patient: (patientId: string) => NotifiedPatient | undefined;
  /** An organisation's country, from the network's profile. */
  readonly countryOf: (mspId: string) => string | undefined;
  readonly mailer: Mailer;
  /** Where the patient signs in (the portal). */
  readonly portalUrl: string;
  readonly checkpointFile: string;
  readonly retryMs: number;
  readonly logger: Logger;
}

/** The facts of a granted emergency access in an event, or undefined for any other event. */
export function grantedEmergency(
  event: Pick<LedgerEvent, 'event'>,
): { patientId: string; requesterMspId: string } | undefined {
  const decoded = event.event;
  if (decoded?.name !== EVENTS.emergencyAccess || decoded.payload.grantId === undefined) return undefined;
  return { patientId: decoded.payload.patientId, requesterMspId: decoded.payload.requesterMspId };
}

/** An SMTP refusal that will not change by trying again (a 5xx reply). */
function permanentRefusal(error: unknown): boolean {
  const code = (error as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

export class EmergencyNotifier {
  private readonly follower: EventFollower;

  constructor(private readonly deps: EmergencyNotifierDeps) {
    this.follower = new EventFollower({
      open: deps.events,
      startAt: deps.startAt,
      handle: (event) => this.handle(event),
      checkpointFile: deps.checkpointFile,
      retryMs: deps.retryMs,
      onFailure: (error, failures) =>
        deps.logger.warn(
          { code: (error as { code?: unknown }).code, failures },
          'emergency notices: event stream or mail server failed; retrying',
        ),
    });
  }

  start(): void {
    this.follower.start();
  }

  stop(): Promise<void> {
    return this.follower.stop();
  }

  private async handle(event: LedgerEvent): Promise<void> {
    const emergency = grantedEmergency(event);
    if (emergency === undefined) return;
    const to = this.deps.patient(emergency.patientId)?.email;
    if (to === undefined) return;
    const message = emergencyAccessNotice({
      to,
      at: await this.deps.transactionTime(event),
      organisation: emergency.requesterMspId,
      country: this.deps.countryOf(emergency.requesterMspId) ?? '?',
      portalUrl: this.deps.portalUrl,
    });
    try {
      await this.deps.mailer.send(message);
      this.deps.logger.info({ transactionId: event.transactionId }, 'emergency access notice sent');
    } catch (error) {
      if (!permanentRefusal(error)) throw error;
      this.deps.logger.warn(
        { transactionId: event.transactionId, smtpCode: (error as { responseCode: number }).responseCode },
        'emergency access notice refused by the mail server; not retried',
      );
    }
  }
}

/** The timestamp of transaction `position.transactionId` in block `position.blockNumber`. */
export function transactionTimeIn(
  block: { getData(): { getDataList_asU8(): Uint8Array[] } | undefined },
  position: EventPosition,
): Date | undefined {
  for (const envelope of block.getData()?.getDataList_asU8() ?? []) {
    const header = parseEnvelopeHeader(envelope);
    if (header.txId === position.transactionId)
      return new Date(header.timestamp.seconds * 1000 + Math.floor(header.timestamp.nanos / 1e6));
  }
  return undefined;
}
