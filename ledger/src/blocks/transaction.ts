import { common, msp, peer } from '@hyperledger/fabric-protos';
import type { ReadWriteSet, TxTimestamp } from '../state/state';
import { decodeReadWriteSets } from '../state/rwset';
import { BlockFormatError, BlockFormatErrorCode } from './errors';

export type HeaderType = common.HeaderTypeMap[keyof common.HeaderTypeMap];

/** What every transaction envelope says about itself, before its body is looked at. */
export interface EnvelopeHeader {
  /** The envelope exactly as it goes into the block. */
  readonly bytes: Uint8Array;
  /** The signed bytes (Envelope.payload) and the creator's signature over them. */
  readonly payload: Uint8Array;
  readonly signature: Uint8Array;
  readonly txId: string;
  readonly channelId: string;
  readonly type: HeaderType;
  readonly timestamp: TxTimestamp;
  /** The serialized `msp.SerializedIdentity` of the submitter. */
  readonly creator: Uint8Array;
  readonly creatorMspId: string;
  readonly nonce: Uint8Array;
  /** Payload.data: for an endorser transaction, a serialized `peer.Transaction`. */
  readonly data: Uint8Array;
}

export interface ChaincodeEventInfo {
  readonly chaincodeName: string;
  readonly txId: string;
  readonly eventName: string;
  readonly payload: Uint8Array;
}

export interface EndorsementInfo {
  /** Serialized identity of the endorsing peer. */
  readonly endorser: Uint8Array;
  /** Signature over proposalResponsePayload ‖ endorser. */
  readonly signature: Uint8Array;
}

/** One chaincode action of an endorser transaction (Fabric clients send exactly one). */
export interface ChaincodeActionInfo {
  readonly chaincodeName: string;
  readonly rwsets: readonly ReadWriteSet[];
  readonly event?: ChaincodeEventInfo;
  readonly response: { readonly status: number; readonly message: string; readonly payload: Uint8Array };
  readonly proposalResponsePayload: Uint8Array;
  readonly endorsements: readonly EndorsementInfo[];
}

export interface ParsedTransaction extends EnvelopeHeader {
  readonly actions: readonly ChaincodeActionInfo[];
}

function malformed(what: string): BlockFormatError {
  return new BlockFormatError(
    BlockFormatErrorCode.MalformedTransaction,
    `transaction ${what} does not decode`,
  );
}

/** Decodes an envelope's headers; throws BlockFormatError(LEDGER_MALFORMED_TRANSACTION). */
export function parseEnvelopeHeader(bytes: Uint8Array): EnvelopeHeader {
  let envelope: common.Envelope;
  let payload: common.Payload;
  let header: common.Header | undefined;
  try {
    envelope = common.Envelope.deserializeBinary(bytes);
    payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
    header = payload.getHeader();
  } catch {
    throw malformed('envelope');
  }
  if (!header) throw malformed('header');
  let channelHeader: common.ChannelHeader;
  let signatureHeader: common.SignatureHeader;
  let creatorMspId: string;
  try {
    channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
    signatureHeader = common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8());
    creatorMspId = msp.SerializedIdentity.deserializeBinary(signatureHeader.getCreator_asU8()).getMspid();
  } catch {
    throw malformed('header');
  }
  const timestamp = channelHeader.getTimestamp();
  return {
    bytes,
    payload: envelope.getPayload_asU8(),
    signature: envelope.getSignature_asU8(),
    txId: channelHeader.getTxId(),
    channelId: channelHeader.getChannelId(),
    type: channelHeader.getType() as HeaderType,
    timestamp: { seconds: timestamp?.getSeconds() ?? 0, nanos: timestamp?.getNanos() ?? 0 },
    creator: signatureHeader.getCreator_asU8(),
    creatorMspId,
    nonce: signatureHeader.getNonce_asU8(),
    data: payload.getData_asU8(),
  };
}

function parseAction(action: peer.TransactionAction): ChaincodeActionInfo {
  const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
  const endorsed = actionPayload.getAction();
  if (!endorsed) throw malformed('action');
  const proposalResponsePayload = endorsed.getProposalResponsePayload_asU8();
  const responsePayload = peer.ProposalResponsePayload.deserializeBinary(proposalResponsePayload);
  const chaincodeAction = peer.ChaincodeAction.deserializeBinary(responsePayload.getExtension_asU8());
  const chaincodeName = chaincodeAction.getChaincodeId()?.getName() ?? '';
  const eventBytes = chaincodeAction.getEvents_asU8();
  const event = eventBytes.length > 0 ? peer.ChaincodeEvent.deserializeBinary(eventBytes) : undefined;
  const response = chaincodeAction.getResponse();
  return {
    chaincodeName,
    rwsets: decodeReadWriteSets(chaincodeAction.getResults_asU8()),
    ...(event && {
      event: {
        chaincodeName: event.getChaincodeId() || chaincodeName,
        txId: event.getTxId(),
        eventName: event.getEventName(),
        payload: event.getPayload_asU8(),
      },
    }),
    response: {
      status: response?.getStatus() ?? 0,
      message: response?.getMessage() ?? '',
      payload: response?.getPayload_asU8() ?? new Uint8Array(0),
    },
    proposalResponsePayload,
    endorsements: endorsed.getEndorsementsList().map((endorsement) => ({
      endorser: endorsement.getEndorser_asU8(),
      signature: endorsement.getSignature_asU8(),
    })),
  };
}

/** The chaincode actions of an endorser transaction; throws BlockFormatError(LEDGER_MALFORMED_TRANSACTION). */
export function parseChaincodeActions(header: EnvelopeHeader): ChaincodeActionInfo[] {
  if (header.type !== common.HeaderType.ENDORSER_TRANSACTION) return [];
  try {
    return peer.Transaction.deserializeBinary(header.data).getActionsList().map(parseAction);
  } catch (error) {
    if (error instanceof BlockFormatError && error.code === BlockFormatErrorCode.MalformedTransaction)
      throw error;
    throw malformed('body');
  }
}

/** Decodes a whole transaction envelope: headers, chaincode, read-write sets, events, endorsements. */
export function parseTransaction(bytes: Uint8Array): ParsedTransaction {
  const header = parseEnvelopeHeader(bytes);
  return { ...header, actions: parseChaincodeActions(header) };
}
