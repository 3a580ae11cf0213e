/** The transaction catalogue: names, kinds, argument encoders and answer decoders of every transaction. */
export { TRANSACTIONS } from './transactions';
export type { ContractFunctions, PageRequest } from './transactions';
export { argumentsOf, CONTRACT_NAMES, decodeAnswer, functionName } from './transaction';
export type { Arguments, ContractName, Transaction, TransactionKind } from './transaction';
export { pageOf, shape } from './answers';
export type { AccessPreview } from './answers';
export { decodeEvent, EVENT_PAYLOADS } from './events';
export type { ChaincodeEventOf } from './events';
