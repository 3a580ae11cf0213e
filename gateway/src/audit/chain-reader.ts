/**
 * Reads the committed chain through the ledger client, as any Fabric client can: the peer's query system
 * chaincode (qscc) GetChainInfo, GetBlockByNumber and GetBlockByTxID, evaluated on the gateway peer.
 */
import { common } from '@hyperledger/fabric-protos';
import { LedgerClientError, LedgerClientErrorCode, toLedgerFailure } from '@custodia/ledger';
import type { LedgerConnection } from '@custodia/ledger';

/** The chain as replay and the block explorer need it; a port so pure logic is tested without a network. */
export interface ChainReader {
  /** Number of committed blocks (the next block's number). */
  height(): Promise<number>;
  /** A committed block; callers ask only below `height()`. */
  block(number: number): Promise<common.Block>;
  /** The block holding the transaction; undefined when the peer knows no such transaction. */
  blockOfTransaction(txId: string): Promise<common.Block | undefined>;
}

const QSCC = 'qscc';

export class QsccChainReader implements ChainReader {
  constructor(private readonly connection: LedgerConnection) {}

  async height(): Promise<number> {
    const info = common.BlockchainInfo.deserializeBinary(await this.query('GetChainInfo'));
    return info.getHeight();
  }

  async block(number: number): Promise<common.Block> {
    return common.Block.deserializeBinary(await this.query('GetBlockByNumber', String(number)));
  }

  async blockOfTransaction(txId: string): Promise<common.Block | undefined> {
    try {
      return common.Block.deserializeBinary(await this.query('GetBlockByTxID', txId));
    } catch (error) {
      // qscc answers every failure with status 500 and a message only; with the peer reachable and the
      // id well-formed, its refusal means the transaction is not in the ledger's index.
      if (error instanceof LedgerClientError && error.code === LedgerClientErrorCode.Rejected)
        return undefined;
      throw error;
    }
  }

  private async query(fcn: string, ...args: string[]): Promise<Uint8Array> {
    const network = this.connection.network();
    try {
      return await network.getContract(QSCC).evaluateTransaction(fcn, network.getName(), ...args);
    } catch (error) {
      throw toLedgerFailure(error, '');
    }
  }
}
