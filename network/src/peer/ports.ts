/**
 * What the peer's gRPC services need from the rest of the embedded network. The services speak Fabric's wire
 * protocol; these ports are how they reach the execution engine, the ordering/committing pipeline and the
 * committed chain (wired together in `embedded/`).
 */
import type { peer } from '@hyperledger/fabric-protos';
import type { DecodedProposal } from '../engine';
import type { BlockStore } from '../ledger/block-store';
import type { Committer } from '../ledger/committer';
import type { ValidatedIdentity } from '../msp';

/** A chaincode's answer to a proposal, as in `peer.Response`. */
export interface ChaincodeResponse {
  readonly status: number;
  readonly message: string;
  readonly payload: Uint8Array;
}

/** The outcome of simulating a proposal and, when the chaincode succeeded and it was asked for, endorsing it. */
export interface Endorsement {
  readonly response: ChaincodeResponse;
  /** One endorsed response per endorsing peer (empty for an evaluation or a chaincode failure). */
  readonly proposalResponses: readonly peer.ProposalResponse[];
}

export interface ProposalEndorser {
  /** The chaincodes this peer can run (user chaincodes; qscc is the peer's own). */
  readonly chaincodeNames: ReadonlySet<string>;
  /** Organisations that have an endorsing peer here. */
  readonly organisations: ReadonlySet<string>;
  /**
   * Simulates a validated proposal; with `endorse` (Endorse rather than Evaluate) the result is signed by the
   * peers of `organisations`, or of enough organisations to satisfy the endorsement policy when none are named.
   */
  process(
    proposal: DecodedProposal,
    creator: ValidatedIdentity,
    options: { readonly endorse: boolean; readonly organisations?: readonly string[] },
  ): Promise<Endorsement>;
}

/** The committed chain, read-only. */
export type BlockReader = Pick<
  BlockStore,
  'height' | 'info' | 'getBlock' | 'getTransactionLocation' | 'getTransaction'
>;

/** Ordering and commit: accept transactions, report their commit status, announce committed blocks. */
export type CommitPipeline = Pick<Committer, 'submit' | 'commitStatus' | 'onBlock'>;
