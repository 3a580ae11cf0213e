/**
 * Decodes a committed `common.Block` into what an auditor reads: header hashes, and per transaction its id,
 * creator organisation, time, chaincode function, validation code (TRANSACTIONS_FILTER) and world-state writes.
 */
import { common, peer } from '@hyperledger/fabric-protos';
import { instantFromTimestamp } from '@custodia/chaincode';
import type { Instant } from '@custodia/chaincode';
import { blockHash, headerOf, parseTransaction, validationCodesOf } from '@custodia/ledger';
import type { ParsedTransaction } from '@custodia/ledger';

export interface DecodedWrite {
  readonly namespace: string;
  readonly key: string;
  readonly isDelete: boolean;
  readonly value: Uint8Array;
}

export interface DecodedTransaction {
  /** Position in the block (Fabric's txNum). */
  readonly index: number;
  readonly txId: string;
  /** Header type name: ENDORSER_TRANSACTION, CONFIG, …; MALFORMED when the envelope does not decode. */
  readonly type: string;
  readonly creatorMspId: string;
  /** The submitter's serialized `msp.SerializedIdentity` (MSP id and enrolment certificate). */
  readonly creator: Uint8Array;
  readonly timestamp: Instant;
  readonly chaincodeName?: string;
  /** The invoked transaction function, e.g. `access:requestAccess`. */
  readonly functionName?: string;
  readonly validationCode: number;
  /** Fabric's name for the code: VALID, MVCC_READ_CONFLICT, … */
  readonly validationCodeName: string;
  readonly writes: readonly DecodedWrite[];
}

export interface DecodedBlock {
  readonly number: number;
  readonly previousHash: Uint8Array;
  readonly dataHash: Uint8Array;
  /** The hash the next block's previous_hash must carry. */
  readonly headerHash: Uint8Array;
  readonly transactions: readonly DecodedTransaction[];
}

export const VALID_CODE = peer.TxValidationCode.VALID;
/** What Fabric's committer writes for a transaction missing from a short TRANSACTIONS_FILTER. */
const NOT_VALIDATED = peer.TxValidationCode.NOT_VALIDATED;

const VALIDATION_CODE_NAMES = new Map<number, string>(
  Object.entries(peer.TxValidationCode).map(([name, code]) => [code, name]),
);
const HEADER_TYPE_NAMES = new Map<number, string>(
  Object.entries(common.HeaderType).map(([name, code]) => [code, name]),
);

export function validationCodeName(code: number): string {
  return VALIDATION_CODE_NAMES.get(code) ?? `UNKNOWN_${code}`;
}

/** The first argument of the chaincode invocation: the transaction function's name. */
function functionNameOf(parsed: ParsedTransaction): string | undefined {
  if (parsed.type !== common.HeaderType.ENDORSER_TRANSACTION) return undefined;
  const [action] = peer.Transaction.deserializeBinary(parsed.data).getActionsList();
  if (!action) return undefined;
  const proposalPayload = peer.ChaincodeActionPayload.deserializeBinary(
    action.getPayload_asU8(),
  ).getChaincodeProposalPayload_asU8();
  const invocation = peer.ChaincodeInvocationSpec.deserializeBinary(
    peer.ChaincodeProposalPayload.deserializeBinary(proposalPayload).getInput_asU8(),
  );
  const [name] = invocation.getChaincodeSpec()?.getInput()?.getArgsList_asU8() ?? [];
  return name === undefined ? undefined : new TextDecoder().decode(name);
}

function decodeTransaction(envelope: Uint8Array, index: number, validationCode: number): DecodedTransaction {
  const codes = { validationCode, validationCodeName: validationCodeName(validationCode) };
  let parsed: ParsedTransaction;
  let functionName: string | undefined;
  try {
    parsed = parseTransaction(envelope);
    functionName = functionNameOf(parsed);
  } catch {
    return {
      index,
      txId: '',
      type: 'MALFORMED',
      creatorMspId: '',
      creator: new Uint8Array(0),
      timestamp: '',
      ...codes,
      writes: [],
    };
  }
  const [action] = parsed.actions;
  return {
    index,
    txId: parsed.txId,
    type: HEADER_TYPE_NAMES.get(parsed.type) ?? `UNKNOWN_${parsed.type}`,
    creatorMspId: parsed.creatorMspId,
    creator: parsed.creator,
    timestamp: instantFromTimestamp(parsed.timestamp.seconds, parsed.timestamp.nanos),
    ...(action && { chaincodeName: action.chaincodeName }),
    ...(functionName !== undefined && { functionName }),
    ...codes,
    writes: parsed.actions.flatMap((each) =>
      each.rwsets.flatMap((set) => set.writes.map((write) => ({ namespace: set.namespace, ...write }))),
    ),
  };
}

export function decodeBlock(block: common.Block): DecodedBlock {
  const header = headerOf(block);
  const codes = validationCodesOf(block);
  const envelopes = block.getData()?.getDataList_asU8() ?? [];
  return {
    number: Number(header.number),
    previousHash: header.previousHash,
    dataHash: header.dataHash,
    headerHash: blockHash(block),
    transactions: envelopes.map((envelope, index) =>
      decodeTransaction(envelope, index, codes[index] ?? NOT_VALIDATED),
    ),
  };
}
