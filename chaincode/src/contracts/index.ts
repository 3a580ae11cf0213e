import { AccessContract } from './access';
import { AuditContract } from './audit';
import { ContributionsContract } from './contributions';
import { EmergencyContract } from './emergency';
import { IdentitiesContract } from './identities';
import { OrganisationsContract } from './organisations';
import { PatientsContract } from './patients';
import { RecordsContract } from './records';
import { RulesContract } from './rules';

export {
  AccessContract,
  AuditContract,
  ContributionsContract,
  EmergencyContract,
  IdentitiesContract,
  OrganisationsContract,
  PatientsContract,
  RecordsContract,
  RulesContract,
};
export { CustodiaContext } from './context';

/** What `fabric-chaincode-node start|server` loads (the `contracts` export of the package's main). */
export const contracts = [
  OrganisationsContract,
  PatientsContract,
  IdentitiesContract,
  RulesContract,
  EmergencyContract,
  RecordsContract,
  AccessContract,
  ContributionsContract,
  AuditContract,
];
