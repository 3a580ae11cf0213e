import { orderer } from '@hyperledger/fabric-protos';

/** A resolved deliver request: which blocks, and whether to wait for blocks not yet committed. */
export interface BlockRange {
  readonly start: number;
  /** Inclusive; Infinity when the client asked to follow the chain (fabric-gateway asks for MAX_SAFE_INTEGER). */
  readonly stop: number;
  readonly failIfNotReady: boolean;
}

export type SeekResult = { readonly ok: true; readonly range: BlockRange } | { readonly ok: false };

/**
 * Where a seek position points, given the ledger height: oldest is 0, newest the last block, a number itself.
 * `nextCommit` (fabric-gateway's default start) is the next block to be committed, i.e. the height.
 */
export function seekPosition(position: orderer.SeekPosition | undefined, height: number): number | undefined {
  switch (position?.getTypeCase()) {
    case orderer.SeekPosition.TypeCase.OLDEST:
      return 0;
    case orderer.SeekPosition.TypeCase.NEWEST:
      return Math.max(height - 1, 0);
    case orderer.SeekPosition.TypeCase.SPECIFIED:
      return position.getSpecified()?.getNumber() ?? 0;
    case orderer.SeekPosition.TypeCase.NEXT_COMMIT:
      return height;
    default:
      return undefined;
  }
}

/** Resolves a SeekInfo the way Fabric's deliver handler does; `ok: false` is a BAD_REQUEST. */
export function resolveSeekInfo(seekInfo: orderer.SeekInfo, height: number): SeekResult {
  const start = seekPosition(seekInfo.getStart(), height);
  const stopPosition = seekInfo.getStop();
  if (start === undefined || stopPosition === undefined) return { ok: false };
  let stop: number;
  switch (stopPosition.getTypeCase()) {
    case orderer.SeekPosition.TypeCase.OLDEST:
      stop = start;
      break;
    case orderer.SeekPosition.TypeCase.NEWEST:
      // Start and stop both "newest" means exactly one block, not whatever is newest once it is sent.
      stop = seekInfo.getStart()?.getTypeCase() === orderer.SeekPosition.TypeCase.NEWEST ? start : height - 1;
      break;
    case orderer.SeekPosition.TypeCase.SPECIFIED: {
      const number = stopPosition.getSpecified()?.getNumber() ?? 0;
      if (number < start) return { ok: false };
      stop = number >= Number.MAX_SAFE_INTEGER ? Number.POSITIVE_INFINITY : number;
      break;
    }
    default:
      return { ok: false };
  }
  if (stop < start) return { ok: false };
  return {
    ok: true,
    range: {
      start,
      stop,
      failIfNotReady: seekInfo.getBehavior() === orderer.SeekInfo.SeekBehavior.FAIL_IF_NOT_READY,
    },
  };
}
