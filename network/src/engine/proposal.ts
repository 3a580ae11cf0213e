/**
 * Unpacking a SignedProposal the way a Fabric 2.5 endorser does (protoutil.UnpackProposal and
 * ValidateProposalMessage, minus the signature check, which needs the MSPs and belongs to the network):
 * SignedProposal → Proposal → Header (ChannelHeader, SignatureHeader) and ChaincodeProposalPayload →
 * ChaincodeInvocationSpec → ChaincodeInput, with the transient map set aside.
 */
import { createHash } from 'node:crypto';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import { EngineError, EngineErrorCode } from './errors';
import type { TxTimestamp } from '@custodia/ledger';

export interface ProposalCreator {
  readonly mspId: string;
  /** The creator's certificate (PEM bytes), as SerializedIdentity.id_bytes carries it. */
  readonly idBytes: Uint8Array;
}

export interface DecodedProposal {
  readonly txId: string;
  readonly channelId: string;
  /** From the ChaincodeHeaderExtension, as the endorser takes it. */
  readonly chaincodeName: string;
  readonly creator: ProposalCreator;
  readonly timestamp: TxTimestamp;
  /** The function name followed by its arguments. */
  readonly args: readonly Uint8Array[];
  readonly transient: ReadonlyMap<string, Uint8Array>;
  /** The SignedProposal exactly as received. */
  readonly signedProposal: Uint8Array;
  /** SignedProposal.proposal_bytes: what the signature covers. */
  readonly proposalBytes: Uint8Array;
  readonly signature: Uint8Array;
  /** Serialized common.ChannelHeader and common.SignatureHeader, as they go into the transaction header. */
  readonly channelHeader: Uint8Array;
  readonly signatureHeader: Uint8Array;
  /** ChaincodeProposalPayload without its transient map: the part of the proposal the transaction carries. */
  readonly payloadForTx: Uint8Array;
  /** SHA-256(channel header ‖ signature header ‖ payloadForTx): ProposalResponsePayload.proposal_hash. */
  readonly proposalHash: Uint8Array;
}

/** Fabric's transaction id: hex(SHA-256(nonce ‖ creator)). */
export function computeTxId(nonce: Uint8Array, creator: Uint8Array): string {
  return createHash('sha256').update(nonce).update(creator).digest('hex');
}

export function decodeProposal(signedProposal: Uint8Array): DecodedProposal {
  const signed = parse('SignedProposal', () => peer.SignedProposal.deserializeBinary(signedProposal));
  const proposalBytes = signed.getProposalBytes_asU8();
  if (proposalBytes.length === 0) malformed('the signed proposal carries no proposal');
  const proposal = parse('Proposal', () => peer.Proposal.deserializeBinary(proposalBytes));

  if (proposal.getHeader_asU8().length === 0) malformed('the proposal header is empty');
  if (proposal.getPayload_asU8().length === 0) malformed('the proposal payload is empty');
  const header = parse('Header', () => common.Header.deserializeBinary(proposal.getHeader_asU8()));
  const channelHeaderBytes = header.getChannelHeader_asU8();
  const signatureHeaderBytes = header.getSignatureHeader_asU8();
  const channelHeader = parse('ChannelHeader', () =>
    common.ChannelHeader.deserializeBinary(channelHeaderBytes),
  );
  const signatureHeader = parse('SignatureHeader', () =>
    common.SignatureHeader.deserializeBinary(signatureHeaderBytes),
  );

  if (channelHeader.getType() !== common.HeaderType.ENDORSER_TRANSACTION) {
    throw new EngineError(
      EngineErrorCode.UnsupportedHeaderType,
      `invalid header type ${channelHeader.getType()}: only ENDORSER_TRANSACTION proposals are endorsed`,
    );
  }
  const nonce = signatureHeader.getNonce_asU8();
  const creatorBytes = signatureHeader.getCreator_asU8();
  if (nonce.length === 0) {
    throw new EngineError(EngineErrorCode.InvalidSignatureHeader, 'invalid nonce specified in the header');
  }
  if (creatorBytes.length === 0) {
    throw new EngineError(EngineErrorCode.InvalidSignatureHeader, 'invalid creator specified in the header');
  }
  const creator = parse('SerializedIdentity', () => msp.SerializedIdentity.deserializeBinary(creatorBytes));
  const txId = channelHeader.getTxId();
  const expectedTxId = computeTxId(nonce, creatorBytes);
  if (txId !== expectedTxId) {
    throw new EngineError(
      EngineErrorCode.TxIdMismatch,
      `invalid txid. got [${txId}], expected [${expectedTxId}]`,
    );
  }
  const timestamp = channelHeader.getTimestamp();
  if (!timestamp) malformed('the channel header has no timestamp');

  const extension = parse('ChaincodeHeaderExtension', () =>
    peer.ChaincodeHeaderExtension.deserializeBinary(channelHeader.getExtension_asU8()),
  );
  const chaincodeName = extension.getChaincodeId()?.getName() ?? '';
  if (chaincodeName === '') malformed('ChaincodeHeaderExtension.ChaincodeId.Name is empty');

  const payload = parse('ChaincodeProposalPayload', () =>
    peer.ChaincodeProposalPayload.deserializeBinary(proposal.getPayload_asU8()),
  );
  const invocation = parse('ChaincodeInvocationSpec', () =>
    peer.ChaincodeInvocationSpec.deserializeBinary(payload.getInput_asU8()),
  );
  const input = invocation.getChaincodeSpec()?.getInput();
  if (!input) malformed('chaincode invocation spec did not contain chaincode input');

  const transient = new Map<string, Uint8Array>();
  payload.getTransientmapMap().forEach((value, key) => transient.set(key, asBytes(value)));

  const forTx = new peer.ChaincodeProposalPayload();
  forTx.setInput(payload.getInput_asU8());
  const payloadForTx = forTx.serializeBinary();

  return {
    txId,
    channelId: channelHeader.getChannelId(),
    chaincodeName,
    creator: { mspId: creator.getMspid(), idBytes: creator.getIdBytes_asU8() },
    timestamp: { seconds: timestamp.getSeconds(), nanos: timestamp.getNanos() },
    args: input.getArgsList_asU8(),
    transient,
    signedProposal,
    proposalBytes,
    signature: signed.getSignature_asU8(),
    channelHeader: channelHeaderBytes,
    signatureHeader: signatureHeaderBytes,
    payloadForTx,
    proposalHash: createHash('sha256')
      .update(channelHeaderBytes)
      .update(signatureHeaderBytes)
      .update(payloadForTx)
      .digest(),
  };
}

function parse<T>(what: string, decode: () => T): T {
  try {
    return decode();
  } catch {
    return malformed(`cannot decode ${what}`);
  }
}

function malformed(reason: string): never {
  throw new EngineError(EngineErrorCode.MalformedProposal, `malformed proposal: ${reason}`);
}

/** jspb hands map values of bytes type as Uint8Array, or base64 when built from JSON-like objects. */
function asBytes(value: Uint8Array | string): Uint8Array {
  return typeof value === 'string' ? Buffer.from(value, 'base64') : value;
}
