/**
 * Reads the committed chain as any Fabric client can: the peer's query system chaincode (qscc) GetChainInfo,
 * GetBlockByNumber and GetBlockByTxID, evaluated through the identity's own session.
 */
import { common } from '@hyperledger/fabric-protos';
import { LedgerClientError, LedgerClientErrorCode } from '../client/errors';
import type { RawSession } from './raw-session';

const QSCC = 'qscc';

export class ChainQueries {
  constructor(private readonly session: RawSession) {}

  /** Number of committed blocks (the next block's number). */
  async height(): Promise<number> {
    return common.BlockchainInfo.deserializeBinary(
      await this.session.querySystem(QSCC, 'GetChainInfo'),
    ).getHeight();
  }

  /** A committed block; callers ask only below `height()`. */
  async block(number: number): Promise<common.Block> {
    return common.Block.deserializeBinary(
      await this.session.querySystem(QSCC, 'GetBlockByNumber', String(number)),
    );
  }

  /** The block holding the transaction; undefined when the peer knows no such transaction. */
  async blockOfTransaction(txId: string): Promise<common.Block | undefined> {
    try {
      return common.Block.deserializeBinary(await this.session.querySystem(QSCC, 'GetBlockByTxID', txId));
    } catch (error) {
      // qscc answers every failure with status 500 and a message only; with the peer reachable and the
      // id well-formed, its refusal means the transaction is not in the ledger's index.
      if (error instanceof LedgerClientError && error.code === LedgerClientErrorCode.Rejected)
        return undefined;
      throw error;
    }
  }
}
