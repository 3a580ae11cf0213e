/**
 * Who failed a gateway call, from what the call threw and whether the gateway peer still answers a probe. A Fabric
 * gateway peer answers for the whole network behind it (endorsers found by discovery, the ordering service), so a
 * failure is the peer's own only when the peer itself did not answer: everything else says which part of the
 * network behind it failed, and the peer stays in use.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { GatewayError } from '@hyperledger/fabric-gateway';

/** The gateway RPC a failure came from. */
export type CallStep = 'evaluate' | 'endorse' | 'submit' | 'commitStatus' | 'events';

export type FailureCause =
  /** The gateway peer did not answer (unreachable, or hung: no answer to a probe). Another peer is tried. */
  | 'peer'
  /** The peer answered; endorsing peers it needed did not (unreachable, or past its endorsement timeout). */
  | 'endorsers'
  /** The peer answered; too few endorsing peers answer to satisfy the endorsement policy. */
  | 'quorum'
  /** The peer answered; no orderer took the transaction. The same signed transaction may be submitted again. */
  | 'orderers'
  /** The peer answers probes but did not answer this call before its deadline. */
  | 'slow'
  /** An answer: a chaincode or peer refusal, a bad request. The caller's to handle; never retried elsewhere. */
  | 'answer';

/** gRPC codes a client sees both when the peer cannot be reached and when the peer reports a failure behind it. */
const TRANSPORT_CODES: ReadonlySet<number> = new Set([
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.CANCELLED,
]);

/**
 * True when only a probe can tell whether the peer answered: a transport-looking status (unavailable, deadline,
 * cancelled) without the per-endpoint error details a Fabric gateway peer attaches when it reports others' failures.
 */
export function needsProbe(error: unknown): boolean {
  return error instanceof GatewayError && TRANSPORT_CODES.has(error.code) && error.details.length === 0;
}

/**
 * Fabric's gateway reports an endorser it could not reach with that endorser's gRPC error, which Go formats as
 * `rpc error: code = <Name> desc = …` (grpc-go's status.Error); the code name is what is read here, never the text.
 */
const ENDORSER_TRANSPORT_FAILURE = /^rpc error: code = (Unavailable|DeadlineExceeded|Canceled) desc = /;

function endorserUnreachable(error: GatewayError): boolean {
  return error.details.some((detail) => ENDORSER_TRANSPORT_FAILURE.test(detail.message));
}

/**
 * The cause of a failed `step` (a GatewayError already known not to carry a chaincode refusal). `peerAnswers` is
 * false when the peer did not answer a probe made for this failure (or the call was abandoned as hung).
 */
export function causeOf(step: CallStep, error: unknown, peerAnswers: boolean): FailureCause {
  if (!peerAnswers) return 'peer';
  if (!(error instanceof GatewayError)) return 'answer';
  switch (error.code) {
    case GrpcStatus.UNAVAILABLE:
      // Fabric: "no orderers could successfully process transaction", "no orderer nodes available"; for endorse
      // and evaluate, "failed to find any endorsing peers for org(s)" and unreachable endorsers.
      if (step === 'submit') return 'orderers';
      if (step === 'endorse' || step === 'evaluate') return 'endorsers';
      return 'peer';
    case GrpcStatus.DEADLINE_EXCEEDED:
      // The peer's own timeouts ("endorsement timeout expired…", "submit timeout expired while broadcasting…")
      // or ours on a peer that still answers probes.
      if (step === 'endorse') return 'endorsers';
      if (step === 'submit') return 'orderers';
      return 'slow';
    case GrpcStatus.CANCELLED:
      return step === 'events' ? 'peer' : 'slow';
    case GrpcStatus.FAILED_PRECONDITION:
      // Discovery found no layout of live endorsers that satisfies the policy (or none at all for an evaluate).
      // With per-endpoint details the endorsers did answer: a refusal (e.g. a creator the MSP no longer accepts).
      if (error.details.length > 0 && !endorserUnreachable(error)) return 'answer';
      if (step === 'endorse') return 'quorum';
      if (step === 'evaluate') return 'endorsers';
      return 'answer';
    case GrpcStatus.ABORTED:
      // "failed to collect enough transaction endorsements" with endorsers that could not be reached.
      return step === 'endorse' && endorserUnreachable(error) ? 'quorum' : 'answer';
    default:
      return 'answer';
  }
}

/**
 * A call the pool could not complete for a reason other than an answer: which part of the network failed, and
 * the last error seen. The client's error mapping (`client/failures.ts`) turns it into a stable code.
 */
export class CallFailure extends Error {
  override readonly name = 'CallFailure';
  constructor(
    readonly by: Exclude<FailureCause, 'answer'>,
    readonly step: CallStep,
    readonly last: unknown,
  ) {
    super(`ledger call failed (${step}): ${by}`);
  }
}
