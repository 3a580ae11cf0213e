import { msp } from '@hyperledger/fabric-protos';
import type { peer } from '@hyperledger/fabric-protos';
import { decodeProposal, EngineError, EngineErrorCode } from '../engine';
import type { DecodedProposal, ProposalCreator } from '../engine';
import type { MspRegistry, ValidatedIdentity } from '../msp';
import { MspError, MspErrorCode, verify, CodedError } from '@custodia/ledger';

/** Why a proposal (or any signed request) was refused; stable codes, the message follows Fabric's wording. */
export const ProposalErrorCode = {
  /** The bytes do not decode as a chaincode proposal. */
  Malformed: 'PROPOSAL_MALFORMED',
  /** Decodes, but fails the endorser's header checks (type, nonce, creator, transaction id). */
  Invalid: 'PROPOSAL_INVALID',
  /** Unknown or invalid creator, or a signature that does not verify. */
  AccessDenied: 'PROPOSAL_ACCESS_DENIED',
  /** The transaction id is already on the ledger (a replay). */
  DuplicateTransaction: 'PROPOSAL_DUPLICATE_TXID',
} as const;
export type ProposalErrorCode = (typeof ProposalErrorCode)[keyof typeof ProposalErrorCode];

export class ProposalError extends CodedError<ProposalErrorCode> {
  override readonly name = 'ProposalError';
}

/** Decodes a SignedProposal with the engine's endorser-side unpacking; throws ProposalError. */
export function unpackProposal(signedProposal: peer.SignedProposal | undefined): DecodedProposal {
  if (!signedProposal || signedProposal.getProposalBytes_asU8().length === 0) {
    throw new ProposalError(
      ProposalErrorCode.Malformed,
      'the proposed transaction must contain a signed proposal',
    );
  }
  try {
    return decodeProposal(signedProposal.serializeBinary());
  } catch (error) {
    if (!(error instanceof EngineError)) throw error;
    const code =
      error.code === EngineErrorCode.MalformedProposal
        ? ProposalErrorCode.Malformed
        : ProposalErrorCode.Invalid;
    throw new ProposalError(code, error.message);
  }
}

function accessDenied(channelId: string, mspId: string): ProposalError {
  return new ProposalError(
    ProposalErrorCode.AccessDenied,
    `access denied: channel [${channelId}] creator org [${mspId}]`,
  );
}

function creatorMspId(creator: Uint8Array | ProposalCreator): string {
  if (!(creator instanceof Uint8Array)) return creator.mspId;
  try {
    return msp.SerializedIdentity.deserializeBinary(creator).getMspid();
  } catch {
    return '';
  }
}

/**
 * Checks who signed `data`: the creator (a serialized identity, or one decoded from a proposal) must be a valid
 * identity of a channel MSP and the signature must verify. Refusals carry Fabric's deliberately generic wording:
 * the caller is not told which check failed.
 */
export function authenticate(
  msps: MspRegistry,
  channelId: string,
  creator: Uint8Array | ProposalCreator,
  data: Uint8Array,
  signature: Uint8Array,
  at: Date = new Date(),
): ValidatedIdentity {
  let identity: ValidatedIdentity;
  try {
    identity =
      creator instanceof Uint8Array
        ? msps.validate(creator, at)
        : msps.validateCertificate(creator.mspId, new TextDecoder().decode(creator.idBytes), at);
  } catch (error) {
    if (!(error instanceof MspError)) throw error;
    if (error.code === MspErrorCode.UnknownMsp || error.code === MspErrorCode.MalformedIdentity) {
      throw new ProposalError(
        ProposalErrorCode.AccessDenied,
        `access denied: channel [${channelId}] creator org unknown, creator is malformed`,
      );
    }
    throw accessDenied(channelId, creatorMspId(creator));
  }
  if (!verify(identity.publicKey, data, signature)) throw accessDenied(channelId, identity.mspId);
  return identity;
}

/** The endorser's signature check on a decoded proposal (header checks were made while decoding). */
export function validateProposal(msps: MspRegistry, proposal: DecodedProposal): ValidatedIdentity {
  if (proposal.signature.length === 0)
    throw new ProposalError(ProposalErrorCode.Invalid, 'empty signature bytes');
  return authenticate(msps, proposal.channelId, proposal.creator, proposal.proposalBytes, proposal.signature);
}
