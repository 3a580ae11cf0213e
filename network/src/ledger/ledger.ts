import { join } from 'node:path';
import { peer } from '@hyperledger/fabric-protos';
import type { common } from '@hyperledger/fabric-protos';
import { BlockStore } from './block-store';
import type { BlockStoreOptions } from './block-store';
import { validationCodesOf, parseEnvelopeHeader, parseTransaction } from '@custodia/ledger';
import type { BlockSigner } from './blocks';
import { Committer } from './committer';
import type { BatchOptions, Precheck } from './committer';
import { LedgerError, LedgerErrorCode } from './errors';
import { StateDb } from './state-db';
import type { AppliedTransaction } from './state-db';

export interface LedgerOptions extends BlockStoreOptions {
  /** Data directory of this channel's ledger (block files, index, state). */
  readonly dir: string;
  readonly channelId: string;
  /** Block 0, used only when the ledger is new (see createGenesisBlock). */
  readonly genesisBlock: () => common.Block;
  readonly batch?: Partial<BatchOptions>;
  readonly signer?: BlockSigner;
  readonly precheck?: Precheck;
}

/** What opening found: blocks replayed into state, a torn tail cut, index entries rebuilt. */
export interface RecoveryReport {
  readonly height: number;
  readonly replayedBlocks: number;
  readonly truncatedBytes: number;
  readonly reindexedBlocks: number;
}

/** The valid transactions of a stored block, as state applies them (VALID in its TRANSACTIONS_FILTER). */
function appliedTransactions(block: common.Block): AppliedTransaction[] {
  const codes = validationCodesOf(block);
  const applied: AppliedTransaction[] = [];
  (block.getData()?.getDataList_asU8() ?? []).forEach((envelope, txNum) => {
    if (codes[txNum] !== peer.TxValidationCode.VALID) return;
    const transaction = parseTransaction(envelope);
    applied.push({
      txNum,
      txId: transaction.txId,
      timestamp: transaction.timestamp,
      rwsets: transaction.actions.flatMap((action) => action.rwsets),
    });
  });
  return applied;
}

/**
 * One channel's ledger: block store, world state and the committer that feeds both. Opening recovers
 * from a crash at any point: the block store cuts a torn tail and verifies the chain, then state
 * replays every block it has not applied (a block is durable before its state is written).
 */
export class Ledger {
  private constructor(
    readonly blocks: BlockStore,
    readonly state: StateDb,
    readonly committer: Committer,
    readonly recovery: RecoveryReport,
  ) {}

  static async open(options: LedgerOptions): Promise<Ledger> {
    const blocks = await BlockStore.open(join(options.dir, 'blocks'), options);
    let state: StateDb | undefined;
    try {
      if (blocks.height === 0) await blocks.append(options.genesisBlock());
      const first = (await blocks.getBlock(0)).getData()?.getDataList_asU8()[0];
      if (!first || parseEnvelopeHeader(first).channelId !== options.channelId) {
        throw new LedgerError(
          LedgerErrorCode.ChannelMismatch,
          'the stored ledger belongs to another channel',
        );
      }
      state = await StateDb.open(join(options.dir, 'state'));
      if (state.height > blocks.height) {
        throw new LedgerError(
          LedgerErrorCode.StateAhead,
          `state is at height ${state.height} but the block store at ${blocks.height}`,
          blocks.height,
        );
      }
      const replayFrom = state.height;
      for (let number = replayFrom; number < blocks.height; number++) {
        await state.applyBlock(number, appliedTransactions(await blocks.getBlock(number)));
      }
      const committer = await Committer.start({
        channelId: options.channelId,
        blocks,
        state,
        ...(options.batch && { batch: options.batch }),
        ...(options.signer && { signer: options.signer }),
        ...(options.precheck && { precheck: options.precheck }),
      });
      return new Ledger(blocks, state, committer, {
        height: blocks.height,
        replayedBlocks: blocks.height - replayFrom,
        ...blocks.openReport,
      });
    } catch (error) {
      await Promise.all([blocks.close(), state?.close()]);
      throw error;
    }
  }

  /** Commits what is pending, then closes the committer, the state database and the block store. */
  async close(): Promise<void> {
    try {
      await this.committer.close();
    } finally {
      await Promise.all([this.state.close(), this.blocks.close()]);
    }
  }
}
