/**
 * Runs the consumer-zone expiry sweep at start and then periodically, and after it the curated zone's sweep of
 * what assemblies left behind. The schedule lives in the bucket (expiry markers), so a restarted service deletes
 * whatever expired while it was down.
 */
import type { Logger } from 'pino';
import type { ConsumerZone } from './consumer';
import type { CuratedLeftovers } from './curated';

export interface SweeperOptions {
  readonly intervalMs: number;
  readonly now?: () => Date;
  readonly logger?: Logger;
}

export class ExpirySweeper {
  private timer?: NodeJS.Timeout;
  private running?: Promise<string[]>;

  constructor(
    private readonly consumer: ConsumerZone,
    private readonly curated: CuratedLeftovers,
    private readonly options: SweeperOptions,
  ) {}

  /** Sweeps once now, then every interval. */
  async start(): Promise<string[]> {
    const first = await this.sweepOnce();
    this.timer = setInterval(() => {
      void this.sweepOnce();
    }, this.options.intervalMs);
    this.timer.unref();
    return first;
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One sweep; overlapping calls share the sweep in progress. Failures are logged and retried next time. */
  sweepOnce(): Promise<string[]> {
    if (this.running !== undefined) return this.running;
    const now = (this.options.now ?? (() => new Date()))();
    this.running = this.sweep(now).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async sweep(now: Date): Promise<string[]> {
    let removed: string[] = [];
    try {
      removed = await this.consumer.sweep(now);
      if (removed.length > 0)
        this.options.logger?.info({ grants: removed.length }, 'expired temporary records deleted');
    } catch (error) {
      this.warn(error, 'expiry sweep failed; will retry');
    }
    try {
      const leftovers = await this.curated.sweep(now, new Set(removed));
      if (leftovers > 0) this.options.logger?.info({ objects: leftovers }, 'curated leftovers deleted');
    } catch (error) {
      this.warn(error, 'curated leftovers sweep failed; will retry');
    }
    return removed;
  }

  private warn(error: unknown, message: string): void {
    this.options.logger?.warn({ code: (error as { code?: string }).code }, message);
  }
}
