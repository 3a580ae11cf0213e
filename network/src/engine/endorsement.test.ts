import 'reflect-metadata';
import { createHash, createPrivateKey } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { connect, signers } from '@hyperledger/fabric-gateway';
import type { Gateway } from '@hyperledger/fabric-gateway';
import { common, gateway as gatewayProtos, peer } from '@hyperledger/fabric-protos';
import { Context, Contract, Returns, Transaction } from 'fabric-contract-api';
import { CertificateAuthority } from '../msp';
import { verify, MemoryState, decodeReadWriteSets } from '@custodia/ledger';
import type { Identity } from '@custodia/ledger';
import {
  ChaincodeEngine,
  EngineErrorCode,
  createProposalResponse,
  createSignedProposal,
  createTransactionPayload,
  decodeProposal,
  serializeIdentity,
} from './index';
import type { SimulationResult } from './index';

/** Test-only contract: one write with an event, one read, one failure. */
class NotesContract extends Contract {
  constructor() {
    super('notes');
  }

  @Transaction()
  @Returns('string')
  async write(ctx: Context, key: string, text: string): Promise<string> {
    await ctx.stub.putState(key, Buffer.from(text));
    ctx.stub.setEvent('written', Buffer.from(key));
    return `stored ${key}`;
  }

  @Transaction()
  async refuse(): Promise<void> {
    throw new Error('NOT_ALLOWED');
  }
}

const CHANNEL = 'notes-channel';
const CHAINCODE = 'notes';

let client: grpc.Client;
let fabricGateway: Gateway;
let user: Identity;
let peerIdentity: Identity;
let engine: ChaincodeEngine;

beforeAll(async () => {
  const org = await CertificateAuthority.create({ mspId: 'Org1MSP' });
  user = await org.issue({ enrollmentId: 'user1' });
  peerIdentity = await org.issue({ enrollmentId: 'peer0', ou: 'peer' });
  engine = new ChaincodeEngine({
    contracts: [NotesContract],
    chaincodeName: CHAINCODE,
    channelName: CHANNEL,
  });
  // The gateway client only builds and parses messages here; the channel never connects.
  client = new grpc.Client('127.0.0.1:1', grpc.credentials.createInsecure());
  fabricGateway = connect({
    client,
    identity: { mspId: user.mspId, credentials: Buffer.from(user.certificate) },
    signer: signers.newPrivateKeySigner(createPrivateKey(user.privateKey)),
  });
});

afterAll(() => {
  fabricGateway.close();
  client.close();
});

/** A SignedProposal exactly as @hyperledger/fabric-gateway builds it for Contract.submitTransaction. */
function gatewayProposal(transactionName: string, args: string[], transientData?: Record<string, string>) {
  const contract = fabricGateway.getNetwork(CHANNEL).getContract(CHAINCODE);
  const proposal = contract.newProposal(transactionName, {
    arguments: args,
    ...(transientData && { transientData }),
  });
  const proposed = gatewayProtos.ProposedTransaction.deserializeBinary(proposal.getBytes());
  const signed = proposed.getProposal() as peer.SignedProposal;
  return { txId: proposal.getTransactionId(), bytes: signed.serializeBinary() };
}

async function simulate(transactionName: string, args: string[], transient?: Record<string, string>) {
  const proposal = gatewayProposal(transactionName, args, transient);
  const result = await engine.execute(proposal.bytes, new MemoryState());
  return { proposal, result };
}

describe('proposals from the real fabric-gateway client', () => {
  it('executes with the client’s transaction id, arguments, creator and transient data', async () => {
    const { proposal, result } = await simulate('notes:write', ['n1', 'hello'], { secret: 'xyz' });
    expect(result).toMatchObject({ txId: proposal.txId, status: 200, message: '' });
    expect(Buffer.from(result.payload).toString()).toBe('stored n1');
    expect(result.proposal.creator.mspId).toBe('Org1MSP');
    expect(Buffer.from(result.proposal.creator.idBytes).toString()).toBe(user.certificate);
    expect([...result.proposal.transient.keys()]).toEqual(['secret']);
    expect(result.proposal.args.map((arg) => Buffer.from(arg).toString())).toEqual([
      'notes:write',
      'n1',
      'hello',
    ]);
  });

  it('is what createSignedProposal builds too, signed with the identity’s key', () => {
    const fromGateway = gatewayProposal('notes:write', ['n1', 'hello'], { secret: 'xyz' });
    const timestamp = new Date('2030-01-01T00:00:00.123Z');
    const ours = createSignedProposal(user, {
      channelName: CHANNEL,
      chaincodeName: CHAINCODE,
      transactionName: 'notes:write',
      arguments: ['n1', 'hello'],
      transient: { secret: Buffer.from('xyz') },
      timestamp,
    });
    const parts = (bytes: Uint8Array) => {
      const proposal = peer.Proposal.deserializeBinary(
        peer.SignedProposal.deserializeBinary(bytes).getProposalBytes_asU8(),
      );
      const header = common.Header.deserializeBinary(proposal.getHeader_asU8());
      const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
      const signatureHeader = common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8());
      // Transaction id and timestamp differ per proposal by design; everything else must match.
      channelHeader.clearTimestamp();
      const txIdLength = channelHeader.getTxId().length;
      channelHeader.setTxId('');
      return {
        channelHeader: channelHeader.toObject(),
        txIdLength,
        creator: Buffer.from(signatureHeader.getCreator_asU8()).toString('base64'),
        nonceLength: signatureHeader.getNonce_asU8().length,
        payload: Buffer.from(proposal.getPayload_asU8()).toString('base64'),
      };
    };
    expect(parts(ours.signedProposal)).toEqual(parts(fromGateway.bytes));

    const decoded = decodeProposal(ours.signedProposal);
    expect(decoded.txId).toBe(ours.txId);
    expect(decoded.timestamp).toEqual({
      seconds: Math.floor(timestamp.getTime() / 1000),
      nanos: 123_000_000,
    });
    expect(verify(user.certificate, decoded.proposalBytes, decoded.signature)).toBe(true);
  });

  it('refuses a proposal whose transaction id was not derived from its nonce and creator', () => {
    const { bytes } = gatewayProposal('notes:write', ['n1', 'x']);
    const signed = peer.SignedProposal.deserializeBinary(bytes);
    const proposal = peer.Proposal.deserializeBinary(signed.getProposalBytes_asU8());
    const header = common.Header.deserializeBinary(proposal.getHeader_asU8());
    const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
    channelHeader.setTxId('0'.repeat(64));
    header.setChannelHeader(channelHeader.serializeBinary());
    proposal.setHeader(header.serializeBinary());
    signed.setProposalBytes(proposal.serializeBinary());
    expect(() => decodeProposal(signed.serializeBinary())).toThrow(
      expect.objectContaining({ code: EngineErrorCode.TxIdMismatch }) as Error,
    );
  });
});

describe('proposal responses', () => {
  let result: SimulationResult;
  let response: peer.ProposalResponse;

  beforeAll(async () => {
    ({ result } = await simulate('notes:write', ['n2', 'text'], { secret: 'never on the ledger' }));
    response = createProposalResponse(result, peerIdentity, { chaincodeVersion: '2.1' });
  });

  it('is signed by the endorser over payload ‖ endorser identity', () => {
    const endorsement = response.getEndorsement();
    expect(endorsement).toBeDefined();
    expect(Buffer.from(endorsement?.getEndorser_asU8() ?? [])).toEqual(
      Buffer.from(serializeIdentity(peerIdentity)),
    );
    const signed = Buffer.concat([
      response.getPayload_asU8(),
      endorsement?.getEndorser_asU8() ?? new Uint8Array(),
    ]);
    expect(
      verify(peerIdentity.certificate, signed, endorsement?.getSignature_asU8() ?? new Uint8Array()),
    ).toBe(true);
    expect(verify(user.certificate, signed, endorsement?.getSignature_asU8() ?? new Uint8Array())).toBe(
      false,
    );
  });

  it('binds the proposal: hash over channel header, signature header and the payload without transient data', () => {
    const payload = peer.ProposalResponsePayload.deserializeBinary(response.getPayload_asU8());
    const proposal = peer.Proposal.deserializeBinary(result.proposal.proposalBytes);
    const header = common.Header.deserializeBinary(proposal.getHeader_asU8());
    const withoutTransient = peer.ChaincodeProposalPayload.deserializeBinary(proposal.getPayload_asU8());
    withoutTransient.getTransientmapMap().clear();
    const expected = createHash('sha256')
      .update(header.getChannelHeader_asU8())
      .update(header.getSignatureHeader_asU8())
      .update(withoutTransient.serializeBinary())
      .digest();
    expect(Buffer.from(payload.getProposalHash_asU8())).toEqual(expected);
  });

  it('carries the chaincode action: read-write set, event with chaincode and tx id, response, chaincode id', () => {
    const payload = peer.ProposalResponsePayload.deserializeBinary(response.getPayload_asU8());
    const action = peer.ChaincodeAction.deserializeBinary(payload.getExtension_asU8());
    expect(decodeReadWriteSets(action.getResults_asU8())).toEqual([result.rwset]);
    const event = peer.ChaincodeEvent.deserializeBinary(action.getEvents_asU8());
    expect(event.toObject()).toEqual({
      chaincodeId: CHAINCODE,
      txId: result.txId,
      eventName: 'written',
      payload: Buffer.from('n2').toString('base64'),
    });
    expect(action.getResponse()?.getStatus()).toBe(200);
    expect(action.getChaincodeId()?.toObject()).toEqual({ name: CHAINCODE, version: '2.1', path: '' });
    expect(response.getResponse()?.getStatus()).toBe(200);
  });

  it('answers a chaincode error with the response alone: no payload, no endorsement', async () => {
    const failed = await simulate('notes:refuse', []);
    const answer = createProposalResponse(failed.result, peerIdentity);
    expect(answer.getResponse()?.toObject()).toEqual({ status: 500, message: 'NOT_ALLOWED', payload: '' });
    expect(answer.getPayload_asU8()).toHaveLength(0);
    expect(answer.getEndorsement()).toBeUndefined();
    expect(() => createTransactionPayload(failed.result.proposal, [answer])).toThrow(
      expect.objectContaining({ code: EngineErrorCode.MissingEndorsement }) as Error,
    );
  });
});

describe('prepared transactions', () => {
  it('are read by the fabric-gateway client: transaction id and chaincode result', async () => {
    const { proposal, result } = await simulate('notes:write', ['n3', 'text']);
    const payload = createTransactionPayload(result.proposal, [createProposalResponse(result, peerIdentity)]);
    const envelope = new common.Envelope();
    envelope.setPayload(payload.serializeBinary());
    const prepared = new gatewayProtos.PreparedTransaction();
    prepared.setTransactionId(result.txId);
    prepared.setEnvelope(envelope);

    const transaction = fabricGateway.newSignedTransaction(prepared.serializeBinary(), new Uint8Array([1]));
    expect(transaction.getTransactionId()).toBe(proposal.txId);
    expect(Buffer.from(transaction.getResult()).toString()).toBe('stored n3');
  });

  it('carry the proposal header and the proposal payload without transient data', async () => {
    const { result } = await simulate('notes:write', ['n4', 'text'], { secret: 'xyz' });
    const payload = createTransactionPayload(result.proposal, [createProposalResponse(result, peerIdentity)]);
    expect(Buffer.from(payload.getHeader()?.getChannelHeader_asU8() ?? [])).toEqual(
      Buffer.from(result.proposal.channelHeader),
    );
    const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
    const [action] = transaction.getActionsList();
    const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(
      action?.getPayload_asU8() ?? new Uint8Array(),
    );
    const carried = peer.ChaincodeProposalPayload.deserializeBinary(
      actionPayload.getChaincodeProposalPayload_asU8(),
    );
    expect(carried.getTransientmapMap().getLength()).toBe(0);
    expect(Buffer.from(carried.getInput_asU8())).toEqual(
      Buffer.from(
        peer.ChaincodeProposalPayload.deserializeBinary(
          peer.Proposal.deserializeBinary(result.proposal.proposalBytes).getPayload_asU8(),
        ).getInput_asU8(),
      ),
    );
  });

  it('refuse endorsements that disagree', async () => {
    const first = await simulate('notes:write', ['n5', 'one']);
    const second = await simulate('notes:write', ['n5', 'two']);
    expect(() =>
      createTransactionPayload(first.result.proposal, [
        createProposalResponse(first.result, peerIdentity),
        createProposalResponse(second.result, peerIdentity),
      ]),
    ).toThrow(expect.objectContaining({ code: EngineErrorCode.EndorsementMismatch }) as Error);
  });
});
