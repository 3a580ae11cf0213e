import { createHash } from 'node:crypto';
import { common, peer } from '@hyperledger/fabric-protos';
import {
  verify,
  blockHeaderHash,
  blockHash,
  blockSignaturesOf,
  commitHashOf,
  lastConfigOf,
  validationCodesOf,
  ChainFaultReason,
  verifyChain,
  channelConfigOf,
} from '@custodia/ledger';
import type { Identity } from '@custodia/ledger';
import {
  blockSigner,
  issueIdentity,
  makeTransaction,
  put,
  rwset,
} from '../../test/fixtures/ledger-transactions';
import { createBlock, sealBlock } from './blocks';
import { computeTxId } from '../engine/proposal';
import { createGenesisBlock } from './genesis';

const CHANNEL = 'custodia';
let client: Identity;
let endorser: Identity;
let orderer: Identity;

beforeAll(async () => {
  [client, endorser, orderer] = await Promise.all([
    issueIdentity('HospitalDEMSP', 'client'),
    issueIdentity('HospitalDEMSP', 'peer'),
    issueIdentity('OrdererMSP', 'orderer'),
  ]);
});

function envelopes(count: number): Uint8Array[] {
  return Array.from(
    { length: count },
    (_, i) =>
      makeTransaction(client, endorser, {
        channelId: CHANNEL,
        rwset: rwset('custodia', { writes: [put(`key-${i}`, `value-${i}`)] }),
      }).envelope,
  );
}

function genesis(): common.Block {
  return createGenesisBlock({
    channelId: CHANNEL,
    organisations: [
      {
        mspId: 'HospitalDEMSP',
        rootCertificates: ['-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'],
      },
    ],
    batch: { maxMessageCount: 500, timeoutMs: 20 },
    timestamp: new Date('2025-01-01T00:00:00Z'),
    nonce: Buffer.alloc(24, 7),
  });
}

/** Blocks 0..count-1 chained as the committer chains them. */
function chain(count: number): common.Block[] {
  const blocks = [genesis()];
  for (let number = 1; number < count; number++) {
    const block = createBlock(number, blockHash(blocks[number - 1] as common.Block), envelopes(2));
    sealBlock(block, {
      lastConfig: 0,
      validationCodes: Uint8Array.of(0, 11),
      commitHash: Buffer.alloc(32, number),
    });
    blocks.push(block);
  }
  return blocks;
}

describe('createBlock + sealBlock', () => {
  it('produces a common.Block that fabric-protos decodes with Fabric header, data and metadata', () => {
    const data = envelopes(3);
    const previousHash = Buffer.alloc(32, 9);
    const block = createBlock(7, previousHash, data);
    sealBlock(block, {
      lastConfig: 0,
      validationCodes: Uint8Array.of(
        peer.TxValidationCode.VALID,
        peer.TxValidationCode.MVCC_READ_CONFLICT,
        0,
      ),
      commitHash: Buffer.alloc(32, 1),
      signature: { signer: blockSigner(orderer), nonce: Buffer.alloc(24, 3) },
    });

    const decoded = common.Block.deserializeBinary(block.serializeBinary());
    const header = decoded.getHeader();
    expect(header?.getNumber()).toBe(7);
    expect(Buffer.from(header?.getPreviousHash_asU8() ?? [])).toEqual(previousHash);
    expect(Buffer.from(header?.getDataHash_asU8() ?? [])).toEqual(
      createHash('sha256').update(Buffer.concat(data)).digest(),
    );
    expect(
      decoded
        .getData()
        ?.getDataList_asU8()
        .map((bytes) => Buffer.from(bytes)),
    ).toEqual(data.map((bytes) => Buffer.from(bytes)));

    const slots = decoded.getMetadata()?.getMetadataList_asU8() ?? [];
    expect(slots).toHaveLength(5);
    expect([...(slots[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ?? [])]).toEqual([0, 11, 0]);
    expect(validationCodesOf(decoded)).toEqual(Uint8Array.of(0, 11, 0));
    expect(Buffer.from(commitHashOf(decoded))).toEqual(Buffer.alloc(32, 1));
    // LAST_CONFIG is deprecated but still written; SIGNATURES carries an OrdererBlockMetadata.
    const legacy = common.Metadata.deserializeBinary(
      slots[common.BlockMetadataIndex.LAST_CONFIG] ?? new Uint8Array(),
    );
    expect(common.LastConfig.deserializeBinary(legacy.getValue_asU8()).getIndex()).toBe(0);
    const signatures = common.Metadata.deserializeBinary(
      slots[common.BlockMetadataIndex.SIGNATURES] ?? new Uint8Array(),
    );
    expect(common.OrdererBlockMetadata.deserializeBinary(signatures.getValue_asU8()).hasLastConfig()).toBe(
      true,
    );
    expect(lastConfigOf(decoded)).toBe(0);
  });

  it("signs the block as Fabric's orderer does, verifiable with the orderer certificate", () => {
    const block = createBlock(1, Buffer.alloc(32), envelopes(1));
    sealBlock(block, {
      lastConfig: 0,
      validationCodes: Uint8Array.of(0),
      commitHash: Buffer.alloc(32),
      signature: { signer: blockSigner(orderer), nonce: Buffer.alloc(24, 3) },
    });
    const [signature] = blockSignaturesOf(common.Block.deserializeBinary(block.serializeBinary()));
    expect(signature).toBeDefined();
    if (!signature) return;
    expect(verify(orderer.certificate, signature.message, signature.signature)).toBe(true);
    expect(verify(client.certificate, signature.message, signature.signature)).toBe(false);

    // The signature covers the header: a different block number no longer verifies.
    block.getHeader()?.setNumber(2);
    const [moved] = blockSignaturesOf(block);
    expect(moved && verify(orderer.certificate, moved.message, moved.signature)).toBe(false);
  });
});

describe('createGenesisBlock', () => {
  it('is block 0: a CONFIG transaction carrying the channel configuration, no previous hash', () => {
    const block = common.Block.deserializeBinary(genesis().serializeBinary());
    expect(block.getHeader()?.getNumber()).toBe(0);
    expect(block.getHeader()?.getPreviousHash_asU8()).toHaveLength(0);
    expect(verifyChain([block])).toBeUndefined();

    const [envelope] = block.getData()?.getDataList_asU8() ?? [];
    const payload = common.Payload.deserializeBinary(
      common.Envelope.deserializeBinary(envelope ?? new Uint8Array()).getPayload_asU8(),
    );
    const channelHeader = common.ChannelHeader.deserializeBinary(
      payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
    );
    expect(channelHeader.getType()).toBe(common.HeaderType.CONFIG);
    expect(channelHeader.getChannelId()).toBe(CHANNEL);
    expect(channelHeader.getTxId()).toBe(computeTxId(Buffer.alloc(24, 7), new Uint8Array(0)));
    expect(channelHeader.getTimestamp()?.toDate().toISOString()).toBe('2025-01-01T00:00:00.000Z');

    const config = channelConfigOf(block);
    const application = config?.getChannelGroup()?.getGroupsMap().get('Application');
    expect(application?.getGroupsMap().has('HospitalDEMSP')).toBe(true);
    expect(config?.getChannelGroup()?.getGroupsMap().get('Orderer')?.getValuesMap().has('BatchSize')).toBe(
      true,
    );
    expect([...validationCodesOf(block)]).toEqual([peer.TxValidationCode.VALID]);
    expect(commitHashOf(block)).toHaveLength(32);
  });

  it('is a pure function of its inputs', () => {
    expect(Buffer.from(genesis().serializeBinary())).toEqual(Buffer.from(genesis().serializeBinary()));
  });
});

describe('verifyChain', () => {
  it('accepts a chain built block by block', () => {
    expect(verifyChain(chain(4))).toBeUndefined();
  });

  it('names the first block whose envelope bytes were altered (data hash)', () => {
    const blocks = chain(4).map((block) => block.serializeBinary());
    const target = blocks[2] as Uint8Array;
    const envelope =
      common.Block.deserializeBinary(target).getData()?.getDataList_asU8()[1] ?? new Uint8Array();
    // Flip one byte inside the second envelope of block 2, in place in the serialized block.
    const at = Buffer.from(target).indexOf(Buffer.from(envelope)) + Math.floor(envelope.length / 2);
    target[at] = (target[at] ?? 0) ^ 0x01;
    expect(verifyChain(blocks.map((bytes) => common.Block.deserializeBinary(bytes)))).toEqual({
      blockNumber: 2,
      reason: ChainFaultReason.DataHash,
    });
  });

  it('names a block whose header was rewritten to match altered data (the next link breaks)', () => {
    const blocks = chain(4);
    const forged = blocks[1] as common.Block;
    forged.getData()?.setDataList(envelopes(1));
    sealBlock(forged, { lastConfig: 0, validationCodes: Uint8Array.of(0), commitHash: new Uint8Array(32) });
    const header = forged.getHeader();
    header?.setDataHash(
      createHash('sha256')
        .update(Buffer.concat(forged.getData()?.getDataList_asU8() ?? []))
        .digest(),
    );
    expect(verifyChain(blocks)).toEqual({ blockNumber: 2, reason: ChainFaultReason.PreviousHash });
  });

  it('refuses a gap in the numbering', () => {
    const blocks = chain(4);
    expect(verifyChain([blocks[0], blocks[2]] as common.Block[])).toEqual({
      blockNumber: 1,
      reason: ChainFaultReason.Number,
    });
  });

  it('links each block to the header hash of the one before', () => {
    const [first, second] = chain(2);
    expect(Buffer.from(second?.getHeader()?.getPreviousHash_asU8() ?? [])).toEqual(
      Buffer.from(
        blockHeaderHash({
          number: 0,
          previousHash: new Uint8Array(0),
          dataHash: first?.getHeader()?.getDataHash_asU8() ?? new Uint8Array(0),
        }),
      ),
    );
  });
});
