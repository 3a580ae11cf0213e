import { orderer } from '@hyperledger/fabric-protos';
import { resolveSeekInfo, seekPosition } from './seek';

type Kind = 'oldest' | 'newest' | 'nextCommit' | number;

function position(kind: Kind): orderer.SeekPosition {
  const result = new orderer.SeekPosition();
  if (kind === 'oldest') result.setOldest(new orderer.SeekOldest());
  else if (kind === 'newest') result.setNewest(new orderer.SeekNewest());
  else if (kind === 'nextCommit') result.setNextCommit(new orderer.SeekNextCommit());
  else {
    const specified = new orderer.SeekSpecified();
    specified.setNumber(kind);
    result.setSpecified(specified);
  }
  return result;
}

function seek(start: Kind, stop: Kind | undefined, failIfNotReady = false): orderer.SeekInfo {
  const info = new orderer.SeekInfo();
  info.setStart(position(start));
  if (stop !== undefined) info.setStop(position(stop));
  if (failIfNotReady) info.setBehavior(orderer.SeekInfo.SeekBehavior.FAIL_IF_NOT_READY);
  return info;
}

describe('seek positions (ledger height 10)', () => {
  it.each<[Kind, number]>([
    ['oldest', 0],
    ['newest', 9],
    ['nextCommit', 10],
    [4, 4],
  ])('%s is block %i', (kind, block) => {
    expect(seekPosition(position(kind), 10)).toBe(block);
  });

  it('resolves a range, following the chain when the stop is the largest number', () => {
    expect(resolveSeekInfo(seek(2, 5), 10)).toEqual({
      ok: true,
      range: { start: 2, stop: 5, failIfNotReady: false },
    });
    expect(resolveSeekInfo(seek('oldest', Number.MAX_SAFE_INTEGER), 10)).toEqual({
      ok: true,
      range: { start: 0, stop: Number.POSITIVE_INFINITY, failIfNotReady: false },
    });
    expect(resolveSeekInfo(seek('newest', 'newest', true), 10)).toEqual({
      ok: true,
      range: { start: 9, stop: 9, failIfNotReady: true },
    });
  });

  it('refuses a stop before the start and a missing stop (BAD_REQUEST)', () => {
    expect(resolveSeekInfo(seek(5, 2), 10)).toEqual({ ok: false });
    expect(resolveSeekInfo(seek(5, undefined), 10)).toEqual({ ok: false });
  });
});
