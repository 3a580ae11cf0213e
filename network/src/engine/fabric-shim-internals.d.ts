/**
 * Declarations for the fabric-shim modules the engine drives exactly as the shim's own peer handler does.
 * fabric-shim publishes types only for its public API; these match fabric-shim 2.5 (lib/stub.js,
 * lib/iterators.js, lib/contract-spi/chaincodefromcontract.js).
 */
declare module 'fabric-shim/lib/stub' {
  import type { ChaincodeStub as PublicChaincodeStub } from 'fabric-shim';

  class ChaincodeStub extends PublicChaincodeStub {
    /** `handler` answers the stub's ledger calls; input and proposal are fabric-shim's own protobuf objects. */
    constructor(
      handler: object,
      channelId: string,
      txId: string,
      chaincodeInput: object,
      signedProposal: object,
    );
    /** Set by `setEvent`: a peer.ChaincodeEvent of fabric-shim's protobuf classes. */
    chaincodeEvent?: { getEventName(): string; getPayload_asU8(): Uint8Array };
  }
  export = ChaincodeStub;
}

declare module 'fabric-shim/lib/iterators' {
  import type { Iterators } from 'fabric-shim';

  /** Iterates a peer.QueryResponse, asking `handler.handleQueryStateNext` for further batches. */
  export class StateQueryIterator implements Iterators.StateQueryIterator {
    constructor(handler: object, channelId: string, txId: string, response: object);
    close(): Promise<void>;
    next(): Promise<Iterators.NextResult<Iterators.KV>>;
  }
  export class HistoryQueryIterator implements Iterators.HistoryQueryIterator {
    constructor(handler: object, channelId: string, txId: string, response: object);
    close(): Promise<void>;
    next(): Promise<Iterators.NextResult<Iterators.KeyModification>>;
  }
}

declare module 'fabric-shim/lib/contract-spi/chaincodefromcontract' {
  import type { ChaincodeInterface, ChaincodeResponse, ChaincodeStub } from 'fabric-shim';
  import type { Contract } from 'fabric-contract-api';

  interface Serializers {
    transaction: string;
    serializers: Record<string, new () => object>;
  }

  class ChaincodeFromContract implements ChaincodeInterface {
    /** Note: appends fabric's SystemContract to `contractClasses`; pass a copy. */
    constructor(
      contractClasses: (new () => Contract)[],
      serializers: Serializers,
      metadata?: object,
      title?: string,
      version?: string,
    );
    Init(stub: ChaincodeStub): Promise<ChaincodeResponse>;
    Invoke(stub: ChaincodeStub): Promise<ChaincodeResponse>;
  }
  export = ChaincodeFromContract;
}
