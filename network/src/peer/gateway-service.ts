import { status as GrpcStatus } from '@grpc/grpc-js';
import { gateway, orderer, peer, common } from '@hyperledger/fabric-protos';
import { createTransactionPayload, EngineError } from '../engine';
import type { DecodedProposal } from '../engine';
import { LedgerError } from '../ledger/errors';
import { parseEnvelopeHeader } from '@custodia/ledger';
import type { MspRegistry, ValidatedIdentity } from '../msp';
import { validChaincodeEvents } from './block-events';
import { followBlocks } from './block-stream';
import { RpcError } from './errors';
import type { EndpointErrorDetail } from './errors';
import type { BlockReader, ChaincodeResponse, CommitPipeline, ProposalEndorser } from './ports';
import { authenticate, ProposalError, ProposalErrorCode, unpackProposal, validateProposal } from './proposal';
import { invokeQscc, QSCC } from './qscc';

export interface GatewayServiceOptions {
  readonly channelId: string;
  readonly msps: MspRegistry;
  readonly endorser: ProposalEndorser;
  readonly blocks: BlockReader;
  readonly commits: CommitPipeline;
  /** This peer as error details name it. */
  readonly self: { readonly address: string; readonly mspId: string };
}

const ENDORSE_FAILED = 'failed to endorse transaction, see attached details for more info';

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : 'unknown error';
}

function isChaincodeFailure(response: ChaincodeResponse): boolean {
  return response.status < 200 || response.status >= 400;
}

/** Fabric's gateway names a chaincode failure this way; clients find the chaincode's message inside. */
function chaincodeFailure(response: ChaincodeResponse): string {
  return `chaincode response ${response.status}, ${response.message}`;
}

/**
 * The peer Gateway service (Endorse, Submit, CommitStatus, Evaluate, ChaincodeEvents) as a Fabric 2.5 gateway
 * peer answers it, with the same gRPC status codes and error details, for one channel served by this process.
 */
export class GatewayService {
  constructor(private readonly options: GatewayServiceOptions) {}

  async endorse(request: gateway.EndorseRequest): Promise<gateway.EndorseResponse> {
    const failed = (message: string): RpcError =>
      new RpcError(GrpcStatus.ABORTED, ENDORSE_FAILED, [this.detail(message)]);
    const proposal = this.checked(request.getProposedTransaction(), '', failed);
    const organisations = request.getEndorsingOrganizationsList();
    const missing = organisations.filter((mspId) => !this.options.endorser.organisations.has(mspId));
    if (missing.length > 0) {
      throw new RpcError(
        GrpcStatus.UNAVAILABLE,
        `failed to find any endorsing peers for org(s): ${missing.join(', ')}`,
      );
    }
    const creator = await this.preProcess(proposal, failed);
    const result = await this.simulate(proposal, creator, { endorse: true, organisations }, failed);
    if (isChaincodeFailure(result.response) || result.proposalResponses.length === 0) {
      throw failed(chaincodeFailure(result.response));
    }
    const envelope = new common.Envelope();
    envelope.setPayload(createTransactionPayload(proposal, result.proposalResponses).serializeBinary());
    const response = new gateway.EndorseResponse();
    response.setPreparedTransaction(envelope);
    return response;
  }

  async evaluate(request: gateway.EvaluateRequest): Promise<gateway.EvaluateResponse> {
    const failed = (message: string, code: GrpcStatus = GrpcStatus.FAILED_PRECONDITION): RpcError =>
      new RpcError(code, `evaluate call to endorser returned error: ${message}`, [this.detail(message)]);
    const proposal = this.checked(
      request.getProposedTransaction(),
      'failed to unpack transaction proposal: ',
      failed,
    );
    const creator = await this.preProcess(proposal, failed);
    const outcome =
      proposal.chaincodeName === QSCC
        ? await invokeQscc(this.options.blocks, this.options.channelId, proposal.args)
        : (
            await this.simulate(proposal, creator, { endorse: false }, (message) =>
              failed(message, GrpcStatus.ABORTED),
            )
          ).response;
    if (isChaincodeFailure(outcome)) throw failed(chaincodeFailure(outcome), GrpcStatus.UNKNOWN);
    const result = new peer.Response();
    result.setStatus(outcome.status);
    result.setMessage(outcome.message);
    result.setPayload(outcome.payload);
    const response = new gateway.EvaluateResponse();
    response.setResult(result);
    return response;
  }

  async submit(request: gateway.SubmitRequest): Promise<gateway.SubmitResponse> {
    const envelope = request.getPreparedTransaction();
    if (!envelope) throw new RpcError(GrpcStatus.INVALID_ARGUMENT, 'a prepared transaction is required');
    if (envelope.getSignature_asU8().length === 0) {
      throw new RpcError(GrpcStatus.INVALID_ARGUMENT, 'prepared transaction must be signed');
    }
    if (request.getChannelId() !== this.options.channelId) {
      throw new RpcError(GrpcStatus.FAILED_PRECONDITION, `channel '${request.getChannelId()}' not found`);
    }
    // The ordering service's broadcast filters: a well-formed envelope for this channel, signed by a member.
    const refused = (status: string, info: string): RpcError =>
      new RpcError(
        GrpcStatus.ABORTED,
        `received unsuccessful response from orderer: status=${status}, info=${info}`,
      );
    const envelopeBytes = envelope.serializeBinary();
    let unpacked;
    try {
      unpacked = parseEnvelopeHeader(envelopeBytes);
    } catch (error) {
      if (error instanceof LedgerError) throw refused('BAD_REQUEST', error.message);
      throw error;
    }
    if (unpacked.channelId !== this.options.channelId) {
      throw refused('BAD_REQUEST', `envelope is for channel '${unpacked.channelId}'`);
    }
    try {
      authenticate(
        this.options.msps,
        unpacked.channelId,
        unpacked.creator,
        envelope.getPayload_asU8(),
        envelope.getSignature_asU8(),
      );
    } catch (error) {
      if (error instanceof ProposalError) throw refused('FORBIDDEN', error.message);
      throw error;
    }
    try {
      await this.options.commits.submit(envelopeBytes);
    } catch (error) {
      throw new RpcError(GrpcStatus.UNAVAILABLE, 'no orderers could successfully process transaction', [
        this.detail(errorMessage(error)),
      ]);
    }
    return new gateway.SubmitResponse();
  }

  async commitStatus(
    signedRequest: gateway.SignedCommitStatusRequest,
    signal: AbortSignal,
  ): Promise<gateway.CommitStatusResponse> {
    const bytes = signedRequest.getRequest_asU8();
    if (bytes.length === 0)
      throw new RpcError(GrpcStatus.INVALID_ARGUMENT, 'a commit status request is required');
    let request: gateway.CommitStatusRequest;
    try {
      request = gateway.CommitStatusRequest.deserializeBinary(bytes);
    } catch (error) {
      throw new RpcError(GrpcStatus.INVALID_ARGUMENT, `invalid status request: ${errorMessage(error)}`);
    }
    this.checkSignedRequest(request.getChannelId(), request.getIdentity_asU8(), bytes, signedRequest);
    const location = await this.options.commits.commitStatus(request.getTransactionId(), signal);
    const response = new gateway.CommitStatusResponse();
    response.setResult(location.validationCode);
    response.setBlockNumber(location.blockNumber);
    return response;
  }

  /** Validates the request, then streams one response per block holding matching events, following new blocks. */
  async *chaincodeEvents(
    signedRequest: gateway.SignedChaincodeEventsRequest,
    signal: AbortSignal,
  ): AsyncGenerator<gateway.ChaincodeEventsResponse> {
    const bytes = signedRequest.getRequest_asU8();
    if (bytes.length === 0) {
      throw new RpcError(GrpcStatus.INVALID_ARGUMENT, 'a chaincode events request is required');
    }
    let request: gateway.ChaincodeEventsRequest;
    try {
      request = gateway.ChaincodeEventsRequest.deserializeBinary(bytes);
    } catch (error) {
      throw new RpcError(
        GrpcStatus.INVALID_ARGUMENT,
        `invalid chaincode events request: ${errorMessage(error)}`,
      );
    }
    this.checkSignedRequest(request.getChannelId(), request.getIdentity_asU8(), bytes, signedRequest);
    const start = await this.eventsStartBlock(request);
    const chaincodeId = request.getChaincodeId();
    const afterTxId = request.getAfterTransactionId();
    // With a checkpointed transaction, events up to and including it were seen already (Fabric's matcher).
    let passedCheckpoint = afterTxId === '';
    const matches = (event: peer.ChaincodeEvent): boolean => {
      if (!passedCheckpoint) {
        passedCheckpoint = event.getTxId() === afterTxId;
        return false;
      }
      return event.getChaincodeId() === chaincodeId;
    };
    const { blocks, commits } = this.options;
    for await (const committed of followBlocks(blocks, commits, start, Number.POSITIVE_INFINITY, signal)) {
      const events = validChaincodeEvents(committed).filter(matches);
      if (events.length === 0) continue;
      const response = new gateway.ChaincodeEventsResponse();
      response.setBlockNumber(committed.number);
      response.setEventsList(events);
      yield response;
    }
  }

  private async eventsStartBlock(request: gateway.ChaincodeEventsRequest): Promise<number> {
    const afterTxId = request.getAfterTransactionId();
    if (afterTxId !== '') {
      const location = await this.options.blocks.getTransactionLocation(afterTxId);
      if (location) return location.blockNumber;
    }
    const position = request.getStartPosition();
    switch (position?.getTypeCase() ?? orderer.SeekPosition.TypeCase.TYPE_NOT_SET) {
      case orderer.SeekPosition.TypeCase.SPECIFIED:
        return position?.getSpecified()?.getNumber() ?? 0;
      case orderer.SeekPosition.TypeCase.NEXT_COMMIT:
      case orderer.SeekPosition.TypeCase.TYPE_NOT_SET:
        return this.options.blocks.height;
      default:
        throw new RpcError(GrpcStatus.INVALID_ARGUMENT, 'invalid start position type');
    }
  }

  private checkSignedRequest(
    channelId: string,
    identity: Uint8Array,
    data: Uint8Array,
    signed: { getSignature_asU8(): Uint8Array },
  ): void {
    if (channelId !== this.options.channelId) {
      throw new RpcError(GrpcStatus.NOT_FOUND, `channel '${channelId}' not found`);
    }
    try {
      authenticate(this.options.msps, channelId, identity, data, signed.getSignature_asU8());
    } catch (error) {
      if (error instanceof ProposalError) throw new RpcError(GrpcStatus.PERMISSION_DENIED, error.message);
      throw error;
    }
  }

  /**
   * Decodes the proposal and checks it targets this channel and a chaincode this peer runs (what the gateway's
   * discovery refuses: FAILED_PRECONDITION). Undecodable bytes are INVALID_ARGUMENT; header checks failing is
   * the endorser's refusal, reported through `failed`.
   */
  private checked(
    signedProposal: peer.SignedProposal | undefined,
    prefix: string,
    failed: (message: string) => RpcError,
  ): DecodedProposal {
    let proposal: DecodedProposal;
    try {
      proposal = unpackProposal(signedProposal);
    } catch (error) {
      if (!(error instanceof ProposalError)) throw error;
      if (error.code === ProposalErrorCode.Malformed) {
        throw new RpcError(GrpcStatus.INVALID_ARGUMENT, prefix + error.message);
      }
      throw failed(`error validating proposal: ${error.message}`);
    }
    if (proposal.channelId !== this.options.channelId) {
      throw new RpcError(GrpcStatus.FAILED_PRECONDITION, `channel '${proposal.channelId}' not found`);
    }
    if (
      proposal.chaincodeName !== QSCC &&
      !this.options.endorser.chaincodeNames.has(proposal.chaincodeName)
    ) {
      throw new RpcError(
        GrpcStatus.FAILED_PRECONDITION,
        `chaincode '${proposal.chaincodeName}' is not defined on channel '${proposal.channelId}'`,
      );
    }
    return proposal;
  }

  /** The endorser's checks before simulation: a proposal signed by a channel member, not already on the ledger. */
  private async preProcess(
    proposal: DecodedProposal,
    failed: (message: string) => RpcError,
  ): Promise<ValidatedIdentity> {
    let creator: ValidatedIdentity;
    try {
      creator = validateProposal(this.options.msps, proposal);
    } catch (error) {
      if (error instanceof ProposalError) throw failed(`error validating proposal: ${error.message}`);
      throw error;
    }
    if (await this.options.blocks.getTransactionLocation(proposal.txId)) {
      // Fabric also prints the creator; it identifies a person, so it stays out of the message.
      throw failed(`duplicate transaction found [${proposal.txId}]`);
    }
    return creator;
  }

  private async simulate(
    proposal: DecodedProposal,
    creator: ValidatedIdentity,
    options: Parameters<ProposalEndorser['process']>[2],
    failed: (message: string) => RpcError,
  ) {
    try {
      return await this.options.endorser.process(proposal, creator, options);
    } catch (error) {
      // Engine refusals carry reasons meant for the client; anything else stays inside the peer.
      throw failed(`error in simulation: ${error instanceof EngineError ? error.message : 'internal error'}`);
    }
  }

  private detail(message: string): EndpointErrorDetail {
    return { address: this.options.self.address, mspId: this.options.self.mspId, message };
  }
}
