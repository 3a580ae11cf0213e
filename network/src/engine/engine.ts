/**
 * Runs any fabric-contract-api chaincode the way a Fabric peer does: fabric-shim's real ChaincodeStub is
 * built from the proposal and fabric-shim's ChaincodeFromContract is invoked exactly as the shim's handler
 * does on a TRANSACTION message; the stub's ledger calls are answered by PeerHandler over a TxSimulator,
 * which captures the read-write set.
 */
import type { Contract } from 'fabric-contract-api';
import { ChaincodeFromContract, ChaincodeStub, defaultSerializers, shimProtos } from './shim';
import { decodeProposal } from './proposal';
import type { DecodedProposal } from './proposal';
import { EngineError, EngineErrorCode } from './errors';
import { PeerHandler } from './handler';
import { TxSimulator } from './simulator';
import type { ReadWriteSet, StateReader, TxTimestamp } from '@custodia/ledger';

/** A fabric-contract-api contract class, as listed in a chaincode's `contracts` export. */
export type ContractClass = new () => Contract;

export interface ChaincodeEngineOptions {
  readonly contracts: readonly ContractClass[];
  /** The chaincode's name on the channel; also its state namespace. */
  readonly chaincodeName: string;
  readonly channelName: string;
}

export interface ChaincodeEventData {
  readonly eventName: string;
  readonly payload: Uint8Array;
}

export interface SimulationResult {
  readonly txId: string;
  /** As the chaincode returned it: < 400 endorsable (the contract API answers 200), ≥ 400 an error (500). */
  readonly status: number;
  readonly message: string;
  readonly payload: Uint8Array;
  /** What the simulation read and wrote; meaningful to commit only when the status is < 400. */
  readonly rwset: ReadWriteSet;
  /** The event set with stub.setEvent (the last call wins), if any and if the status is < 400. */
  readonly event?: ChaincodeEventData;
  /** The proposal's channel header timestamp: the transaction time the chaincode saw. */
  readonly timestamp: TxTimestamp;
  readonly proposal: DecodedProposal;
}

/** Fabric's shim.ERRORTHRESHOLD: a response status from here on is an error, not endorsed. */
export const ERROR_THRESHOLD = 400;
const STATUS_ERROR = 500;

export class ChaincodeEngine {
  readonly chaincodeName: string;
  readonly channelName: string;
  private readonly chaincode: ChaincodeFromContract;

  constructor(options: ChaincodeEngineOptions) {
    this.chaincodeName = options.chaincodeName;
    this.channelName = options.channelName;
    // ChaincodeFromContract appends the system contract to the list it is given.
    this.chaincode = new ChaincodeFromContract(
      [...options.contracts],
      defaultSerializers,
      {},
      options.chaincodeName,
    );
  }

  /**
   * Simulates a proposal against `state` (never modified). Throws EngineError when the proposal is not one
   * this engine endorses; chaincode failures are results with status 500.
   */
  async execute(signedProposal: Uint8Array | DecodedProposal, state: StateReader): Promise<SimulationResult> {
    const proposal = ArrayBuffer.isView(signedProposal) ? decodeProposal(signedProposal) : signedProposal;
    if (proposal.channelId !== this.channelName) {
      throw new EngineError(EngineErrorCode.UnknownChannel, `channel '${proposal.channelId}' not found`);
    }
    if (proposal.chaincodeName !== this.chaincodeName) {
      throw new EngineError(
        EngineErrorCode.UnknownChaincode,
        `chaincode definition for '${proposal.chaincodeName}' not found on channel '${proposal.channelId}'`,
      );
    }

    const simulator = new TxSimulator(state, this.chaincodeName, proposal.txId);
    const handler = new PeerHandler({ simulator, state, channelId: proposal.channelId, txId: proposal.txId });
    const stub = this.createStub(handler, proposal);
    const response = await this.invoke(stub, proposal);
    await handler.finish();

    // The endorser keeps the event only with a successful response.
    const event = response.status < ERROR_THRESHOLD ? stub.chaincodeEvent : undefined;
    return {
      txId: proposal.txId,
      status: response.status,
      message: response.message,
      payload: response.payload,
      rwset: simulator.results(),
      ...(event && { event: { eventName: event.getEventName(), payload: event.getPayload_asU8() } }),
      timestamp: proposal.timestamp,
      proposal,
    };
  }

  /** The stub as fabric-shim's handler creates it from a TRANSACTION message, from fabric-shim's own protobufs. */
  private createStub(handler: PeerHandler, proposal: DecodedProposal): ChaincodeStub {
    const input = new shimProtos.peer.ChaincodeInput();
    input.setArgsList([...proposal.args]);
    const signedProposal = shimProtos.peer.SignedProposal.deserializeBinary(proposal.signedProposal);
    try {
      return new ChaincodeStub(handler, proposal.channelId, proposal.txId, input, signedProposal);
    } catch (error) {
      throw new EngineError(
        EngineErrorCode.MalformedProposal,
        `malformed proposal: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  /** As fabric-shim's handleMessage: a missing or status-less response is an error response. */
  private async invoke(
    stub: ChaincodeStub,
    proposal: DecodedProposal,
  ): Promise<{ status: number; message: string; payload: Uint8Array }> {
    const prefix = `[${proposal.channelId}-${proposal.txId.substring(0, 8)}]`;
    try {
      const response = await this.chaincode.Invoke(stub);
      if (!response || !response.status) {
        return {
          status: STATUS_ERROR,
          message: `${prefix} Calling chaincode Invoke() has not called success or error.`,
          payload: new Uint8Array(0),
        };
      }
      return {
        status: response.status,
        message: response.message ?? '',
        payload: response.payload ?? new Uint8Array(0),
      };
    } catch (error) {
      // fabric-shim would leave the peer waiting until its execute timeout; answer the failure instead.
      return {
        status: STATUS_ERROR,
        message: error instanceof Error ? error.message : String(error),
        payload: new Uint8Array(0),
      };
    }
  }
}
