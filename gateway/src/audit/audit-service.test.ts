import { peer } from '@hyperledger/fabric-protos';
import type { common } from '@hyperledger/fabric-protos';
import { functionName, TRANSACTIONS } from '@custodia/chaincode';
import type { RuleSpec } from '@custodia/chaincode';
import {
  at,
  buildTestChain,
  CHAINCODE,
  newRequestId,
  PATIENT_A,
  requestAccess,
  T0,
} from '../../test/audit-chain';
import type { TestChain } from '../../test/audit-chain';
import { AuditService } from './audit-service';
import type { ChainReader } from './chain-reader';
import { decodeBlock } from './chain-decode';

/** The chain port over blocks held in memory (what qscc answers on a peer). */
function memoryReader(blocks: readonly common.Block[]): ChainReader {
  return {
    height: () => Promise.resolve(blocks.length),
    block: (number) => Promise.resolve(blocks[number] as common.Block),
    blockOfTransaction: (txId) =>
      Promise.resolve(blocks.find((block) => decodeBlock(block).transactions.some((tx) => tx.txId === txId))),
  };
}

const PERMIT: RuleSpec = {
  effect: 'permit',
  grantee: { kind: 'role', role: 'clinician' },
  categories: ['allergies'],
  labels: [],
  purposes: ['TREAT'],
};

let chain: TestChain;
let audit: AuditService;
let requestTxId: string;
let conflictTxId: string;

beforeAll(async () => {
  chain = await buildTestChain();
  await chain.submit(chain.patient, TRANSACTIONS.rules.createRule, {
    requestId: newRequestId(),
    rule: PERMIT,
  });
  const granted = await requestAccess(chain, chain.clinicianFr);
  requestTxId = granted.txId;
  const conflicted = await requestAccess(chain, chain.clinician, {
    time: at(1),
    validationCode: peer.TxValidationCode.MVCC_READ_CONFLICT,
  });
  conflictTxId = conflicted.txId;
  audit = new AuditService({ reader: memoryReader(chain.blocks), chaincodeName: CHAINCODE });
});

describe('block explorer', () => {
  it('shows a block with its hashes and each transaction’s id, creator, function, code and time', async () => {
    const block = await audit.getBlock(6);
    const previous = await audit.getBlock(5);
    expect(block).toMatchObject({
      number: 6,
      previousHash: previous.hash,
      transactionCount: 1,
      transactions: [
        {
          index: 0,
          txId: requestTxId,
          type: 'ENDORSER_TRANSACTION',
          creatorMspId: 'Org2MSP',
          chaincodeName: CHAINCODE,
          functionName: functionName(TRANSACTIONS.access.requestAccess),
          validationCode: 'VALID',
          timestamp: T0.toISOString(),
        },
      ],
    });
    expect(block.hash).toMatch(/^[0-9a-f]{64}$/);
    expect((await audit.getBlock(7)).transactions[0]?.validationCode).toBe('MVCC_READ_CONFLICT');
    const genesis = (await audit.getBlock(0)).transactions[0];
    expect(genesis?.type).toBe('CONFIG');
    expect(genesis?.functionName).toBeUndefined();
  });

  it('lists blocks from a number upwards, bounded by the chain height', async () => {
    const page = await audit.listBlocks(1, 2);
    expect(page.height).toBe(8);
    expect(page.blocks.map((block) => block.number)).toEqual([1, 2]);
    expect((await audit.listBlocks(7, 100)).blocks.map((block) => block.number)).toEqual([7]);
    expect((await audit.listBlocks(10, 5)).blocks).toEqual([]);
  });

  it('shows a transaction’s writes as composite keys with their values, index markers empty', async () => {
    const tx = await audit.getTransaction(requestTxId);
    expect(tx.blockNumber).toBe(6);
    const byType = new Map(tx.writes.map((write) => [write.objectType ?? write.key, write]));
    expect(byType.get('access-log')?.attributes).toEqual([requestTxId]);
    expect(JSON.parse(byType.get('access-log')?.value ?? '{}')).toMatchObject({
      entryId: requestTxId,
      decision: { granted: ['allergies'] },
    });
    expect(byType.get('grant-live')).toMatchObject({ attributes: [PATIENT_A, requestTxId], value: '' });
    // The time index is a simple key: shown as is, without composite parts.
    const timeIndex = tx.writes.find((write) => write.key.startsWith('access-log@'));
    expect(timeIndex).toMatchObject({ namespace: CHAINCODE, isDelete: false, value: '' });
    expect(timeIndex?.objectType).toBeUndefined();
    expect((await audit.getTransaction(conflictTxId)).validationCode).toBe('MVCC_READ_CONFLICT');
  });

  it('answers NOT_FOUND for an unknown block or transaction, VALIDATION_FAILED for bad bounds', async () => {
    await expect(audit.getBlock(8)).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
    await expect(audit.getTransaction('ab'.repeat(32))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(audit.getTransaction('not-a-tx-id')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(audit.listBlocks(0, 0)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(audit.listBlocks(-1, 10)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(audit.getBlock(1.5)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describe('replay through the service', () => {
  it('reports the range walked and the counts, ok on a clean chain', async () => {
    expect(await audit.replay()).toEqual({
      range: { from: 0, to: 7 },
      blocksChecked: 8,
      transactionsChecked: 8,
      decisionsChecked: 1,
      deliveriesChecked: 0,
      manifestsChecked: 0,
      discrepancies: [],
      ok: true,
    });
    expect(await audit.replay({ toBlock: 1 })).toMatchObject({
      range: { from: 0, to: 1 },
      decisionsChecked: 0,
    });
    expect((await audit.replay({ toBlock: 99 })).range).toEqual({ from: 0, to: 7 });
  });

  it('tells its progress block by block, of a total fixed when it starts', async () => {
    const seen: string[] = [];
    await audit.replay({
      toBlock: 2,
      onProgress: ({ blocksVerified, totalBlocks }) => seen.push(`${blocksVerified}/${totalBlocks}`),
    });
    expect(seen).toEqual(['0/3', '1/3', '2/3', '3/3']);
  });

  it('is not ok when a block was altered', async () => {
    const blocks = [...chain.blocks];
    blocks.splice(6, 1);
    const report = await new AuditService({
      reader: memoryReader(blocks),
      chaincodeName: CHAINCODE,
    }).replay();
    expect(report.ok).toBe(false);
    expect(report.discrepancies.map((each) => each.kind)).toEqual([
      'BLOCK_NUMBER_MISMATCH',
      'HASH_CHAIN_BROKEN',
    ]);
  });
});
