import { common } from '@hyperledger/fabric-protos';
import { blockDataHash, blockHeaderBytes, blockHeaderHash } from './block-hash';
import type { HeaderFields } from './block-hash';

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

/** A block's signature as Fabric verifies it: `signature` by `creator` over `message`. */
export interface BlockSignatureInfo {
  readonly creator: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
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

/** The header fields of a block, as hashed. */
export function headerOf(block: common.Block): HeaderFields {
  const header = block.getHeader();
  return {
    number: header?.getNumber() ?? 0,
    previousHash: header?.getPreviousHash_asU8() ?? new Uint8Array(0),
    dataHash: header?.getDataHash_asU8() ?? new Uint8Array(0),
  };
}

/** The hash the next block's previous_hash must carry. */
export function blockHash(block: common.Block): Uint8Array {
  return blockHeaderHash(headerOf(block));
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

function metadataSlot(block: common.Block, index: number): Uint8Array {
  return block.getMetadata()?.getMetadataList_asU8()[index] ?? new Uint8Array(0);
}

/** The TRANSACTIONS_FILTER: one validation code per transaction. */
export function validationCodesOf(block: common.Block): Uint8Array {
  return metadataSlot(block, common.BlockMetadataIndex.TRANSACTIONS_FILTER);
}

/** The COMMIT_HASH value, empty when the block has none. */
export function commitHashOf(block: common.Block): Uint8Array {
  const slot = metadataSlot(block, common.BlockMetadataIndex.COMMIT_HASH);
  return slot.length === 0 ? slot : common.Metadata.deserializeBinary(slot).getValue_asU8();
}

/** The last config block index, read as Fabric 2.x does (SIGNATURES first, then the legacy LAST_CONFIG). */
export function lastConfigOf(block: common.Block): number {
  const signatures = metadataSlot(block, common.BlockMetadataIndex.SIGNATURES);
  const value =
    signatures.length > 0 ? common.Metadata.deserializeBinary(signatures).getValue_asU8() : undefined;
  if (value && value.length > 0) {
    return common.OrdererBlockMetadata.deserializeBinary(value).getLastConfig()?.getIndex() ?? 0;
  }
  const legacy = metadataSlot(block, common.BlockMetadataIndex.LAST_CONFIG);
  if (legacy.length === 0) return 0;
  return common.LastConfig.deserializeBinary(
    common.Metadata.deserializeBinary(legacy).getValue_asU8(),
  ).getIndex();
}

/** The orderer signatures of a block with the exact bytes each one signs (for MSP verification). */
export function blockSignaturesOf(block: common.Block): BlockSignatureInfo[] {
  const slot = metadataSlot(block, common.BlockMetadataIndex.SIGNATURES);
  if (slot.length === 0) return [];
  const metadata = common.Metadata.deserializeBinary(slot);
  const header = blockHeaderBytes(headerOf(block));
  return metadata.getSignaturesList().map((entry) => ({
    creator: common.SignatureHeader.deserializeBinary(entry.getSignatureHeader_asU8()).getCreator_asU8(),
    message: Buffer.concat([metadata.getValue_asU8(), entry.getSignatureHeader_asU8(), header]),
    signature: entry.getSignature_asU8(),
  }));
}
