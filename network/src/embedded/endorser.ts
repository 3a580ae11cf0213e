import { createProposalResponse, ERROR_THRESHOLD } from '../engine';
import type { ChaincodeEngine, DecodedProposal } from '../engine';
import type { StateReader, Identity } from '@custodia/ledger';
import { defaultEndorsers } from '../peer/endorsement-policy';
import type { EndorsementPolicy, SignedEndorsements } from '../peer/endorsement-policy';
import type { Endorsement, ProposalEndorser } from '../peer/ports';

/**
 * The organisations' endorsing peers of the embedded network. They share one world state, so the proposal is
 * simulated once and the same response is signed by each requested organisation's peer identity: what
 * separate peers over identical state would each produce.
 */
export class EngineEndorser implements ProposalEndorser {
  readonly chaincodeNames: ReadonlySet<string>;
  readonly organisations: ReadonlySet<string>;

  constructor(
    private readonly engine: ChaincodeEngine,
    private readonly state: StateReader,
    /** One peer identity (OU peer) per organisation. */
    private readonly peers: ReadonlyMap<string, Identity>,
    private readonly policy: EndorsementPolicy,
    /** The organisation whose peer runs the gateway: it endorses first, as Fabric's gateway prefers. */
    private readonly localMspId: string,
    /** Where the signatures made here are recorded for the committing side. */
    private readonly signed: SignedEndorsements,
  ) {
    this.chaincodeNames = new Set([engine.chaincodeName]);
    this.organisations = new Set(peers.keys());
  }

  async process(
    proposal: DecodedProposal,
    _creator: unknown,
    options: { readonly endorse: boolean; readonly organisations?: readonly string[] },
  ): Promise<Endorsement> {
    const result = await this.engine.execute(proposal, this.state);
    const response = { status: result.status, message: result.message, payload: result.payload };
    if (!options.endorse || result.status >= ERROR_THRESHOLD) return { response, proposalResponses: [] };
    const organisations =
      options.organisations && options.organisations.length > 0
        ? options.organisations
        : defaultEndorsers(this.policy, this.localMspId);
    const proposalResponses = organisations.flatMap((mspId) => {
      const endorser = this.peers.get(mspId);
      if (!endorser) return [];
      const response = createProposalResponse(result, endorser);
      const endorsement = response.getEndorsement();
      if (endorsement) {
        const message = Buffer.concat([response.getPayload_asU8(), endorsement.getEndorser_asU8()]);
        this.signed.remember(message, endorsement.getSignature_asU8());
      }
      return [response];
    });
    return { response, proposalResponses };
  }
}
