import type { CommittedBlock } from '../ledger/committer';
import { committedBlockOf } from './block-events';
import type { BlockReader, CommitPipeline } from './ports';

const MAX_ANNOUNCED = 256;

/**
 * Blocks `start`..`stop` (inclusive) in order: those already committed, then each new one as it commits, until
 * `stop` is delivered or `signal` aborts. Blocks announced by the committer are used as announced; older ones
 * are read from the block store (which refuses to serve a block that fails its integrity check).
 */
export async function* followBlocks(
  blocks: BlockReader,
  commits: CommitPipeline,
  start: number,
  stop: number,
  signal: AbortSignal,
): AsyncGenerator<CommittedBlock> {
  let next = start;
  const announced: CommittedBlock[] = [];
  let wake: (() => void) | undefined;
  const unsubscribe = commits.onBlock((committed) => {
    // A reader far behind reads from the store instead of holding every new block in memory.
    if (announced.length >= MAX_ANNOUNCED) announced.length = 0;
    announced.push(committed);
    wake?.();
  });
  const onAbort = (): void => wake?.();
  signal.addEventListener('abort', onAbort);
  try {
    while (!signal.aborted && next <= stop) {
      if (next < blocks.height) {
        while (announced.length > 0 && (announced[0]?.number ?? Infinity) < next) announced.shift();
        const head = announced[0];
        if (head?.number === next) {
          announced.shift();
          yield head;
        } else {
          yield committedBlockOf(await blocks.getBlock(next));
        }
        next += 1;
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (next < blocks.height || signal.aborted) resolve();
      });
      wake = undefined;
    }
  } finally {
    unsubscribe();
    signal.removeEventListener('abort', onAbort);
  }
}
