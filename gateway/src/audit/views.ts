/**
 * JSON views of decoded blocks for the block explorer: hashes in hex, times as instants, writes as text.
 * The chaincode writes only ids, codes, hashes and times, so values are shown as written.
 */
import type { DecodedBlock, DecodedTransaction, DecodedWrite } from './chain-decode';
import { splitKey } from './world-keys';

export interface WriteView {
  readonly namespace: string;
  /** The key as stored (composite keys contain U+0000 separators). */
  readonly key: string;
  /** For a composite key: its object type and attributes. */
  readonly objectType?: string;
  readonly attributes?: readonly string[];
  readonly isDelete: boolean;
  /** The value as UTF-8 text (JSON for records, empty for index markers and deletes). */
  readonly value: string;
}

export interface TransactionSummary {
  readonly index: number;
  readonly txId: string;
  readonly type: string;
  readonly creatorMspId: string;
  readonly chaincodeName?: string;
  readonly functionName?: string;
  readonly validationCode: string;
  readonly timestamp: string;
}

export interface TransactionView extends TransactionSummary {
  readonly blockNumber: number;
  readonly writes: readonly WriteView[];
}

export interface BlockView {
  readonly number: number;
  /** Hex SHA-256 of this block's header (what the next block's previousHash must be). */
  readonly hash: string;
  readonly previousHash: string;
  readonly dataHash: string;
  readonly transactionCount: number;
  readonly transactions: readonly TransactionSummary[];
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** An index entry's value is a single zero byte (Fabric treats an empty value as a delete). */
function valueText(write: DecodedWrite): string {
  if (write.isDelete || (write.value.length === 1 && write.value[0] === 0)) return '';
  return Buffer.from(write.value).toString('utf8');
}

export function writeView(write: DecodedWrite): WriteView {
  const split = splitKey(write.key);
  return {
    namespace: write.namespace,
    key: write.key,
    ...(split && { objectType: split.objectType, attributes: split.attributes }),
    isDelete: write.isDelete,
    value: valueText(write),
  };
}

export function transactionSummary(tx: DecodedTransaction): TransactionSummary {
  return {
    index: tx.index,
    txId: tx.txId,
    type: tx.type,
    creatorMspId: tx.creatorMspId,
    ...(tx.chaincodeName !== undefined && { chaincodeName: tx.chaincodeName }),
    ...(tx.functionName !== undefined && { functionName: tx.functionName }),
    validationCode: tx.validationCodeName,
    timestamp: tx.timestamp,
  };
}

export function transactionView(block: DecodedBlock, tx: DecodedTransaction): TransactionView {
  return { ...transactionSummary(tx), blockNumber: block.number, writes: tx.writes.map(writeView) };
}

export function blockView(block: DecodedBlock): BlockView {
  return {
    number: block.number,
    hash: hex(block.headerHash),
    previousHash: hex(block.previousHash),
    dataHash: hex(block.dataHash),
    transactionCount: block.transactions.length,
    transactions: block.transactions.map(transactionSummary),
  };
}
