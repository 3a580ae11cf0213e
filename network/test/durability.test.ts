/**
 * The embedded network across restarts: every block and all state survive, the chain continues where it stopped,
 * and a block file altered while the network was down is detected when it starts (and nothing is served).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Network } from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
import type { StoredRule } from '@custodia/chaincode';
import { startEmbeddedNetwork } from '@custodia/network/embedded';
import type { Identity, LedgerConnection } from '@custodia/ledger';
import {
  chainInfo,
  json,
  ORG_DE,
  PERMIT_CLINICIANS_RULE,
  permitClinicians,
  pseudonym,
  startEmbeddedTestNetwork,
} from './fixtures/embedded-network';
import type { EmbeddedTestNetwork } from './fixtures/embedded-network';
import { describeEmbeddedOnly } from './fixtures/test-network';

let net: EmbeddedTestNetwork;
let identity: Identity;

/** Every block from 0 to height - 1, serialized, as Deliver sends them. */
async function allBlocks(network: Network, height: number): Promise<Buffer[]> {
  const blocks: Buffer[] = [];
  const events = await network.getBlockEvents({ startBlock: 0n });
  try {
    for await (const block of events) {
      blocks.push(Buffer.from(block.serializeBinary()));
      if (blocks.length === height) break;
    }
  } finally {
    events.close();
  }
  return blocks;
}

/** The block file holding the chain (a single file at this size). */
function blockFile(dataDir: string): string {
  const dir = join(dataDir, 'ledger', 'custodia', 'blocks', 'chains');
  const [file] = readdirSync(dir).filter((name) => name.startsWith('blockfile_'));
  if (!file) throw new Error('no block file');
  return join(dir, file);
}

/** Flips one bit in the middle of block 1's bytes (records are length u32 ‖ block ‖ SHA-256); returns the undo. */
function flipByteInBlock1(dataDir: string): () => void {
  const path = blockFile(dataDir);
  const bytes = readFileSync(path);
  const block1 = 4 + bytes.readUInt32BE(0) + 32;
  const target = block1 + 4 + Math.floor(bytes.readUInt32BE(block1) / 2);
  const flip = (): void => {
    bytes.writeUInt8(bytes.readUInt8(target) ^ 0x01, target);
    writeFileSync(path, bytes);
  };
  flip();
  return flip;
}

// The embedded network's own ledger files and restarts; a Fabric peer's are its own (see the gateway's replay
// over a peer's altered block file under test:fabric).
describeEmbeddedOnly('the embedded ledger on disk', () => {
  beforeAll(async () => {
    net = await startEmbeddedTestNetwork();
    identity = await net.enrolPatient(ORG_DE, pseudonym('a'));
  }, 120_000);

  afterAll(async () => {
    await net.destroy();
  });

  it('keeps every block and all state across a restart, and continues the chain', async () => {
    let connection: LedgerConnection = await net.connect(identity);
    const rules: StoredRule[] = [];
    for (let i = 0; i < 3; i++) {
      rules.push(
        json<StoredRule>(
          (await connection.submit('rules:createRule', { arguments: [permitClinicians()] })).payload,
        ),
      );
    }
    const before = await chainInfo(connection.network());
    const blocksBefore = await allBlocks(connection.network(), before.getHeight());

    await net.restart();
    connection = await net.connect(identity);
    const after = await chainInfo(connection.network());
    expect(after.getHeight()).toBe(before.getHeight());
    expect(Buffer.from(after.getCurrentblockhash_asU8())).toEqual(
      Buffer.from(before.getCurrentblockhash_asU8()),
    );
    expect(await allBlocks(connection.network(), after.getHeight())).toEqual(blocksBefore);
    for (const stored of rules) {
      expect(json(await connection.evaluate('rules:getRule', { arguments: [stored.ruleId] }))).toEqual(
        stored,
      );
    }

    const next = await connection.submit('rules:updateRule', {
      arguments: [rules[0]?.ruleId ?? '', JSON.stringify(PERMIT_CLINICIANS_RULE)],
    });
    expect(next.blockNumber).toBe(BigInt(before.getHeight()));
    expect(json<StoredRule>(next.payload).version).toBe(2);
  });

  it('refuses to start when a byte of a stored block was changed, naming the block', async () => {
    const connection = await net.connect(identity);
    await connection.submit('rules:createRule', { arguments: [permitClinicians()] });
    const config = net.network.config;
    await net.stop();

    const undo = flipByteInBlock1(net.dataDir);

    await expect(startEmbeddedNetwork(config)).rejects.toMatchObject({
      code: 'LEDGER_BLOCK_TAMPERED',
      blockNumber: 1,
    });
    // With the byte restored, the same data opens again.
    undo();
    await net.restart();
    expect((await chainInfo((await net.connect(identity)).network())).getHeight()).toBeGreaterThan(1);
  });

  it('refuses to serve a block altered while the network runs, through qscc and Deliver alike', async () => {
    const connection = await net.connect(identity);
    await connection.submit('rules:createRule', { arguments: [permitClinicians()] });
    const undo = flipByteInBlock1(net.dataDir);
    try {
      const network = connection.network();
      await expect(
        network.getContract('qscc').evaluateTransaction('GetBlockByNumber', network.getName(), '1'),
      ).rejects.toThrow(/block 1 failed verification/);
      const blocks = await network.getBlockEvents({ startBlock: 1n });
      try {
        await expect(blocks[Symbol.asyncIterator]().next()).rejects.toThrow(
          /Unexpected status response: 500/,
        );
      } finally {
        blocks.close();
      }
      // Blocks that were not altered are still served.
      const block0 = await network
        .getContract('qscc')
        .evaluateTransaction('GetBlockByNumber', network.getName(), '0');
      expect(common.Block.deserializeBinary(block0).getHeader()?.getNumber()).toBe(0);
    } finally {
      undo();
    }
  });
});
