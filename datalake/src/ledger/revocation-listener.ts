/**
 * Deletes the temporary records of revoked grants as soon as the ledger says so: it follows the chaincode's events
 * (rule and emergency-policy changes, erasures and disabled identities name the grants they revoked) from a checkpoint kept in the lake's
 * data directory, so a restart resumes where it stopped and no revocation is missed while the lake was down.
 * The consumer zone also refuses revoked grants at read time (the ledger is asked on every download); this
 * listener is what makes the bytes go away.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { EVENTS } from '@custodia/chaincode';
import type { ConsumerZone } from '../zones/consumer';
import type { EventPosition, LedgerActor, LedgerEvent, LedgerEventSource, LedgerEventStream } from './port';

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
 * identity name them; other events none.
 */
export function revokedGrantIds(event: Pick<LedgerEvent, 'event'>): string[] {
  const decoded = event.event;
  switch (decoded?.name) {
    case EVENTS.ruleChanged:
    case EVENTS.emergencyPolicySet:
    case EVENTS.patientErased:
    case EVENTS.identityDisabled:
      return [...decoded.payload.revokedGrantIds];
    default:
      return [];
  }
}

const MAX_PAUSE_MS = 15_000;

/** The pause after the `failures`-th failure in a row (the first is retried at once). */
function backoff(retryMs: number, failures: number): number {
  return Math.min(retryMs * 2 ** Math.max(0, failures - 2), MAX_PAUSE_MS);
}

export class RevocationListener {
  private stopped = false;
  private stream: LedgerEventStream | undefined;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly deps: RevocationListenerDeps) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stream?.close();
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        this.stream = await this.deps.events.chaincodeEvents(this.deps.actor, await this.readCheckpoint());
        if (this.stopped) this.stream.close();
        for await (const event of this.stream) {
          failures = 0;
          const grantIds = revokedGrantIds(event);
          for (const grantId of grantIds) await this.deps.consumer.remove(grantId);
          await this.writeCheckpoint({ blockNumber: event.blockNumber, transactionId: event.transactionId });
          if (grantIds.length > 0) {
            this.deps.logger.info({ grantIds }, 'temporary records of revoked grants deleted');
            this.deps.onRevoked?.(grantIds);
          }
        }
        // A stream ends only when closed: ended under us, it failed like any other.
        if (!this.stopped) failures += 1;
      } catch (error) {
        if (this.stopped) break;
        failures += 1;
        this.deps.logger.warn(
          { code: (error as { code?: unknown }).code, failures },
          'ledger event stream failed; reconnecting',
        );
      }
      if (!this.stopped && failures > 1) await this.pause(backoff(this.deps.retryMs, failures));
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async readCheckpoint(): Promise<EventPosition | undefined> {
    try {
      const saved = JSON.parse(await readFile(this.deps.checkpointFile, 'utf8')) as {
        blockNumber: string;
        transactionId: string;
      };
      return { blockNumber: BigInt(saved.blockNumber), transactionId: saved.transactionId };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Written to a temporary file and renamed, so a crash never leaves a torn checkpoint. */
  private async writeCheckpoint(position: EventPosition): Promise<void> {
    const temporary = `${this.deps.checkpointFile}.tmp`;
    await writeFile(
      temporary,
      JSON.stringify({ blockNumber: position.blockNumber.toString(), transactionId: position.transactionId }),
    );
    await rename(temporary, this.deps.checkpointFile);
  }
}
