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
  RecordsContract,
  RulesContract,
} from './contracts';
