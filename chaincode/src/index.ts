/**
 * @custodia/chaincode as a library: the pure model (types, validation, decision, errors, events), the key layout
 * and the transaction catalogue, which the gateway, the data lake and the ledger client import. The contracts
 * themselves (fabric-contract-api, fabric-shim) are `@custodia/chaincode/contracts`, loaded only where chaincode
 * runs: by fabric-chaincode-node through the package's main (`deploy.ts`) and by the embedded network.
 */
export * from './model';
// The world-state key layout, for tools that read the chaincode's writes off the chain (auditors' replay).
export {
  EMERGENCY_USE_PREFIX,
  emergencyUseDigest,
  emergencyUseInstant,
  emergencyUseRange,
  OBJECT_TYPES,
  TIME_INDEX_PREFIX,
  timeIndexKey,
  descendingInstant,
  versionAttribute,
} from './ledger/keys';
export type { ObjectType } from './ledger/keys';
// The transaction catalogue, used by the contracts for their names and by clients (`@custodia/ledger`) for calls.
export * from './catalogue';
