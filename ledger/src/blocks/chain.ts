import type { common } from '@hyperledger/fabric-protos';
import { blockDataHash } from './block-hash';
import { blockHash, headerOf } from './block-read';

/** What is wrong with a block, as the chain sees it. */
export const ChainFaultReason = {
  /** The header number is not the next one. */
  Number: 'NUMBER',
  /** The data hash does not match the envelopes. */
  DataHash: 'DATA_HASH',
  /** previous_hash is not the header hash of the block before. */
  PreviousHash: 'PREVIOUS_HASH',
  /** The bytes do not decode as a block (or fail their storage checksum). */
  Corrupt: 'CORRUPT',
} as const;
export type ChainFaultReason = (typeof ChainFaultReason)[keyof typeof ChainFaultReason];

export interface ChainFault {
  readonly blockNumber: number;
  readonly reason: ChainFaultReason;
}

/** What a block must follow: the expected number and the header hash of its predecessor. */
export interface ChainTip {
  readonly height: number;
  /** Header hash of block height-1; empty for the genesis block. */
  readonly currentHash: Uint8Array;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

/** Checks one block against the tip it should extend; undefined when it does. */
export function checkBlock(block: common.Block, tip: ChainTip): ChainFaultReason | undefined {
  const header = headerOf(block);
  if (Number(header.number) !== tip.height) return ChainFaultReason.Number;
  if (!sameBytes(header.dataHash, blockDataHash(block.getData()?.getDataList_asU8() ?? []))) {
    return ChainFaultReason.DataHash;
  }
  if (!sameBytes(header.previousHash, tip.currentHash)) return ChainFaultReason.PreviousHash;
  return undefined;
}

/** The tip after `block`. */
export function advanceTip(block: common.Block): ChainTip {
  return { height: Number(headerOf(block).number) + 1, currentHash: blockHash(block) };
}

export const GENESIS_TIP: ChainTip = { height: 0, currentHash: new Uint8Array(0) };

/**
 * Walks blocks from `from` (default: the genesis) and names the first block that breaks the chain:
 * wrong number, data hash not matching its envelopes, or previous hash not matching its predecessor.
 */
export function verifyChain(
  blocks: Iterable<common.Block>,
  from: ChainTip = GENESIS_TIP,
): ChainFault | undefined {
  let tip = from;
  for (const block of blocks) {
    const reason = checkBlock(block, tip);
    if (reason) return { blockNumber: tip.height, reason };
    tip = advanceTip(block);
  }
  return undefined;
}
