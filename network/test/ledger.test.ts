import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { common, peer } from '@hyperledger/fabric-protos';
import type { ReadWriteSet, Identity } from '@custodia/ledger';
import {
  BlockStore,
  Ledger,
  LedgerErrorCode,
  collectUpdates,
  createBlock,
  createGenesisBlock,
  nextCommitHash,
  sealBlock,
  updateBatchBytes,
} from '../src/ledger';
import {
  BlockFormatErrorCode,
  blockHash,
  blockSignaturesOf,
  commitHashOf,
  parseTransaction,
  validationCodesOf,
  verifyChain,
  verify,
} from '@custodia/ledger';
import type { CommittedBlock, LedgerOptions, Precheck } from '../src/ledger';
import { blockSigner, issueIdentity, makeTransaction, put, rwset } from './fixtures/ledger-transactions';

const CHANNEL = 'custodia';
const NS = 'custodia';
const { VALID, MVCC_READ_CONFLICT, DUPLICATE_TXID, ENDORSEMENT_POLICY_FAILURE } = peer.TxValidationCode;

let client: Identity;
let endorser: Identity;
let orderer: Identity;
let dir: string;
let ledger: Ledger;

beforeAll(async () => {
  [client, endorser, orderer] = await Promise.all([
    issueIdentity('HospitalDEMSP', 'client'),
    issueIdentity('HospitalDEMSP', 'peer'),
    issueIdentity('OrdererMSP', 'orderer'),
  ]);
});

function options(overrides: Partial<LedgerOptions> = {}): LedgerOptions {
  return {
    dir,
    channelId: CHANNEL,
    genesisBlock: () =>
      createGenesisBlock({
        channelId: CHANNEL,
        organisations: [{ mspId: 'HospitalDEMSP', rootCertificates: [] }],
        batch: { maxMessageCount: 4, timeoutMs: 5 },
        timestamp: new Date('2025-01-01T00:00:00Z'),
        nonce: Buffer.alloc(24, 2),
      }),
    batch: { maxMessageCount: 4, timeoutMs: 5 },
    signer: blockSigner(orderer),
    ...overrides,
  };
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'custodia-ledger-'));
  ledger = await Ledger.open(options());
});
afterEach(async () => {
  await ledger.close();
  rmSync(dir, { recursive: true, force: true });
});

function transaction(
  set: Partial<Omit<ReadWriteSet, 'namespace'>>,
  extra: { event?: string; nonce?: Uint8Array; from?: Identity } = {},
) {
  return makeTransaction(extra.from ?? client, endorser, {
    channelId: CHANNEL,
    rwset: rwset(NS, set),
    ...(extra.event && { event: { name: extra.event, payload: Buffer.from('{}') } }),
    ...(extra.nonce && { nonce: extra.nonce }),
  });
}

/** Submits and waits for the commit status. */
async function commit(tx: {
  txId: string;
  envelope: Uint8Array;
}): Promise<{ validationCode: number; blockNumber: number }> {
  const status = ledger.committer.commitStatus(tx.txId);
  await ledger.committer.submit(tx.envelope);
  return status;
}

async function allBlocks(): Promise<common.Block[]> {
  const blocks: common.Block[] = [];
  for (let n = 0; n < ledger.blocks.height; n++) blocks.push(await ledger.blocks.getBlock(n));
  return blocks;
}

const text = (value: Uint8Array | undefined): string | undefined =>
  value ? Buffer.from(value).toString() : undefined;

describe('Ledger + Committer', () => {
  it('orders submitted transactions into signed, hash-chained blocks of at most maxMessageCount and applies them', async () => {
    const transactions = Array.from({ length: 10 }, (_, i) =>
      transaction({ writes: [put(`patient-${i}`, `record-${i}`)] }),
    );
    const statuses = await Promise.all(transactions.map(commit));
    expect(statuses.every((status) => status.validationCode === VALID)).toBe(true);

    const blocks = await allBlocks();
    expect(verifyChain(blocks)).toBeUndefined();
    const transactionsPerBlock = blocks.slice(1).map((block) => block.getData()?.getDataList().length ?? 0);
    expect(transactionsPerBlock.reduce((a, b) => a + b, 0)).toBe(10);
    expect(Math.max(...transactionsPerBlock)).toBeLessThanOrEqual(4);
    for (const block of blocks.slice(1)) {
      const [signature] = blockSignaturesOf(block);
      expect(signature && verify(orderer.certificate, signature.message, signature.signature)).toBe(true);
    }

    for (const [i, tx] of transactions.entries()) {
      const location = await ledger.blocks.getTransactionLocation(tx.txId);
      const value = await ledger.state.get(NS, `patient-${i}`);
      expect(text(value?.value)).toBe(`record-${i}`);
      expect(value?.version).toEqual({ blockNum: location?.blockNumber, txNum: location?.txIndex });
    }
  });

  it('cuts a transaction that finds the orderer quiet at once, and batches those that follow a cut closely', async () => {
    await ledger.close();
    rmSync(dir, { recursive: true, force: true });
    dir = mkdtempSync(join(tmpdir(), 'custodia-ledger-'));
    ledger = await Ledger.open(options({ batch: { maxMessageCount: 3, timeoutMs: 600_000 } }));
    // A lone transaction is not kept waiting for others (cut only by its timeout, it would wait ten minutes).
    expect((await commit(transaction({ writes: [put('lone', '1')] }))).blockNumber).toBe(1);
    // Transactions that arrive within the timeout of that cut wait for each other: one block of three, cut by count.
    const burst = await Promise.all(
      [0, 1, 2].map((i) => commit(transaction({ writes: [put(`burst-${i}`, 'x')] }))),
    );
    expect(burst.map((status) => status.blockNumber)).toEqual([2, 2, 2]);
    expect(ledger.blocks.height).toBe(3);
  });

  it('commits the loser of two concurrent updates of one key as MVCC_READ_CONFLICT', async () => {
    await commit(transaction({ writes: [put('counter', '0')] }));
    const version = (await ledger.state.get(NS, 'counter'))?.version ?? null;
    const [first, second] = await Promise.all([
      commit(transaction({ reads: [{ key: 'counter', version }], writes: [put('counter', '1')] })),
      commit(transaction({ reads: [{ key: 'counter', version }], writes: [put('counter', 'also 1')] })),
    ]);
    expect([first.validationCode, second.validationCode]).toEqual([VALID, MVCC_READ_CONFLICT]);
    expect(text((await ledger.state.get(NS, 'counter'))?.value)).toBe('1');
  });

  it('commits a replayed transaction id as DUPLICATE_TXID, in the same block or later, without applying it', async () => {
    const original = transaction({ writes: [put('grant', 'g1')] });
    const nonce = parseTransaction(original.envelope).nonce;
    await Promise.all([
      ledger.committer.submit(original.envelope),
      ledger.committer.submit(original.envelope),
    ]);
    expect((await ledger.committer.commitStatus(original.txId)).validationCode).toBe(VALID);

    const replay = transaction({ writes: [put('grant', 'forged')] }, { nonce });
    expect(replay.txId).toBe(original.txId);
    await ledger.committer.submit(replay.envelope);
    const replayStatus = ledger.committer.commitStatus(replay.txId);
    await ledger.committer.flush();
    // The id's status stays that of its first, valid occurrence.
    expect(await replayStatus).toEqual({ txId: original.txId, validationCode: VALID, blockNumber: 1 });

    const codes = (await allBlocks()).slice(1).flatMap((block) => [...validationCodesOf(block)]);
    expect(codes).toEqual([VALID, DUPLICATE_TXID, DUPLICATE_TXID]);
    expect(text((await ledger.state.get(NS, 'grant'))?.value)).toBe('g1');
    expect((await ledger.committer.commitStatus(original.txId)).validationCode).toBe(VALID);
  });

  it("records the caller's precheck verdict (e.g. endorsement policy) and never applies such a transaction", async () => {
    await ledger.close();
    const outsider = await issueIdentity('UnknownMSP', 'client');
    const precheck: Precheck = (tx) =>
      tx.creatorMspId === 'HospitalDEMSP' ? VALID : ENDORSEMENT_POLICY_FAILURE;
    ledger = await Ledger.open(options({ precheck }));
    const refused = await commit(transaction({ writes: [put('rule', 'forged')] }, { from: outsider }));
    const accepted = await commit(transaction({ writes: [put('rule', 'real')] }));
    expect(refused.validationCode).toBe(ENDORSEMENT_POLICY_FAILURE);
    expect(accepted.validationCode).toBe(VALID);
    expect(text((await ledger.state.get(NS, 'rule'))?.value)).toBe('real');
  });

  it('tells block listeners about every committed block with codes and chaincode events', async () => {
    const seen: CommittedBlock[] = [];
    const stop = ledger.committer.onBlock((committed) => seen.push(committed));
    const granted = transaction({ writes: [put('access', 'granted')] }, { event: 'AccessGranted' });
    await commit(granted);
    stop();
    await commit(transaction({ writes: [put('after', 'unsubscribe')] }));

    expect(seen).toHaveLength(1);
    const [committed] = seen;
    expect(committed?.number).toBe(1);
    expect(committed?.transactions).toEqual([
      expect.objectContaining({
        txId: granted.txId,
        txIndex: 0,
        validationCode: VALID,
        type: common.HeaderType.ENDORSER_TRANSACTION,
        chaincodeName: 'custodia',
        event: expect.objectContaining({ eventName: 'AccessGranted', txId: granted.txId }),
      }),
    ]);
    expect(Buffer.from(committed?.block.serializeBinary() ?? [])).toEqual(
      Buffer.from((await ledger.blocks.getBlock(1)).serializeBinary()),
    );
  });

  it('refuses bytes that are not a transaction of this channel', async () => {
    await expect(ledger.committer.submit(Buffer.from('garbage'))).rejects.toMatchObject({
      code: BlockFormatErrorCode.MalformedTransaction,
    });
    const elsewhere = makeTransaction(client, endorser, {
      channelId: 'another-channel',
      rwset: rwset(NS, {}),
    });
    await expect(ledger.committer.submit(elsewhere.envelope)).rejects.toMatchObject({
      code: LedgerErrorCode.ChannelMismatch,
    });
  });

  it('waits for a transaction that has not been submitted yet, and stops waiting when aborted or closed', async () => {
    const later = transaction({ writes: [put('late', 'yes')] });
    const status = ledger.committer.commitStatus(later.txId);
    await ledger.committer.submit(later.envelope);
    expect((await status).validationCode).toBe(VALID);

    const controller = new AbortController();
    const aborted = ledger.committer.commitStatus('never-submitted', controller.signal);
    controller.abort(new Error('client went away'));
    await expect(aborted).rejects.toThrow('client went away');

    // Settle into a value at once so the rejection at close is never momentarily unhandled.
    const pending = ledger.committer.commitStatus('never-submitted-either').then(
      () => undefined,
      (error: unknown) => error,
    );
    await ledger.close();
    expect(await pending).toMatchObject({ code: LedgerErrorCode.Closed });
    ledger = await Ledger.open(options());
  });

  it('chains the commit hash over validation codes and state updates, as a Fabric peer does', async () => {
    const tx = transaction({ writes: [put('a', '1'), put('b', '2')] });
    await commit(tx);
    const [genesis, block] = await allBlocks();
    const updates = collectUpdates(1, [
      { txNum: 0, rwsets: parseTransaction(tx.envelope).actions[0]?.rwsets ?? [] },
    ]);
    expect(Buffer.from(commitHashOf(block as common.Block))).toEqual(
      Buffer.from(
        nextCommitHash(
          commitHashOf(genesis as common.Block),
          Uint8Array.of(VALID),
          updateBatchBytes(updates),
        ),
      ),
    );
  });

  describe('restart', () => {
    it('keeps every block, index entry and state value, and extends the same chain', async () => {
      const first = transaction({ writes: [put('rule-1', 'permit')] });
      await commit(first);
      await commit(
        transaction({ reads: [{ key: 'rule-1', version: null }], writes: [put('rule-1', 'stale')] }),
      );
      const before = await allBlocks();
      await ledger.close();

      ledger = await Ledger.open(options());
      expect(ledger.recovery).toEqual({
        height: before.length,
        replayedBlocks: 0,
        truncatedBytes: 0,
        reindexedBlocks: 0,
      });
      expect((await allBlocks()).map((block) => Buffer.from(block.serializeBinary()))).toEqual(
        before.map((block) => Buffer.from(block.serializeBinary())),
      );
      expect(await ledger.committer.commitStatus(first.txId)).toEqual({
        txId: first.txId,
        validationCode: VALID,
        blockNumber: 1,
      });
      expect(text((await ledger.state.get(NS, 'rule-1'))?.value)).toBe('permit');

      await commit(transaction({ writes: [put('rule-2', 'deny')] }));
      const after = await allBlocks();
      expect(verifyChain(after)).toBeUndefined();
      expect(Buffer.from(after[before.length]?.getHeader()?.getPreviousHash_asU8() ?? [])).toEqual(
        Buffer.from(blockHash(before[before.length - 1] as common.Block)),
      );
    });

    it('replays a block that was durable but whose state was never applied (crash between the two)', async () => {
      await commit(transaction({ writes: [put('rule-1', 'permit')] }));
      await ledger.close();

      // The crash window: the block reached the block store, the process died before state was written.
      const blocks = await BlockStore.open(join(dir, 'blocks'));
      const last = await blocks.getBlock(blocks.height - 1);
      const orphan = transaction({ writes: [put('rule-1', 'revoked'), put('rule-2', 'permit')] });
      const block = createBlock(blocks.height, blockHash(last), [orphan.envelope]);
      sealBlock(block, {
        lastConfig: 0,
        validationCodes: Uint8Array.of(VALID),
        commitHash: new Uint8Array(32),
      });
      await blocks.append(block);
      await blocks.close();

      ledger = await Ledger.open(options());
      expect(ledger.recovery.replayedBlocks).toBe(1);
      expect(text((await ledger.state.get(NS, 'rule-1'))?.value)).toBe('revoked');
      expect((await ledger.state.get(NS, 'rule-2'))?.version).toEqual({ blockNum: 2, txNum: 0 });
      const history = [];
      for await (const entry of ledger.state.history(NS, 'rule-1')) history.push(entry.txId);
      expect(history[0]).toBe(orphan.txId);
    });

    it('rebuilds world state and history from the blocks when the state database is lost', async () => {
      await commit(transaction({ writes: [put('k', 'v1')] }));
      await commit(transaction({ writes: [put('k', 'v2')] }));
      const height = ledger.blocks.height;
      await ledger.close();
      rmSync(join(dir, 'state'), { recursive: true });

      ledger = await Ledger.open(options());
      expect(ledger.recovery.replayedBlocks).toBe(height);
      expect(text((await ledger.state.get(NS, 'k'))?.value)).toBe('v2');
      const values: string[] = [];
      for await (const entry of ledger.state.history(NS, 'k')) values.push(text(entry.value) ?? '');
      expect(values).toEqual(['v2', 'v1']);
    });

    it('refuses to open when a stored block was tampered with', async () => {
      await commit(transaction({ writes: [put('k', 'v1')] }));
      await ledger.close();
      const blocks = await BlockStore.open(join(dir, 'blocks'));
      const envelope = (await blocks.getBlock(1)).getData()?.getDataList_asU8()[0] ?? new Uint8Array();
      await blocks.close();
      const chains = join(dir, 'blocks', 'chains');
      const file = join(
        chains,
        readdirSync(chains).filter((name) => name.startsWith('blockfile_'))[0] as string,
      );
      const bytes = readFileSync(file);
      const at = bytes.indexOf(Buffer.from(envelope)) + 20;
      bytes[at] = (bytes[at] ?? 0) ^ 0xff;
      writeFileSync(file, bytes);

      await expect(Ledger.open(options())).rejects.toMatchObject({
        code: LedgerErrorCode.BlockTampered,
        blockNumber: 1,
      });
      // afterEach closes a working ledger; give it a fresh one.
      rmSync(dir, { recursive: true, force: true });
      dir = mkdtempSync(join(tmpdir(), 'custodia-ledger-'));
      ledger = await Ledger.open(options());
    });

    it('refuses to open a ledger of another channel', async () => {
      await ledger.close();
      await expect(Ledger.open(options({ channelId: 'other' }))).rejects.toMatchObject({
        code: LedgerErrorCode.ChannelMismatch,
      });
      ledger = await Ledger.open(options());
    });
  });
});
