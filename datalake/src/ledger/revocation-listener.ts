/**
 * Deletes the temporary records of revoked grants as soon as the ledger says so: it follows the chaincode's events
 * (rule and emergency-policy changes, erasures, disabled identities and grants their patient ended name the grants
 * they revoked) from a checkpoint
 * kept in the lake's data directory (`EventFollower`), so a restart resumes where it stopped and no revocation is
 * missed while the lake was down. The consumer zone also refuses revoked grants at read time (the ledger is asked on
 * every download); this listener is what makes the bytes go away.
 */
import type { Logger } from 'pino';
import { EVENTS } from '@custodia/chaincode';
import { EventFollower } from '@custodia/ledger';
import type { ConsumerZone } from '../zones/consumer';
import type { LedgerActor, LedgerEvent, LedgerEventSource } from './port';

export interface RevocationListenerDeps {
  readonly events: LedgerEventSource;
  readonly actor: LedgerActor;
  readonly consumer: ConsumerZone;
  /** JSON file holding the last handled event's position. */
  readonly checkpointFile: string;
  readonly logger: Logger;
  /**
   * Pause before reconnecting after the stream failed twice in a row (doubling, at most 15 s). The first reconnect
   * is immediate: the ledger client has moved to another peer when the stream's peer went down or hung.
   */
  readonly retryMs: number;
  /** Called after a revocation event was handled (grant ids whose records were deleted). */
  readonly onRevoked?: (grantIds: readonly string[]) => void;
}

/**
 * The grant ids a chaincode event revoked: rule and emergency-policy changes, a patient's erasure and a disabled
 * identity name them, and so does a patient ending a grant; other events none.
 */
export function revokedGrantIds(event: Pick<LedgerEvent, 'event'>): string[] {
  const decoded = event.event;
  switch (decoded?.name) {
    case EVENTS.ruleChanged:
    case EVENTS.emergencyPolicySet:
    case EVENTS.patientErased:
    case EVENTS.identityDisabled:
    case EVENTS.grantEnded:
      return [...decoded.payload.revokedGrantIds];
    default:
      return [];
  }
}

export class RevocationListener {
  private readonly follower: EventFollower;

  constructor(deps: RevocationListenerDeps) {
    this.follower = new EventFollower({
      open: (after) => deps.events.chaincodeEvents(deps.actor, after),
      handle: async (event) => {
        const grantIds = revokedGrantIds(event);
        if (grantIds.length === 0) return;
        for (const grantId of grantIds) await deps.consumer.remove(grantId);
        deps.logger.info({ grantIds }, 'temporary records of revoked grants deleted');
        deps.onRevoked?.(grantIds);
      },
      checkpointFile: deps.checkpointFile,
      retryMs: deps.retryMs,
      onFailure: (error, failures) =>
        deps.logger.warn(
          { code: (error as { code?: unknown }).code, failures },
          'ledger event stream failed; reconnecting',
        ),
    });
  }

  start(): void {
    this.follower.start();
  }

  stop(): Promise<void> {
    return this.follower.stop();
  }
}
