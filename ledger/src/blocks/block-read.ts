/**
 * Reading Fabric blocks as any client can: the hashed header fields, the metadata slots a committing peer fills
 * (validation codes, commit hash, last config) and the orderer signatures with the bytes they sign.
 */
import { common } from '@hyperledger/fabric-protos';
import { blockHeaderBytes, blockHeaderHash } from './block-hash';
import type { HeaderFields } from './block-hash';

/** A block's signature as Fabric verifies it: `signature` by `creator` over `message`. */
export interface BlockSignatureInfo {
  readonly creator: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
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
