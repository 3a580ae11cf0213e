import { AccessContract } from './access';
import { AuditContract } from './audit';
import { ContributionsContract } from './contributions';
import { EmergencyContract } from './emergency';
import { RecordsContract } from './records';
import { RulesContract } from './rules';

export {
  AccessContract,
  AuditContract,
  ContributionsContract,
  EmergencyContract,
  RecordsContract,
  RulesContract,
};
export { CustodiaContext } from './context';

/** What `fabric-chaincode-node start|server` loads (the `contracts` export of the package's main). */
export const contracts = [
  RulesContract,
  EmergencyContract,
  RecordsContract,
  AccessContract,
  ContributionsContract,
  AuditContract,
];
