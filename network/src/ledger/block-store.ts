import { join } from 'node:path';
import { common, peer } from '@hyperledger/fabric-protos';
import { ClassicLevel } from 'classic-level';
import { BlockFiles } from './block-file';
import type { RecordLocation } from './block-file';
import {
  INDEXED_HEIGHT_KEY,
  blockKey,
  decodeLocation,
  decodeTransactionLocation,
  encodeLocation,
  encodeTransactionLocation,
  txKey,
} from './block-index-keys';
import type { TransactionLocation } from './block-index-keys';
import {
  validationCodesOf,
  ChainFaultReason,
  GENESIS_TIP,
  advanceTip,
  checkBlock,
  parseEnvelopeHeader,
} from '@custodia/ledger';
import type { ChainTip } from '@custodia/ledger';
import { LedgerError, LedgerErrorCode } from './errors';
import { decodeHeight, encodeHeight } from './state-keys';

export type { TransactionLocation } from './block-index-keys';

export interface BlockStoreOptions {
  /** Block files roll over at this size (default 64 MiB, as Fabric's peer). */
  readonly maxFileSize?: number;
}

/** What qscc GetChainInfo answers (common.BlockchainInfo). */
export interface ChainInfo {
  readonly height: number;
  readonly currentBlockHash: Uint8Array;
  readonly previousBlockHash: Uint8Array;
}

/** What a block store found and did while opening. */
export interface OpenReport {
  /** Bytes of an incomplete last record that were cut off. */
  readonly truncatedBytes: number;
  /** Blocks found in the files but missing from the index, now indexed. */
  readonly reindexedBlocks: number;
}

type Db = ClassicLevel<Buffer, Buffer>;

const DEFAULT_MAX_FILE_SIZE = 64 * 1024 * 1024;

function tampered(blockNumber: number, reason: ChainFaultReason): LedgerError {
  return new LedgerError(
    LedgerErrorCode.BlockTampered,
    `block ${blockNumber} failed verification (${reason})`,
    blockNumber,
  );
}

function decodeBlock(bytes: Uint8Array, blockNumber: number): common.Block {
  try {
    return common.Block.deserializeBinary(bytes);
  } catch {
    throw tampered(blockNumber, ChainFaultReason.Corrupt);
  }
}

/** The txIds of a block's envelopes ('' for an envelope that does not decode). */
function txIdsOf(block: common.Block): string[] {
  return (block.getData()?.getDataList_asU8() ?? []).map((envelope) => {
    try {
      return parseEnvelopeHeader(envelope).txId;
    } catch {
      return '';
    }
  });
}

/**
 * Append-only block files plus a LevelDB index (block number → record, txId → block, tx index,
 * validation code). A block is fsynced before `append` resolves; the index follows unsynced and is
 * rebuilt from the files when it lags. Opening verifies every block (checksum, data hash, hash chain),
 * cuts a torn tail, and refuses a tampered store with LedgerError(LEDGER_BLOCK_TAMPERED).
 */
export class BlockStore {
  private appending = false;
  private previousHash: Uint8Array = new Uint8Array(0);

  private constructor(
    private readonly files: BlockFiles,
    private readonly index: Db,
    private tip: ChainTip,
    readonly openReport: OpenReport,
  ) {}

  static async open(dir: string, options: BlockStoreOptions = {}): Promise<BlockStore> {
    const index: Db = new ClassicLevel<Buffer, Buffer>(join(dir, 'index'), {
      keyEncoding: 'buffer',
      valueEncoding: 'buffer',
    });
    await index.open();
    const files = await BlockFiles.open(join(dir, 'chains'), options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE);
    try {
      return await BlockStore.recover(files, index);
    } catch (error) {
      await Promise.all([files.close(), index.close()]);
      throw error;
    }
  }

  private static async recover(files: BlockFiles, index: Db): Promise<BlockStore> {
    const stored = await index.get(INDEXED_HEIGHT_KEY);
    const indexedHeight = stored ? decodeHeight(stored) : 0;
    let tip = GENESIS_TIP;
    let previousHash: Uint8Array = new Uint8Array(0);
    let truncatedBytes = 0;
    let reindexedBlocks = 0;
    const batch = index.batch();

    for await (const record of files.scan()) {
      // A record the index already knows was fsynced before it was indexed: if it is damaged now, that
      // is tampering (or media failure), not a crash in the middle of a write.
      const indexed = tip.height < indexedHeight;
      if (record.kind === 'torn' || (record.kind === 'corrupt' && record.last)) {
        if (indexed || (record.kind === 'torn' && !record.last))
          throw tampered(tip.height, ChainFaultReason.Corrupt);
        const at = record.kind === 'torn' ? record : record.location;
        truncatedBytes = await files.truncateFrom(at.file, at.offset);
        break;
      }
      if (record.kind === 'corrupt') throw tampered(tip.height, ChainFaultReason.Corrupt);
      const block = decodeBlock(record.bytes, tip.height);
      const fault = checkBlock(block, tip);
      if (fault) throw tampered(tip.height, fault);
      if (!indexed) {
        BlockStore.indexBlock(batch, block, record.location, txIdsOf(block));
        reindexedBlocks += 1;
      }
      previousHash = tip.currentHash;
      tip = advanceTip(block);
    }

    if (indexedHeight > tip.height) {
      await batch.close();
      throw new LedgerError(
        LedgerErrorCode.BlocksMissing,
        `the index knows ${indexedHeight} blocks but the block files hold ${tip.height}`,
        tip.height,
      );
    }
    if (reindexedBlocks > 0) {
      batch.put(INDEXED_HEIGHT_KEY, encodeHeight(tip.height));
      await batch.write();
    } else {
      await batch.close();
    }
    const store = new BlockStore(files, index, tip, { truncatedBytes, reindexedBlocks });
    store.previousHash = previousHash;
    return store;
  }

  private static indexBlock(
    batch: ReturnType<Db['batch']>,
    block: common.Block,
    location: RecordLocation,
    txIds: readonly string[],
  ): void {
    const blockNumber = block.getHeader()?.getNumber() ?? 0;
    batch.put(blockKey(blockNumber), encodeLocation(location));
    const codes = validationCodesOf(block);
    txIds.forEach((txId, txIndex) => {
      const validationCode = codes[txIndex] ?? peer.TxValidationCode.NOT_VALIDATED;
      // The first transaction with an id owns it; a later duplicate must not overwrite its status.
      if (txId === '' || validationCode === peer.TxValidationCode.DUPLICATE_TXID) return;
      batch.put(txKey(txId), encodeTransactionLocation({ blockNumber, txIndex, validationCode }));
    });
  }

  /** Number of blocks stored (the next block number). */
  get height(): number {
    return this.tip.height;
  }

  info(): ChainInfo {
    return {
      height: this.tip.height,
      currentBlockHash: this.tip.currentHash,
      previousBlockHash: this.previousHash,
    };
  }

  /**
   * Appends the next block: it must extend the chain (number, previous hash, data hash). Resolves once
   * the block is durable and indexed. `txIds`, when the caller already decoded them, saves re-parsing.
   */
  async append(block: common.Block, txIds?: readonly string[]): Promise<void> {
    if (this.appending) throw new RangeError('BlockStore.append is not re-entrant; serialise appends');
    const fault = checkBlock(block, this.tip);
    if (fault) {
      throw new LedgerError(
        LedgerErrorCode.BlockOutOfOrder,
        `block does not extend the chain at height ${this.tip.height} (${fault})`,
        this.tip.height,
      );
    }
    this.appending = true;
    try {
      const location = await this.files.append(block.serializeBinary());
      const batch = this.index.batch();
      BlockStore.indexBlock(batch, block, location, txIds ?? txIdsOf(block));
      batch.put(INDEXED_HEIGHT_KEY, encodeHeight(this.tip.height + 1));
      await batch.write();
      this.previousHash = this.tip.currentHash;
      this.tip = advanceTip(block);
    } finally {
      this.appending = false;
    }
  }

  /** The stored bytes of a block, checked against their checksum. */
  async getBlockBytes(blockNumber: number): Promise<Uint8Array> {
    if (!Number.isInteger(blockNumber) || blockNumber < 0 || blockNumber >= this.tip.height) {
      throw new LedgerError(LedgerErrorCode.NotFound, `no block ${blockNumber}`, blockNumber);
    }
    const stored = await this.index.get(blockKey(blockNumber));
    if (!stored) throw new LedgerError(LedgerErrorCode.NotFound, `no block ${blockNumber}`, blockNumber);
    const bytes = await this.files.read(decodeLocation(stored));
    if (!bytes) throw tampered(blockNumber, ChainFaultReason.Corrupt);
    return bytes;
  }

  /** A block, refused with LEDGER_BLOCK_TAMPERED if its record no longer matches what was written. */
  async getBlock(blockNumber: number): Promise<common.Block> {
    const block = decodeBlock(await this.getBlockBytes(blockNumber), blockNumber);
    if (block.getHeader()?.getNumber() !== blockNumber) throw tampered(blockNumber, ChainFaultReason.Number);
    return block;
  }

  async getTransactionLocation(txId: string): Promise<TransactionLocation | undefined> {
    const stored = await this.index.get(txKey(txId));
    return stored ? decodeTransactionLocation(stored) : undefined;
  }

  /** The envelope and validation code of a committed transaction (qscc GetTransactionByID). */
  async getTransaction(
    txId: string,
  ): Promise<{ readonly envelope: Uint8Array; readonly location: TransactionLocation } | undefined> {
    const location = await this.getTransactionLocation(txId);
    if (!location) return undefined;
    const block = await this.getBlock(location.blockNumber);
    const envelope = block.getData()?.getDataList_asU8()[location.txIndex];
    if (!envelope) throw tampered(location.blockNumber, ChainFaultReason.Corrupt);
    return { envelope, location };
  }

  /** Which of `txIds` are already on the ledger (one LevelDB round trip). */
  async knownTxIds(txIds: readonly string[]): Promise<Set<string>> {
    const found = await this.index.hasMany(txIds.map(txKey));
    return new Set(txIds.filter((_, i) => found[i]));
  }

  async close(): Promise<void> {
    await Promise.all([this.files.close(), this.index.close()]);
  }
}
