/**
 * A ledger for contract tests: the engine over an in-memory world state, real signed proposals from real
 * identities, and commit-on-success (one transaction per block) so tests observe what a client of a Fabric
 * network observes, minus ordering and validation (transactions run one after another, so no MVCC conflict).
 */
import type { Identity, ReadWriteSet } from '@custodia/ledger';
import { ChaincodeEngine, ERROR_THRESHOLD } from './engine';
import type { ContractClass, SimulationResult } from './engine';
import { MemoryState } from '@custodia/ledger';
import { createSignedProposal } from './signed-proposal';

export interface TestLedgerOptions {
  readonly contracts: readonly ContractClass[];
  /** Default `testcc`. */
  readonly chaincodeName?: string;
  /** Default `testchannel`. */
  readonly channelName?: string;
}

export interface TxOptions {
  /** The transaction time the chaincode sees (channel header timestamp). Default now. */
  readonly timestamp?: Date;
  readonly transient?: Readonly<Record<string, Uint8Array>>;
}

export interface TxResult {
  readonly txId: string;
  readonly status: number;
  readonly message: string;
  /** The response payload, decoded as UTF-8. */
  readonly payload: string;
  readonly event?: { readonly eventName: string; readonly payload: string };
  /** What the transaction read and wrote (applied only for a submit that succeeded). */
  readonly rwset: ReadWriteSet;
}

export interface TestLedger {
  /** Executes and, when the chaincode succeeds (status < 400), commits the writes as the next block. */
  submit(identity: Identity, fcn: string, args: readonly string[], options?: TxOptions): Promise<TxResult>;
  /** Executes without committing anything, as a Fabric evaluate does. */
  evaluate(identity: Identity, fcn: string, args: readonly string[], options?: TxOptions): Promise<TxResult>;
  /** Every key and its UTF-8 value currently in the chaincode's world state, in key order. */
  dump(): Map<string, string>;
  /** Committed transactions. */
  readonly height: number;
  /** The world state, for reads a test wants to make directly. */
  readonly state: MemoryState;
}

export async function createTestLedger(options: TestLedgerOptions): Promise<TestLedger> {
  const chaincodeName = options.chaincodeName ?? 'testcc';
  const channelName = options.channelName ?? 'testchannel';
  const engine = new ChaincodeEngine({ contracts: options.contracts, chaincodeName, channelName });
  const state = new MemoryState();
  let height = 0;

  function run(
    identity: Identity,
    fcn: string,
    args: readonly string[],
    tx?: TxOptions,
  ): Promise<SimulationResult> {
    const { signedProposal } = createSignedProposal(identity, {
      channelName,
      chaincodeName,
      transactionName: fcn,
      arguments: args,
      ...(tx?.transient && { transient: tx.transient }),
      ...(tx?.timestamp && { timestamp: tx.timestamp }),
    });
    return engine.execute(signedProposal, state);
  }

  return {
    async submit(identity, fcn, args, tx) {
      const result = await run(identity, fcn, args, tx);
      if (result.status < ERROR_THRESHOLD) {
        height += 1;
        state.apply(chaincodeName, result.rwset.writes, {
          // Block 0 is the channel's genesis block; each transaction gets its own block after it.
          version: { blockNum: height, txNum: 0 },
          txId: result.txId,
          timestamp: result.timestamp,
        });
      }
      return toTxResult(result);
    },
    async evaluate(identity, fcn, args, tx) {
      return toTxResult(await run(identity, fcn, args, tx));
    },
    dump: () => state.dump(chaincodeName),
    get height() {
      return height;
    },
    state,
  };
}

function toTxResult(result: SimulationResult): TxResult {
  const decoder = new TextDecoder();
  return {
    txId: result.txId,
    status: result.status,
    message: result.message,
    payload: decoder.decode(result.payload),
    ...(result.event && {
      event: { eventName: result.event.eventName, payload: decoder.decode(result.event.payload) },
    }),
    rwset: result.rwset,
  };
}
