/**
 * The chain as replay and the block explorer need it; a port so pure logic is tested without a network. The
 * ledger client's chain queries (`session.chain`: qscc through the auditor's own identity) implement it.
 */
import type { common } from '@hyperledger/fabric-protos';

export interface ChainReader {
  /** Number of committed blocks (the next block's number). */
  height(): Promise<number>;
  /** A committed block; callers ask only below `height()`. */
  block(number: number): Promise<common.Block>;
  /** The block holding the transaction; undefined when the peer knows no such transaction. */
  blockOfTransaction(txId: string): Promise<common.Block | undefined>;
}
