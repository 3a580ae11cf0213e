import { common } from '@hyperledger/fabric-protos';
import { blockDataHash, blockHeaderBytes, headerOf } from '@custodia/ledger';

const METADATA_SLOTS = 5; // SIGNATURES, LAST_CONFIG, TRANSACTIONS_FILTER, ORDERER, COMMIT_HASH

/** The orderer identity that signs blocks (msp.SerializedIdentity bytes and an ECDSA signer). */
export interface BlockSigner {
  readonly creator: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

/** What the committer adds to a cut block; none of it is covered by the header hash, as in Fabric. */
export interface BlockSeal {
  /** Number of the last config block (block 0 while the channel config never changes). */
  readonly lastConfig: number;
  /** One `peer.TxValidationCode` per transaction (TRANSACTIONS_FILTER). */
  readonly validationCodes: Uint8Array;
  readonly commitHash: Uint8Array;
  /** Signs the block as Fabric's orderer does; without it SIGNATURES carries the value unsigned. */
  readonly signature?: { readonly signer: BlockSigner; readonly nonce: Uint8Array };
}

/** A new block over the envelopes: header (number, previous hash, data hash), data, empty metadata slots. */
export function createBlock(
  number: number,
  previousHash: Uint8Array,
  envelopes: readonly Uint8Array[],
): common.Block {
  const header = new common.BlockHeader();
  header.setNumber(number);
  header.setPreviousHash(previousHash);
  header.setDataHash(blockDataHash(envelopes));
  const data = new common.BlockData();
  data.setDataList([...envelopes]);
  const metadata = new common.BlockMetadata();
  metadata.setMetadataList(Array.from({ length: METADATA_SLOTS }, () => new Uint8Array(0)));
  const block = new common.Block();
  block.setHeader(header);
  block.setData(data);
  block.setMetadata(metadata);
  return block;
}

function metadataBytes(value: Uint8Array, signatures: common.MetadataSignature[] = []): Uint8Array {
  const metadata = new common.Metadata();
  metadata.setValue(value);
  metadata.setSignaturesList(signatures);
  return metadata.serializeBinary();
}

function lastConfigBytes(index: number): Uint8Array {
  const lastConfig = new common.LastConfig();
  lastConfig.setIndex(index);
  return lastConfig.serializeBinary();
}

/**
 * Fills the metadata slots as a Fabric orderer + committing peer do: SIGNATURES holds an
 * OrdererBlockMetadata (last config, empty consenter metadata) signed over value ‖ signature header ‖
 * header bytes; LAST_CONFIG (deprecated, still written); TRANSACTIONS_FILTER raw codes; COMMIT_HASH.
 */
export function sealBlock(block: common.Block, seal: BlockSeal): void {
  const lastConfig = new common.LastConfig();
  lastConfig.setIndex(seal.lastConfig);
  const ordererMetadata = new common.OrdererBlockMetadata();
  ordererMetadata.setLastConfig(lastConfig);
  ordererMetadata.setConsenterMetadata(new common.Metadata().serializeBinary());
  const value = ordererMetadata.serializeBinary();

  const signatures: common.MetadataSignature[] = [];
  if (seal.signature) {
    const signatureHeader = new common.SignatureHeader();
    signatureHeader.setCreator(seal.signature.signer.creator);
    signatureHeader.setNonce(seal.signature.nonce);
    const signatureHeaderBytes = signatureHeader.serializeBinary();
    const entry = new common.MetadataSignature();
    entry.setSignatureHeader(signatureHeaderBytes);
    entry.setSignature(
      seal.signature.signer.sign(
        Buffer.concat([value, signatureHeaderBytes, blockHeaderBytes(headerOf(block))]),
      ),
    );
    signatures.push(entry);
  }

  const slots: Uint8Array[] = [];
  slots[common.BlockMetadataIndex.SIGNATURES] = metadataBytes(value, signatures);
  slots[common.BlockMetadataIndex.LAST_CONFIG] = metadataBytes(lastConfigBytes(seal.lastConfig));
  slots[common.BlockMetadataIndex.TRANSACTIONS_FILTER] = seal.validationCodes;
  slots[common.BlockMetadataIndex.ORDERER] = new Uint8Array(0);
  slots[common.BlockMetadataIndex.COMMIT_HASH] = metadataBytes(seal.commitHash);
  block.getMetadata()?.setMetadataList(slots);
}
