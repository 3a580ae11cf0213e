/**
 * Whether a transaction committed, for the caller who sent it: after a 504 LEDGER_OUTCOME_UNKNOWN the client asks
 * here before trying again. The transaction is looked up in the block the peer's qscc says holds it; its creator
 * (the signing certificate's MSP and Custodia id) must be the caller — anyone else's transaction, like an unknown
 * id, is simply not found, so ids cannot be probed.
 */
import type { common } from '@hyperledger/fabric-protos';
import type { Caller } from '@custodia/chaincode';
import { parseEnvelopeHeader, validationCodeName, validationCodesOf } from '@custodia/ledger';
import { CreatorIdentities } from '../audit/creator';

export interface TransactionStatus {
  readonly transactionId: string;
  readonly blockNumber: number;
  /** True when the peers validated it: its effects are on the ledger. */
  readonly valid: boolean;
  /** Fabric's validation code, e.g. VALID, MVCC_READ_CONFLICT, DUPLICATE_TXID. */
  readonly validationCode: string;
}

const VALID = 0;

/** The status of `transactionId` in `block` when `caller` created it; undefined otherwise. */
export function statusInBlock(
  block: common.Block,
  transactionId: string,
  caller: Pick<Caller, 'mspId' | 'id'>,
): TransactionStatus | undefined {
  const envelopes = block.getData()?.getDataList_asU8() ?? [];
  const codes = validationCodesOf(block);
  const creators = new CreatorIdentities();
  for (const [index, envelope] of envelopes.entries()) {
    let header;
    try {
      header = parseEnvelopeHeader(envelope);
    } catch {
      continue;
    }
    if (header.txId !== transactionId) continue;
    const creator = creators.of(header.creator);
    if (creator === undefined || creator.mspId !== caller.mspId || creator.id !== caller.id) return undefined;
    const code = codes[index] ?? VALID;
    return {
      transactionId,
      blockNumber: Number(block.getHeader()?.getNumber() ?? 0),
      valid: code === VALID,
      validationCode: validationCodeName(code),
    };
  }
  return undefined;
}
