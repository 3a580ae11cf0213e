import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { common } from '@hyperledger/fabric-protos';
import { peer } from '@hyperledger/fabric-protos';
import type { Identity } from '@custodia/ledger';
import { issueIdentity, makeTransaction, put, rwset } from '../../test/fixtures/ledger-transactions';
import { BlockFiles } from './block-file';
import { BlockStore } from './block-store';
import { createBlock, sealBlock } from './blocks';
import { blockHash } from '@custodia/ledger';
import { LedgerErrorCode } from './errors';
import { createGenesisBlock } from './genesis';

const CHANNEL = 'custodia';
let client: Identity;
let endorser: Identity;
let dir: string;

beforeAll(async () => {
  [client, endorser] = await Promise.all([
    issueIdentity('HospitalDEMSP', 'client'),
    issueIdentity('HospitalDEMSP', 'peer'),
  ]);
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'custodia-blocks-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const genesis = (): common.Block =>
  createGenesisBlock({
    channelId: CHANNEL,
    organisations: [],
    batch: { maxMessageCount: 10, timeoutMs: 20 },
    timestamp: new Date('2025-01-01T00:00:00Z'),
    nonce: Buffer.alloc(24, 1),
  });

/** The next block after `previous` with `count` transactions; returns the block and its txIds. */
function nextBlock(previous: common.Block, count: number): { block: common.Block; txIds: string[] } {
  const transactions = Array.from({ length: count }, (_, i) =>
    makeTransaction(client, endorser, {
      channelId: CHANNEL,
      rwset: rwset('custodia', { writes: [put(`k${i}`, `v${i}`)] }),
    }),
  );
  const number = (previous.getHeader()?.getNumber() ?? 0) + 1;
  const block = createBlock(
    number,
    blockHash(previous),
    transactions.map((transaction) => transaction.envelope),
  );
  const codes = transactions.map((_, i) =>
    i === 1 ? peer.TxValidationCode.MVCC_READ_CONFLICT : peer.TxValidationCode.VALID,
  );
  sealBlock(block, {
    lastConfig: 0,
    validationCodes: Uint8Array.from(codes),
    commitHash: Buffer.alloc(32, number),
  });
  return { block, txIds: transactions.map((transaction) => transaction.txId) };
}

/** A store holding the genesis block and `count` more blocks of three transactions; closed. */
async function storeWith(
  count: number,
  maxFileSize?: number,
): Promise<{ blocks: common.Block[]; txIds: string[] }> {
  const store = await BlockStore.open(dir, maxFileSize ? { maxFileSize } : {});
  const blocks = [genesis()];
  const txIds: string[] = [];
  await store.append(blocks[0] as common.Block);
  for (let i = 0; i < count; i++) {
    const { block, txIds: ids } = nextBlock(blocks[blocks.length - 1] as common.Block, 3);
    await store.append(block);
    blocks.push(block);
    txIds.push(...ids);
  }
  await store.close();
  return { blocks, txIds };
}

function blockFiles(): string[] {
  return readdirSync(join(dir, 'chains'))
    .filter((name) => name.startsWith('blockfile_'))
    .sort()
    .map((name) => join(dir, 'chains', name));
}

/** Flips one bit of the first occurrence of `needle` (plus `shift` bytes) in the block files. */
function flipByteOf(needle: Uint8Array, shift = 0): void {
  for (const file of blockFiles()) {
    const bytes = readFileSync(file);
    const at = bytes.indexOf(Buffer.from(needle));
    if (at < 0) continue;
    bytes[at + shift] = (bytes[at + shift] ?? 0) ^ 0x01;
    writeFileSync(file, bytes);
    return;
  }
  throw new Error('bytes not found in any block file');
}

const envelopeOf = (block: common.Block, index: number): Uint8Array =>
  block.getData()?.getDataList_asU8()[index] ?? new Uint8Array();

describe('BlockStore', () => {
  it('keeps every block and transaction index entry across a restart', async () => {
    const { blocks, txIds } = await storeWith(5);
    const store = await BlockStore.open(dir);
    try {
      expect(store.height).toBe(6);
      expect(store.openReport).toEqual({ truncatedBytes: 0, reindexedBlocks: 0 });
      for (const block of blocks) {
        const number = block.getHeader()?.getNumber() ?? -1;
        expect(Buffer.from((await store.getBlock(number)).serializeBinary())).toEqual(
          Buffer.from(block.serializeBinary()),
        );
      }
      const info = store.info();
      expect(Buffer.from(info.currentBlockHash)).toEqual(Buffer.from(blockHash(blocks[5] as common.Block)));
      expect(Buffer.from(info.previousBlockHash)).toEqual(Buffer.from(blockHash(blocks[4] as common.Block)));

      const second = await store.getTransaction(txIds[4] as string); // block 2, index 1: the MVCC conflict
      expect(second?.location).toEqual({
        blockNumber: 2,
        txIndex: 1,
        validationCode: peer.TxValidationCode.MVCC_READ_CONFLICT,
      });
      expect(Buffer.from(second?.envelope ?? [])).toEqual(
        Buffer.from(envelopeOf(blocks[2] as common.Block, 1)),
      );
      expect(await store.getTransaction('unknown')).toBeUndefined();
      expect(await store.knownTxIds([txIds[0] as string, 'unknown'])).toEqual(new Set([txIds[0]]));
      await expect(store.getBlock(6)).rejects.toMatchObject({ code: LedgerErrorCode.NotFound });
    } finally {
      await store.close();
    }
  });

  it('refuses a block that does not extend the chain', async () => {
    const store = await BlockStore.open(dir);
    try {
      const first = genesis();
      await store.append(first);
      const { block } = nextBlock(first, 1);
      const { block: skipping } = nextBlock(block, 1);
      await expect(store.append(skipping)).rejects.toMatchObject({
        code: LedgerErrorCode.BlockOutOfOrder,
        blockNumber: 1,
      });
      block.getHeader()?.setPreviousHash(Buffer.alloc(32));
      await expect(store.append(block)).rejects.toMatchObject({ code: LedgerErrorCode.BlockOutOfOrder });
      expect(store.height).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('cuts a torn tail (a record half-written when the process died) and carries on', async () => {
    const { blocks } = await storeWith(3);
    const { block } = nextBlock(blocks[3] as common.Block, 2);
    const [file] = blockFiles();
    appendFileSync(file as string, Buffer.from(block.serializeBinary()).subarray(0, 100));

    const store = await BlockStore.open(dir);
    try {
      expect(store.height).toBe(4);
      expect(store.openReport.truncatedBytes).toBe(100);
      await store.append(block);
      expect(store.height).toBe(5);
    } finally {
      await store.close();
    }
    const reopened = await BlockStore.open(dir);
    expect(reopened.height).toBe(5);
    await reopened.close();
  });

  it('indexes a block that was made durable but not indexed before a crash', async () => {
    const { blocks } = await storeWith(2);
    const { block, txIds } = nextBlock(blocks[2] as common.Block, 2);
    const files = await BlockFiles.open(join(dir, 'chains'), 64 * 1024 * 1024);
    await files.append(block.serializeBinary());
    await files.close();

    const store = await BlockStore.open(dir);
    try {
      expect(store.height).toBe(4);
      expect(store.openReport.reindexedBlocks).toBe(1);
      expect((await store.getTransaction(txIds[0] as string))?.location.blockNumber).toBe(3);
    } finally {
      await store.close();
    }
  });

  it('rebuilds a lost index from the block files', async () => {
    const { txIds } = await storeWith(3);
    rmSync(join(dir, 'index'), { recursive: true });
    const store = await BlockStore.open(dir);
    try {
      expect(store.openReport.reindexedBlocks).toBe(4);
      expect((await store.getTransaction(txIds[8] as string))?.location).toEqual({
        blockNumber: 3,
        txIndex: 2,
        validationCode: peer.TxValidationCode.VALID,
      });
    } finally {
      await store.close();
    }
  });

  describe('refuses to open a tampered store, naming the block', () => {
    it('a byte flipped inside a transaction of block 2', async () => {
      const { blocks } = await storeWith(4);
      flipByteOf(envelopeOf(blocks[2] as common.Block, 1), 40);
      await expect(BlockStore.open(dir)).rejects.toMatchObject({
        code: LedgerErrorCode.BlockTampered,
        blockNumber: 2,
      });
    });

    it('a validation code flipped in block 3 metadata (outside the hash chain, caught by the record checksum)', async () => {
      const { blocks } = await storeWith(4);
      // The TRANSACTIONS_FILTER bytes of block 3: 00 0b 00 preceded by the slot's length 03.
      const record = Buffer.from((blocks[3] as common.Block).serializeBinary());
      const filterAt = record.lastIndexOf(Buffer.from([0x03, 0x00, 0x0b, 0x00]));
      flipByteOf(record.subarray(filterAt - 40, filterAt + 4), 42);
      await expect(BlockStore.open(dir)).rejects.toMatchObject({
        code: LedgerErrorCode.BlockTampered,
        blockNumber: 3,
      });
    });

    it('the last block altered (it was indexed, so this is not a torn write to cut away)', async () => {
      const { blocks } = await storeWith(3);
      flipByteOf(envelopeOf(blocks[3] as common.Block, 0), 10);
      await expect(BlockStore.open(dir)).rejects.toMatchObject({
        code: LedgerErrorCode.BlockTampered,
        blockNumber: 3,
      });
    });

    it('the last block cut short', async () => {
      await storeWith(3);
      const [file] = blockFiles();
      writeFileSync(
        file as string,
        readFileSync(file as string).subarray(0, statSync(file as string).size - 10),
      );
      await expect(BlockStore.open(dir)).rejects.toMatchObject({
        code: LedgerErrorCode.BlockTampered,
        blockNumber: 3,
      });
    });

    it('whole blocks removed from the end (the index still knows them)', async () => {
      const { blocks } = await storeWith(3);
      const [file] = blockFiles();
      const bytes = readFileSync(file as string);
      // Block 3's record starts 4 bytes (its length prefix) before its serialized bytes.
      const recordStart = bytes.indexOf(Buffer.from((blocks[3] as common.Block).serializeBinary())) - 4;
      writeFileSync(file as string, bytes.subarray(0, recordStart));
      await expect(BlockStore.open(dir)).rejects.toMatchObject({
        code: LedgerErrorCode.BlocksMissing,
        blockNumber: 3,
      });
    });
  });

  it('does not serve a block altered after the store was opened', async () => {
    const { blocks } = await storeWith(3);
    const store = await BlockStore.open(dir);
    try {
      flipByteOf(envelopeOf(blocks[2] as common.Block, 0), 5);
      await expect(store.getBlock(2)).rejects.toMatchObject({
        code: LedgerErrorCode.BlockTampered,
        blockNumber: 2,
      });
      expect((await store.getBlock(1)).getHeader()?.getNumber()).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('rolls over to new block files and reads across them after a restart', async () => {
    const { blocks } = await storeWith(6, 8 * 1024);
    expect(blockFiles().length).toBeGreaterThan(1);
    const store = await BlockStore.open(dir, { maxFileSize: 8 * 1024 });
    try {
      expect(store.height).toBe(7);
      expect(Buffer.from((await store.getBlock(6)).serializeBinary())).toEqual(
        Buffer.from((blocks[6] as common.Block).serializeBinary()),
      );
    } finally {
      await store.close();
    }
    flipByteOf(envelopeOf(blocks[5] as common.Block, 2), 30);
    await expect(BlockStore.open(dir, { maxFileSize: 8 * 1024 })).rejects.toMatchObject({
      code: LedgerErrorCode.BlockTampered,
      blockNumber: 5,
    });
  });
});
