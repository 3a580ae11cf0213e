/**
 * Verifies the hash chain as a client: each block's data_hash must match its envelopes and its previous_hash
 * must be the DER header hash of the block before (Fabric's BlockHeaderHash), blocks numbered in sequence.
 * Every break is reported, each once.
 */
import type { common } from '@hyperledger/fabric-protos';
import { ChainFaultReason, GENESIS_TIP, advanceTip, checkBlock, headerOf } from '@custodia/ledger';
import type { ChainTip } from '@custodia/ledger';
import { DISCREPANCY_KINDS } from './discrepancy';
import type { Discrepancy } from './discrepancy';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

export class HashChainVerifier {
  private tip: ChainTip = GENESIS_TIP;

  /** Checks the next block of the walk; returns what is wrong with it (empty when it extends the chain). */
  check(block: common.Block): Discrepancy[] {
    const expected = this.tip;
    const found: Discrepancy[] = [];
    const header = headerOf(block);
    const number = Number(header.number);
    // checkBlock stops at the first fault; each fault is checked on its own so all of them are named.
    let reason = checkBlock(block, expected);
    if (reason === ChainFaultReason.Number) {
      found.push({
        kind: DISCREPANCY_KINDS.BLOCK_NUMBER_MISMATCH,
        block: expected.height,
        txId: '',
        detail: `block at position ${expected.height} carries number ${number}`,
      });
      reason = checkBlock(block, { ...expected, height: number });
    }
    if (reason === ChainFaultReason.DataHash) {
      found.push({
        kind: DISCREPANCY_KINDS.DATA_HASH_MISMATCH,
        block: number,
        txId: '',
        detail: `data_hash ${hex(header.dataHash)} does not match the block's transactions`,
      });
    }
    if (reason === ChainFaultReason.DataHash || reason === ChainFaultReason.PreviousHash) {
      if (Buffer.compare(header.previousHash, expected.currentHash) !== 0) {
        found.push({
          kind: DISCREPANCY_KINDS.HASH_CHAIN_BROKEN,
          block: number,
          txId: '',
          detail: `previous_hash ${hex(header.previousHash)} is not the header hash ${hex(expected.currentHash)} of block ${expected.height - 1}`,
        });
      }
    }
    // The walk goes on from the block as it is, so one break is reported once, not at every later block.
    this.tip = advanceTip(block);
    return found;
  }
}
