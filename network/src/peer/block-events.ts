import { common, peer } from '@hyperledger/fabric-protos';
import { validationCodesOf, parseTransaction } from '@custodia/ledger';
import type { CommittedBlock, CommittedTransaction } from '../ledger/committer';
import type { TxValidationCode } from '../ledger/validator';

/** A stored block decoded as the committer announces new ones: its transactions, codes and events. */
export function committedBlockOf(block: common.Block): CommittedBlock {
  const codes = validationCodesOf(block);
  const transactions = (block.getData()?.getDataList_asU8() ?? []).map(
    (envelope, txIndex): CommittedTransaction => {
      const transaction = parseTransaction(envelope);
      const action = transaction.actions[0];
      return {
        txId: transaction.txId,
        txIndex,
        type: transaction.type,
        validationCode: (codes[txIndex] ?? peer.TxValidationCode.NOT_VALIDATED) as TxValidationCode,
        ...(action && { chaincodeName: action.chaincodeName }),
        ...(action?.event && { event: action.event }),
      };
    },
  );
  return { number: block.getHeader()?.getNumber() ?? 0, block, transactions };
}

function chaincodeEvent(
  transaction: CommittedTransaction,
  withPayload: boolean,
): peer.ChaincodeEvent | undefined {
  if (!transaction.event) return undefined;
  const event = new peer.ChaincodeEvent();
  event.setChaincodeId(transaction.event.chaincodeName);
  event.setTxId(transaction.event.txId);
  event.setEventName(transaction.event.eventName);
  if (withPayload) event.setPayload(transaction.event.payload);
  return event;
}

/** The block as DeliverFiltered sends it: transaction ids, types, codes, and events without their payloads. */
export function filterBlock(committed: CommittedBlock, channelId: string): peer.FilteredBlock {
  const filtered = new peer.FilteredBlock();
  filtered.setChannelId(channelId);
  filtered.setNumber(committed.number);
  filtered.setFilteredTransactionsList(
    committed.transactions.map((transaction) => {
      const result = new peer.FilteredTransaction();
      result.setTxid(transaction.txId);
      result.setType(transaction.type);
      result.setTxValidationCode(transaction.validationCode);
      if (transaction.type === common.HeaderType.ENDORSER_TRANSACTION) {
        const actions = new peer.FilteredTransactionActions();
        const event = chaincodeEvent(transaction, false);
        const action = new peer.FilteredChaincodeAction();
        if (event) action.setChaincodeEvent(event);
        actions.setChaincodeActionsList(event ? [action] : []);
        result.setTransactionActions(actions);
      }
      return result;
    }),
  );
  return filtered;
}

/** Chaincode events of the valid transactions, in block order (what the gateway's ChaincodeEvents streams). */
export function validChaincodeEvents(committed: CommittedBlock): peer.ChaincodeEvent[] {
  return committed.transactions.flatMap((transaction) => {
    if (transaction.validationCode !== peer.TxValidationCode.VALID) return [];
    const event = chaincodeEvent(transaction, true);
    return event ? [event] : [];
  });
}
