/**
 * What a Fabric 2.5 endorser returns for a simulated proposal, on the wire protobufs (0.3.x) that
 * @hyperledger/fabric-gateway clients read: ChaincodeAction (results = TxReadWriteSet, events, response,
 * chaincode id) inside a ProposalResponsePayload bound to the proposal hash, signed by the endorser over
 * payload ‖ endorser identity; and the unsigned transaction envelope payload assembled from endorsements.
 */
import { common, msp, peer } from '@hyperledger/fabric-protos';
import { sign, encodeReadWriteSets } from '@custodia/ledger';
import type { Identity } from '@custodia/ledger';
import { ERROR_THRESHOLD } from './engine';
import { EngineError, EngineErrorCode } from './errors';
import type { SimulationResult } from './engine';
import type { DecodedProposal } from './proposal';

export interface EndorseOptions {
  /** ChaincodeAction.chaincode_id.version: the chaincode definition's version. Default '1.0'. */
  readonly chaincodeVersion?: string;
}

export function serializeIdentity(identity: Pick<Identity, 'mspId' | 'certificate'>): Uint8Array {
  const serialized = new msp.SerializedIdentity();
  serialized.setMspid(identity.mspId);
  serialized.setIdBytes(Buffer.from(identity.certificate));
  return serialized.serializeBinary();
}

export function toResponse(result: Pick<SimulationResult, 'status' | 'message' | 'payload'>): peer.Response {
  const response = new peer.Response();
  response.setStatus(result.status);
  response.setMessage(result.message);
  response.setPayload(result.payload);
  return response;
}

/** The peer fills in the event's chaincode id and transaction id; the shim sets only name and payload. */
export function toChaincodeEvent(
  result: SimulationResult,
  chaincodeName: string,
): peer.ChaincodeEvent | undefined {
  if (!result.event) return undefined;
  const event = new peer.ChaincodeEvent();
  event.setChaincodeId(chaincodeName);
  event.setTxId(result.txId);
  event.setEventName(result.event.eventName);
  event.setPayload(result.event.payload);
  return event;
}

export function createChaincodeAction(
  result: SimulationResult,
  options: EndorseOptions = {},
): peer.ChaincodeAction {
  const chaincodeName = result.proposal.chaincodeName;
  const action = new peer.ChaincodeAction();
  action.setResults(encodeReadWriteSets([result.rwset]));
  const event = toChaincodeEvent(result, chaincodeName);
  if (event) action.setEvents(event.serializeBinary());
  action.setResponse(toResponse(result));
  const chaincodeId = new peer.ChaincodeID();
  chaincodeId.setName(chaincodeName);
  chaincodeId.setVersion(options.chaincodeVersion ?? '1.0');
  action.setChaincodeId(chaincodeId);
  return action;
}

/**
 * The endorser's answer. A chaincode error (status ≥ 400) is answered, as Fabric does, with the response
 * alone: no payload and no endorsement.
 */
export function createProposalResponse(
  result: SimulationResult,
  endorser: Identity,
  options: EndorseOptions = {},
): peer.ProposalResponse {
  const proposalResponse = new peer.ProposalResponse();
  proposalResponse.setVersion(1);
  proposalResponse.setResponse(toResponse(result));
  if (result.status >= ERROR_THRESHOLD) return proposalResponse;

  const payload = new peer.ProposalResponsePayload();
  payload.setProposalHash(result.proposal.proposalHash);
  payload.setExtension$(createChaincodeAction(result, options).serializeBinary());
  const payloadBytes = payload.serializeBinary();

  const endorserBytes = serializeIdentity(endorser);
  const endorsement = new peer.Endorsement();
  endorsement.setEndorser(endorserBytes);
  endorsement.setSignature(sign(endorser.privateKey, Buffer.concat([payloadBytes, endorserBytes])));
  proposalResponse.setPayload(payloadBytes);
  proposalResponse.setEndorsement(endorsement);
  return proposalResponse;
}

/**
 * The transaction a client signs and submits (Fabric's protoutil.CreateSignedTx without the signature): the
 * proposal's header, and one action carrying the proposal payload minus transient data, the common
 * proposal response payload and every endorsement. Responses must be successful and agree on the payload.
 */
export function createTransactionPayload(
  proposal: DecodedProposal,
  responses: readonly peer.ProposalResponse[],
): common.Payload {
  const first = responses[0];
  if (!first)
    throw new EngineError(EngineErrorCode.MissingEndorsement, 'a transaction needs at least one endorsement');
  const responsePayload = first.getPayload_asU8();
  const endorsements = responses.map((response) => {
    const endorsement = response.getEndorsement();
    if (!endorsement) {
      throw new EngineError(
        EngineErrorCode.MissingEndorsement,
        `proposal response has no endorsement (status ${response.getResponse()?.getStatus() ?? 0})`,
      );
    }
    if (!Buffer.from(response.getPayload_asU8()).equals(Buffer.from(responsePayload))) {
      throw new EngineError(EngineErrorCode.EndorsementMismatch, 'ProposalResponsePayloads do not match');
    }
    return endorsement;
  });

  const endorsedAction = new peer.ChaincodeEndorsedAction();
  endorsedAction.setProposalResponsePayload(responsePayload);
  endorsedAction.setEndorsementsList(endorsements);
  const actionPayload = new peer.ChaincodeActionPayload();
  actionPayload.setChaincodeProposalPayload(proposal.payloadForTx);
  actionPayload.setAction(endorsedAction);

  const action = new peer.TransactionAction();
  action.setHeader(proposal.signatureHeader);
  action.setPayload(actionPayload.serializeBinary());
  const transaction = new peer.Transaction();
  transaction.setActionsList([action]);

  const header = new common.Header();
  header.setChannelHeader(proposal.channelHeader);
  header.setSignatureHeader(proposal.signatureHeader);
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(transaction.serializeBinary());
  return payload;
}
