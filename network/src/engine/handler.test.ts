import { LedgerCallErrorCode } from './index';
import { MemoryState } from '@custodia/ledger';
import { PeerHandler } from './handler';
import { TxSimulator } from './simulator';

function handler(): PeerHandler {
  const state = new MemoryState();
  state.apply('cc', [{ key: 'k', isDelete: false, value: new Uint8Array([1]) }], {
    version: { blockNum: 1, txNum: 0 },
    txId: 'tx1',
    timestamp: { seconds: 1, nanos: 0 },
  });
  return new PeerHandler({
    simulator: new TxSimulator(state, 'cc', 'tx2'),
    state,
    channelId: 'ch',
    txId: 'tx2',
  });
}

describe('PeerHandler', () => {
  it('answers calls made after the transaction returned as a peer does: no ledger context', async () => {
    const peer = handler();
    expect(await peer.handleGetState('', 'k')).toEqual(Buffer.from([1]));
    await peer.finish();
    await expect(peer.handleGetState('', 'k')).rejects.toMatchObject({
      code: LedgerCallErrorCode.TransactionFinished,
      message: 'GET_STATE failed: transaction ID: tx2: no ledger context',
    });
    await expect(peer.handlePutState('', 'k', new Uint8Array([2]))).rejects.toMatchObject({
      code: LedgerCallErrorCode.TransactionFinished,
    });
  });

  it('refuses to continue an iterator it does not know', async () => {
    await expect(handler().handleQueryStateNext('nope')).rejects.toMatchObject({
      code: LedgerCallErrorCode.UnknownIterator,
      message: 'QUERY_STATE_NEXT failed: transaction ID: tx2: query iterator not found',
    });
  });
});
