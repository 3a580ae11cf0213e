/**
 * Chaincode events, block events (full, filtered, with private data) and qscc through @hyperledger/fabric-gateway,
 * with resume from checkpoints; and Deliver's SeekInfo stop and behaviour through a raw gRPC Deliver stream.
 */
import { checkpointers } from '@hyperledger/fabric-gateway';
import type { ChaincodeEvent, CloseableAsyncIterable, Network } from '@hyperledger/fabric-gateway';
import { common, msp, orderer, peer } from '@hyperledger/fabric-protos';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';
import { EVENTS } from '@custodia/chaincode';
import type { RuleChangedEvent, StoredRule } from '@custodia/chaincode';
import type { Identity, LedgerConnection } from '@custodia/ledger';
import { sign } from '@custodia/ledger';
import {
  chainInfo,
  json,
  ORG_DE,
  permitClinicians,
  pseudonym,
  startTestNetwork,
} from './fixtures/test-network';
import type { TestNetwork } from './fixtures/test-network';

const PATIENT = pseudonym('a');

let net: TestNetwork;
let identity: Identity;
let patient: LedgerConnection;
let network: Network;

async function createRule(): Promise<{ txId: string; blockNumber: bigint; ruleId: string }> {
  const result = await patient.submit('rules:createRule', { arguments: [permitClinicians()] });
  return {
    txId: result.transactionId,
    blockNumber: result.blockNumber,
    ruleId: json<StoredRule>(result.payload).ruleId,
  };
}

async function take<T>(events: CloseableAsyncIterable<T>, count: number): Promise<T[]> {
  const taken: T[] = [];
  for await (const event of events) {
    taken.push(event);
    if (taken.length === count) break;
  }
  return taken;
}

beforeAll(async () => {
  net = await startTestNetwork();
  identity = await net.enrolPatient(ORG_DE, PATIENT);
  patient = await net.connect(identity);
  network = patient.network();
}, 120_000);

afterAll(async () => {
  await net.destroy();
});

describe('chaincode events', () => {
  it('streams the events of committed transactions and resumes after the checkpointed transaction', async () => {
    const startBlock = BigInt((await chainInfo(network)).getHeight());
    const first = await createRule();
    // Three transactions submitted together share a block: resuming must skip exactly what was seen.
    const together = await Promise.all([createRule(), createRule(), createRule()]);
    const ordered = [...together].sort((a, b) => Number(a.blockNumber - b.blockNumber));

    const events = await network.getChaincodeEvents(patient.profile.chaincodeName, { startBlock });
    const checkpointer = checkpointers.inMemory();
    const seen = await take(events, 2);
    events.close();
    for (const event of seen) await checkpointer.checkpointChaincodeEvent(event);
    expect(seen[0]).toMatchObject({ transactionId: first.txId, eventName: EVENTS.ruleChanged });
    const payload = json<RuleChangedEvent>(seen[0]?.payload ?? new Uint8Array());
    expect(payload).toMatchObject({ patientId: PATIENT, ruleId: first.ruleId, change: 'created' });

    const last = await createRule();
    const resumed = await network.getChaincodeEvents(patient.profile.chaincodeName, {
      checkpoint: checkpointer,
    });
    const rest: ChaincodeEvent[] = await take(resumed, 3);
    resumed.close();
    const expected = new Set([...ordered.map((tx) => tx.txId), last.txId]);
    expected.delete(seen[1]?.transactionId ?? '');
    expect(new Set(rest.map((event) => event.transactionId))).toEqual(expected);
    expect(rest.map((event) => event.blockNumber)).toEqual(
      [...rest.map((event) => event.blockNumber)].sort(),
    );
  });

  it('starts at the next commit by default, seeing nothing committed before it', async () => {
    const before = await createRule();
    const events = await network.getChaincodeEvents(patient.profile.chaincodeName);
    const after = await createRule();
    const [event] = await take(events, 1);
    events.close();
    expect(event?.transactionId).toBe(after.txId);
    expect(event?.transactionId).not.toBe(before.txId);
  });
});

describe('block events', () => {
  it('delivers hash-chained blocks from the genesis block, and resumes after a checkpointed block', async () => {
    const info = await chainInfo(network);
    const tip = await createRule();
    const blocks = await network.getBlockEvents({ startBlock: 0n });
    const [genesis, second] = await take(blocks, 2);
    blocks.close();
    expect(genesis?.getHeader()?.getNumber()).toBe(0);
    const configEnvelope = common.Envelope.deserializeBinary(
      genesis?.getData()?.getDataList_asU8()[0] ?? new Uint8Array(),
    );
    const configHeader = common.ChannelHeader.deserializeBinary(
      common.Payload.deserializeBinary(configEnvelope.getPayload_asU8())
        .getHeader()
        ?.getChannelHeader_asU8() ?? new Uint8Array(),
    );
    expect(configHeader.getType()).toBe(common.HeaderType.CONFIG);
    expect(second?.getHeader()?.getNumber()).toBe(1);

    // The block committed after GetChainInfo points back at the block GetChainInfo called current.
    const following = await network.getBlockEvents({ startBlock: BigInt(info.getHeight()) });
    const [next] = await take(following, 1);
    following.close();
    expect(Buffer.from(next?.getHeader()?.getPreviousHash_asU8() ?? [])).toEqual(
      Buffer.from(info.getCurrentblockhash_asU8()),
    );
    expect(BigInt(next?.getHeader()?.getNumber() ?? -1)).toBeLessThanOrEqual(tip.blockNumber);

    const checkpointer = checkpointers.inMemory();
    await checkpointer.checkpointBlock(tip.blockNumber);
    const later = await createRule();
    const resumed = await network.getBlockEvents({ checkpoint: checkpointer });
    const [block] = await take(resumed, 1);
    resumed.close();
    expect(BigInt(block?.getHeader()?.getNumber() ?? -1)).toBe(tip.blockNumber + 1n);
    expect(BigInt(block?.getHeader()?.getNumber() ?? -1)).toBeLessThanOrEqual(later.blockNumber);
  });

  it('delivers filtered blocks naming each transaction, its validation code and its event without payload', async () => {
    const tx = await createRule();
    const filtered = await network.getFilteredBlockEvents({ startBlock: tx.blockNumber });
    const [block] = await take(filtered, 1);
    filtered.close();
    const transaction = block
      ?.getFilteredTransactionsList()
      .find((candidate) => candidate.getTxid() === tx.txId);
    expect(transaction?.getTxValidationCode()).toBe(peer.TxValidationCode.VALID);
    expect(transaction?.getType()).toBe(common.HeaderType.ENDORSER_TRANSACTION);
    const event = transaction?.getTransactionActions()?.getChaincodeActionsList()[0]?.getChaincodeEvent();
    expect(event?.getEventName()).toBe(EVENTS.ruleChanged);
    expect(event?.getPayload_asU8()).toHaveLength(0);

    const withPrivateData = await network.getBlockAndPrivateDataEvents({ startBlock: tx.blockNumber });
    const [full] = await take(withPrivateData, 1);
    withPrivateData.close();
    expect(BigInt(full?.getBlock()?.getHeader()?.getNumber() ?? -1)).toBe(tx.blockNumber);
  });
});

describe('qscc', () => {
  it('answers GetBlockByNumber, GetTransactionByID and GetBlockByTxID from the committed chain', async () => {
    const tx = await createRule();
    const qscc = network.getContract('qscc');
    const channel = patient.profile.channelName;
    const block = common.Block.deserializeBinary(
      await qscc.evaluateTransaction('GetBlockByNumber', channel, String(tx.blockNumber)),
    );
    expect(BigInt(block.getHeader()?.getNumber() ?? -1)).toBe(tx.blockNumber);
    const byTx = common.Block.deserializeBinary(
      await qscc.evaluateTransaction('GetBlockByTxID', channel, tx.txId),
    );
    expect(byTx.serializeBinary()).toEqual(block.serializeBinary());
    const processed = peer.ProcessedTransaction.deserializeBinary(
      await qscc.evaluateTransaction('GetTransactionByID', channel, tx.txId),
    );
    expect(processed.getValidationcode()).toBe(peer.TxValidationCode.VALID);
    const payload = common.Payload.deserializeBinary(
      processed.getTransactionenvelope()?.getPayload_asU8() ?? new Uint8Array(),
    );
    expect(
      common.ChannelHeader.deserializeBinary(
        payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
      ).getTxId(),
    ).toBe(tx.txId);
    await expect(qscc.evaluateTransaction('GetTransactionByID', channel, 'f'.repeat(64))).rejects.toThrow(
      /Failed to get transaction with id/,
    );
  });
});

describe('Deliver seek semantics', () => {
  /** A signed DELIVER_SEEK_INFO envelope, as any Fabric SDK builds one. */
  function seekEnvelope(
    start: number,
    stop: number,
    behavior: orderer.SeekInfo.SeekBehaviorMap[keyof orderer.SeekInfo.SeekBehaviorMap],
  ) {
    const position = (number: number): orderer.SeekPosition => {
      const specified = new orderer.SeekSpecified();
      specified.setNumber(number);
      const result = new orderer.SeekPosition();
      result.setSpecified(specified);
      return result;
    };
    const seekInfo = new orderer.SeekInfo();
    seekInfo.setStart(position(start));
    seekInfo.setStop(position(stop));
    seekInfo.setBehavior(behavior);
    const channelHeader = new common.ChannelHeader();
    channelHeader.setType(common.HeaderType.DELIVER_SEEK_INFO);
    channelHeader.setChannelId(patient.profile.channelName);
    channelHeader.setTimestamp(Timestamp.fromDate(new Date()));
    const creator = new msp.SerializedIdentity();
    creator.setMspid(identity.mspId);
    creator.setIdBytes(Buffer.from(identity.certificate));
    const signatureHeader = new common.SignatureHeader();
    signatureHeader.setCreator(creator.serializeBinary());
    const header = new common.Header();
    header.setChannelHeader(channelHeader.serializeBinary());
    header.setSignatureHeader(signatureHeader.serializeBinary());
    const payload = new common.Payload();
    payload.setHeader(header);
    payload.setData(seekInfo.serializeBinary());
    const envelope = new common.Envelope();
    envelope.setPayload(payload.serializeBinary());
    envelope.setSignature(sign(identity.privateKey, payload.serializeBinary()));
    return envelope;
  }

  /** Every response of one seek request on a raw Deliver stream, until the server ends it. */
  async function deliver(envelope: common.Envelope): Promise<peer.DeliverResponse[]> {
    const client = net.peerClient();
    const call = client.makeBidiStreamRequest(
      '/protos.Deliver/Deliver',
      (message: common.Envelope) => Buffer.from(message.serializeBinary()),
      (bytes: Buffer) => peer.DeliverResponse.deserializeBinary(bytes),
    );
    call.write(envelope);
    call.end();
    const responses: peer.DeliverResponse[] = [];
    for await (const response of call as AsyncIterable<peer.DeliverResponse>) responses.push(response);
    return responses;
  }

  it('sends start..stop inclusive then SUCCESS, and NOT_FOUND past the tip when told not to wait', async () => {
    await createRule();
    const responses = await deliver(seekEnvelope(1, 2, orderer.SeekInfo.SeekBehavior.BLOCK_UNTIL_READY));
    expect(responses.map((response) => response.getBlock()?.getHeader()?.getNumber())).toEqual([
      1,
      2,
      undefined,
    ]);
    expect(responses.at(-1)?.getStatus()).toBe(common.Status.SUCCESS);

    const height = (await chainInfo(network)).getHeight();
    const beyond = await deliver(
      seekEnvelope(height + 5, height + 6, orderer.SeekInfo.SeekBehavior.FAIL_IF_NOT_READY),
    );
    expect(beyond.map((response) => response.getStatus())).toEqual([common.Status.NOT_FOUND]);

    const backwards = await deliver(seekEnvelope(2, 1, orderer.SeekInfo.SeekBehavior.BLOCK_UNTIL_READY));
    expect(backwards.map((response) => response.getStatus())).toEqual([common.Status.BAD_REQUEST]);
  });

  it('refuses a seek request whose signature does not match its creator', async () => {
    const envelope = seekEnvelope(0, 0, orderer.SeekInfo.SeekBehavior.BLOCK_UNTIL_READY);
    const stranger = await net.enrol(ORG_DE, 'patient-z', 'patient');
    envelope.setSignature(sign(stranger.privateKey, envelope.getPayload_asU8()));
    const responses = await deliver(envelope);
    expect(responses.map((response) => response.getStatus())).toEqual([common.Status.FORBIDDEN]);
  });
});
