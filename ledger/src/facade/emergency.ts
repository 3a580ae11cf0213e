import { TRANSACTIONS } from '@custodia/chaincode';
import type { EmergencyPolicy, EmergencyPolicySpec, Page, PageRequest } from '@custodia/chaincode';
import type { LedgerSession } from './session';

const { emergency } = TRANSACTIONS;

/** `emergency:*` — a patient's emergency-access policy, versioned. */
export class EmergencyCalls {
  constructor(private readonly session: LedgerSession) {}

  async setPolicy(policy: EmergencyPolicySpec): Promise<EmergencyPolicy> {
    return (await this.session.submit(emergency.setEmergencyPolicy, policy)).value;
  }

  getPolicy(patientId: string): Promise<EmergencyPolicy> {
    return this.session.evaluate(emergency.getEmergencyPolicy, { patientId });
  }

  policyHistory(patientId: string, page: PageRequest): Promise<Page<EmergencyPolicy>> {
    return this.session.evaluate(emergency.getEmergencyPolicyHistory, { patientId, page });
  }
}
