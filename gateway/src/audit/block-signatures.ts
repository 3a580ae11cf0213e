/**
 * Verifies the orderer's signature on every block after the genesis block, as a Fabric peer does before it
 * accepts a block: a SIGNATURES metadata entry by an identity of an ordering organisation named in the channel
 * configuration (issued by one of its MSP root or intermediate certificates), over value ‖ signature header ‖
 * header bytes.
 * The header hash chain proves blocks follow one another; the signature proves the orderer cut them, so a chain
 * rewritten from some block to the tip by whoever stores it no longer verifies.
 */
import type { common } from '@hyperledger/fabric-protos';
import { msp } from '@hyperledger/fabric-protos';
import { blockSignaturesOf, channelConfigOf, headerOf, isIssuedBy, verify } from '@custodia/ledger';
import { DISCREPANCY_KINDS } from './discrepancy';
import type { Discrepancy } from './discrepancy';

const decoder = new TextDecoder();

/**
 * Each ordering organisation's certificate issuers (PEM) from a configuration block, by MSP id: its MSP root
 * certificates and the intermediate certificates one of them issued.
 */
export function ordererIssuersOf(configBlock: common.Block): Map<string, string[]> {
  const issuers = new Map<string, string[]>();
  const ordererGroup = channelConfigOf(configBlock)?.getChannelGroup()?.getGroupsMap().get('Orderer');
  for (const group of ordererGroup?.getGroupsMap().values() ?? []) {
    const value = group.getValuesMap().get('MSP')?.getValue_asU8();
    if (!value) continue;
    const fabric = msp.FabricMSPConfig.deserializeBinary(
      msp.MSPConfig.deserializeBinary(value).getConfig_asU8(),
    );
    // A signer names its MSP id; the group's name is free (configtx.yaml's Name: OrdererOrg, ID: OrdererMSP).
    const mspId = fabric.getName();
    const roots = fabric.getRootCertsList_asU8().map((pem) => decoder.decode(pem));
    const intermediates = fabric
      .getIntermediateCertsList_asU8()
      .map((pem) => decoder.decode(pem))
      .filter((intermediate) => roots.some((root) => isIssuedBy(intermediate, root)));
    issuers.set(mspId, [...roots, ...intermediates]);
  }
  return issuers;
}

export class BlockSignatureVerifier {
  /** Creators already found to be orderer identities, by their serialized identity. */
  private readonly trusted = new Map<string, string>();
  /** Certificate issuers per ordering organisation, set from the genesis block. */
  private roots: Map<string, string[]> | undefined;

  /** The genesis block sets the ordering organisations; every later block must carry a valid signature. */
  check(block: common.Block): Discrepancy[] {
    const number = Number(headerOf(block).number);
    if (this.roots === undefined) {
      this.roots = ordererIssuersOf(block);
      return [];
    }
    // A channel whose configuration names no ordering organisation gives nothing to verify against.
    if (this.roots.size === 0) return [];
    const signatures = blockSignaturesOf(block);
    const valid = signatures.some((signature) => {
      const certificate = this.ordererCertificate(signature.creator);
      return certificate !== undefined && verify(certificate, signature.message, signature.signature);
    });
    if (valid) return [];
    return [
      {
        kind: DISCREPANCY_KINDS.BLOCK_SIGNATURE_INVALID,
        block: number,
        txId: '',
        detail:
          signatures.length === 0
            ? 'block carries no orderer signature'
            : 'no signature of an ordering organisation of the channel verifies over the block header',
      },
    ];
  }

  /** The creator's certificate when it belongs to an ordering organisation and one of its issuers issued it. */
  private ordererCertificate(creator: Uint8Array): string | undefined {
    const cacheKey = Buffer.from(creator).toString('base64');
    const known = this.trusted.get(cacheKey);
    if (known !== undefined) return known;
    try {
      const identity = msp.SerializedIdentity.deserializeBinary(creator);
      const certificate = decoder.decode(identity.getIdBytes_asU8());
      const roots = this.roots?.get(identity.getMspid()) ?? [];
      if (!roots.some((root) => isIssuedBy(certificate, root))) return undefined;
      this.trusted.set(cacheKey, certificate);
      return certificate;
    } catch {
      return undefined;
    }
  }
}
