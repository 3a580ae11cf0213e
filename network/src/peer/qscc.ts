import { common, peer } from '@hyperledger/fabric-protos';
import type { BlockReader, ChaincodeResponse } from './ports';

/** The peer's query system chaincode name. */
export const QSCC = 'qscc';

const decoder = new TextDecoder();

function ok(payload: Uint8Array): ChaincodeResponse {
  return { status: 200, message: '', payload };
}

function failure(message: string): ChaincodeResponse {
  return { status: 500, message, payload: new Uint8Array(0) };
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : 'unknown error';
}

function chainInfo(blocks: BlockReader): ChaincodeResponse {
  const { height, currentBlockHash, previousBlockHash } = blocks.info();
  const info = new common.BlockchainInfo();
  info.setHeight(height);
  info.setCurrentblockhash(currentBlockHash);
  info.setPreviousblockhash(previousBlockHash);
  return ok(info.serializeBinary());
}

async function blockByNumber(blocks: BlockReader, argument: string): Promise<ChaincodeResponse> {
  if (!/^[0-9]+$/.test(argument)) return failure(`Failed to parse block number with error invalid syntax`);
  const number = Number(argument);
  if (number >= blocks.height)
    return failure(`Failed to get block number ${number}, error Entry not found in index`);
  return ok((await blocks.getBlock(number)).serializeBinary());
}

async function transactionById(blocks: BlockReader, txId: string): Promise<ChaincodeResponse> {
  if (txId === '') return failure('Transaction ID must not be nil.');
  const found = await blocks.getTransaction(txId);
  if (!found) {
    return failure(
      `Failed to get transaction with id ${txId}, error no such transaction ID [${txId}] in index`,
    );
  }
  const processed = new peer.ProcessedTransaction();
  processed.setTransactionenvelope(common.Envelope.deserializeBinary(found.envelope));
  processed.setValidationcode(found.location.validationCode);
  return ok(processed.serializeBinary());
}

async function blockByTxId(blocks: BlockReader, txId: string): Promise<ChaincodeResponse> {
  const location = txId === '' ? undefined : await blocks.getTransactionLocation(txId);
  if (!location) {
    return failure(`Failed to get block for txID ${txId}, error no such transaction ID [${txId}] in index`);
  }
  return ok((await blocks.getBlock(location.blockNumber)).serializeBinary());
}

/**
 * The ledger queries of Fabric's qscc, answered from the committed chain: GetChainInfo, GetBlockByNumber,
 * GetTransactionByID and GetBlockByTxID, with qscc's argument checks and 500 responses on failure.
 */
export async function invokeQscc(
  blocks: BlockReader,
  channelId: string,
  args: readonly Uint8Array[],
): Promise<ChaincodeResponse> {
  if (args.length < 2) return failure(`Incorrect number of arguments, ${args.length}`);
  const [fcn, channel, argument] = args.map((arg) => decoder.decode(arg));
  if (channel !== channelId) return failure(`Invalid chain ID, ${channel ?? ''}`);
  if (fcn !== 'GetChainInfo' && args.length < 3) {
    return failure(`missing 3rd argument for ${fcn ?? ''}`);
  }
  try {
    switch (fcn) {
      case 'GetChainInfo':
        return chainInfo(blocks);
      case 'GetBlockByNumber':
        return await blockByNumber(blocks, argument ?? '');
      case 'GetTransactionByID':
        return await transactionById(blocks, argument ?? '');
      case 'GetBlockByTxID':
        return await blockByTxId(blocks, argument ?? '');
      default:
        return failure(`Requested function ${fcn ?? ''} not found.`);
    }
  } catch (error) {
    return failure(`Failed to query the ledger, error ${reason(error)}`);
  }
}
