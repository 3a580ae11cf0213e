/**
 * Builds a SignedProposal exactly as @hyperledger/fabric-gateway's ProposalBuilder does (creator =
 * SerializedIdentity{mspid, id_bytes = certificate PEM}, 24-byte nonce, tx id = hex(SHA-256(nonce ‖ creator)),
 * ENDORSER_TRANSACTION channel header with a ChaincodeHeaderExtension, NODE ChaincodeSpec), signed with the
 * identity's key: for harnesses and tools that talk to the engine without a gRPC client.
 */
import { randomBytes } from 'node:crypto';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';
import { sign } from '@custodia/ledger';
import type { Identity } from '@custodia/ledger';
import { computeTxId } from './proposal';

export interface ProposalRequest {
  readonly channelName: string;
  readonly chaincodeName: string;
  /** `contractName:transactionName`, as fabric-contract-api routes it. */
  readonly transactionName: string;
  readonly arguments?: readonly (string | Uint8Array)[];
  readonly transient?: Readonly<Record<string, Uint8Array>>;
  /** The channel header timestamp, which the chaincode sees as the transaction time. Default now. */
  readonly timestamp?: Date;
  /** Default 24 random bytes, as fabric-gateway uses. */
  readonly nonce?: Uint8Array;
}

export interface SignedProposalBytes {
  readonly txId: string;
  /** A serialized peer.SignedProposal. */
  readonly signedProposal: Uint8Array;
}

const NONCE_LENGTH = 24;

export function createSignedProposal(identity: Identity, request: ProposalRequest): SignedProposalBytes {
  const creator = new msp.SerializedIdentity();
  creator.setMspid(identity.mspId);
  creator.setIdBytes(Buffer.from(identity.certificate));
  const creatorBytes = creator.serializeBinary();
  const nonce = request.nonce ?? randomBytes(NONCE_LENGTH);
  const txId = computeTxId(nonce, creatorBytes);

  const chaincodeId = new peer.ChaincodeID();
  chaincodeId.setName(request.chaincodeName);

  const extension = new peer.ChaincodeHeaderExtension();
  extension.setChaincodeId(chaincodeId);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setTxId(txId);
  channelHeader.setTimestamp(Timestamp.fromDate(request.timestamp ?? new Date()));
  channelHeader.setChannelId(request.channelName);
  channelHeader.setExtension$(extension.serializeBinary());
  channelHeader.setEpoch(0);

  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(creatorBytes);
  signatureHeader.setNonce(nonce);

  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());

  const input = new peer.ChaincodeInput();
  input.setArgsList([request.transactionName, ...(request.arguments ?? [])].map(asBytes));
  const spec = new peer.ChaincodeSpec();
  spec.setType(peer.ChaincodeSpec.Type.NODE);
  spec.setChaincodeId(chaincodeId);
  spec.setInput(input);
  const invocation = new peer.ChaincodeInvocationSpec();
  invocation.setChaincodeSpec(spec);

  const payload = new peer.ChaincodeProposalPayload();
  payload.setInput(invocation.serializeBinary());
  const transient = payload.getTransientmapMap();
  for (const [key, value] of Object.entries(request.transient ?? {})) transient.set(key, value);

  const proposal = new peer.Proposal();
  proposal.setHeader(header.serializeBinary());
  proposal.setPayload(payload.serializeBinary());
  const proposalBytes = proposal.serializeBinary();

  const signed = new peer.SignedProposal();
  signed.setProposalBytes(proposalBytes);
  signed.setSignature(sign(identity.privateKey, proposalBytes));
  return { txId, signedProposal: signed.serializeBinary() };
}

function asBytes(value: string | Uint8Array): Uint8Array {
  return typeof value === 'string' ? Buffer.from(value) : value;
}
