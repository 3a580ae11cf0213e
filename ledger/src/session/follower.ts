/**
 * Follows the chaincode's events from a checkpoint kept in a file, for services that must act on every event of a kind
 * (the lake deleting revoked grants' records, the gateway telling patients of an emergency access). A restart resumes
 * after the last handled event, so nothing is missed while the service was down; delivery is at least once: an event
 * handled just before a crash, before its checkpoint was written, is handled again after it, so handlers are idempotent
 * or accept a repeat. When the stream fails it is reopened at once (the ledger client has moved on to another peer
 * when the stream's peer went down or hung), then with a growing pause while it keeps failing.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { LedgerEvent, LedgerEventStream } from './events';
import type { EventPosition } from './raw-session';

export interface EventFollowerOptions {
  /** Opens the stream of events after `after` (from the first block when undefined). */
  readonly open: (after: EventPosition | undefined) => Promise<LedgerEventStream>;
  /**
   * Where to begin when there is no checkpoint yet (default: the first block). Kept as the checkpoint at once, so a
   * service that only cares about events from when it was first started does not replay the chain's history, and
   * does not skip what happens while it is down before its first event.
   */
  readonly startAt?: () => Promise<EventPosition>;
  /** Acts on one event; the checkpoint moves past it only once this resolves (a rejection reopens the stream). */
  readonly handle: (event: LedgerEvent) => Promise<void>;
  /** JSON file holding the last handled event's position. */
  readonly checkpointFile: string;
  /** Pause before reopening after the stream failed twice in a row (doubling, at most 15 s). */
  readonly retryMs: number;
  /** Told of each failure of the stream or of a handler (for the service's log: codes only). */
  readonly onFailure?: (error: unknown, failuresInARow: number) => void;
}

const MAX_PAUSE_MS = 15_000;

/** The pause after the `failures`-th failure in a row (the first is retried at once). */
export function followerBackoff(retryMs: number, failures: number): number {
  return Math.min(retryMs * 2 ** Math.max(0, failures - 2), MAX_PAUSE_MS);
}

export class EventFollower {
  private stopped = false;
  private stream: LedgerEventStream | undefined;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly options: EventFollowerOptions) {}

  start(): void {
    this.loop ??= this.run();
  }

  /** Closes the stream and waits for the event in hand to be handled. */
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
        this.stream = await this.options.open(await this.position());
        if (this.stopped) this.stream.close();
        for await (const event of this.stream) {
          failures = 0;
          await this.options.handle(event);
          await this.writeCheckpoint({ blockNumber: event.blockNumber, transactionId: event.transactionId });
        }
        // A stream ends only when closed: ended under us, it failed like any other.
        if (!this.stopped) failures += 1;
      } catch (error) {
        if (this.stopped) break;
        failures += 1;
        this.options.onFailure?.(error, failures);
      } finally {
        this.stream?.close();
      }
      if (!this.stopped && failures > 1) await this.pause(followerBackoff(this.options.retryMs, failures));
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

  private async position(): Promise<EventPosition | undefined> {
    const saved = await this.readCheckpoint();
    if (saved !== undefined || this.options.startAt === undefined) return saved;
    const start = await this.options.startAt();
    await this.writeCheckpoint(start);
    return start;
  }

  private async readCheckpoint(): Promise<EventPosition | undefined> {
    try {
      const saved = JSON.parse(await readFile(this.options.checkpointFile, 'utf8')) as {
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
    const temporary = `${this.options.checkpointFile}.tmp`;
    await writeFile(
      temporary,
      JSON.stringify({ blockNumber: position.blockNumber.toString(), transactionId: position.transactionId }),
    );
    await rename(temporary, this.options.checkpointFile);
  }
}
