import { TRANSACTIONS } from '@custodia/chaincode';
import type { PatientRegistration } from '@custodia/chaincode';
import type { LedgerSession } from './session';

const { patients } = TRANSACTIONS;

/** `patients:*` — patients' pseudonyms and their home organisations. */
export class PatientCalls {
  constructor(private readonly session: LedgerSession) {}

  /** Binds `patientId` to the calling admin's organisation (once; CONFLICT when already registered). */
  async register(patientId: string): Promise<PatientRegistration> {
    return (await this.session.submit(patients.registerPatient, { patientId })).value;
  }

  /** Erasure on-chain, by the home organisation's admin: revokes the patient's grants and rules. */
  async markErased(patientId: string): Promise<PatientRegistration> {
    return (await this.session.submit(patients.markPatientErased, { patientId })).value;
  }

  get(patientId: string): Promise<PatientRegistration> {
    return this.session.evaluate(patients.getPatient, { patientId });
  }
}
