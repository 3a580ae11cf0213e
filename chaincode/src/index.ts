/**
 * @custodia/chaincode. The package's main: `fabric-chaincode-node start|server` loads `contracts`;
 * gateway and data lake import the pure model (types, validation, decision, errors, events).
 */
export * from './model';
export {
  AccessContract,
  AuditContract,
  ContributionsContract,
  contracts,
  EmergencyContract,
  IdentitiesContract,
  OrganisationsContract,
  PatientsContract,
  RecordsContract,
  RulesContract,
} from './contracts';
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
