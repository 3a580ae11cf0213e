/**
 * The transaction context: who is calling (from the certificate, checked against the organisation
 * registry, the disabled identities and, for patients, the patient registry), when, and typed state access.
 */
import { Context } from 'fabric-contract-api';
import {
  ChaincodeError,
  IDENTITY_ATTRIBUTES,
  callerFromAttributes,
  instantFromTimestamp,
  memberOf,
} from '../model';
import type {
  AdmittedCaller,
  Caller,
  EventName,
  EventPayloads,
  Instant,
  OrganisationRegistry,
  PatientRegistration,
  Role,
} from '../model';
import { loadDisabled } from '../ledger/identities';
import { loadRegistry } from '../ledger/organisations';
import { loadPatient } from '../ledger/patients';
import { Store } from '../ledger/store';

export class CustodiaContext extends Context {
  private admitted: AdmittedCaller | undefined;
  private ownPatient: PatientRegistration | undefined;
  private cachedRegistry: OrganisationRegistry | undefined;
  private cachedStore: Store | undefined;

  /** What the certificate claims; FORBIDDEN when it does not carry a valid Custodia identity. */
  get certificate(): Caller {
    const attribute = (name: string): string | undefined =>
      this.clientIdentity.getAttributeValue(name) ?? undefined;
    const decoded = callerFromAttributes({
      mspId: this.clientIdentity.getMSPID(),
      role: attribute(IDENTITY_ATTRIBUTES.role),
      id: attribute(IDENTITY_ATTRIBUTES.id),
      country: attribute(IDENTITY_ATTRIBUTES.country),
    });
    if (!decoded.ok) {
      throw new ChaincodeError(
        'FORBIDDEN',
        `certificate has no valid Custodia identity (${decoded.error.path})`,
      );
    }
    return decoded.value;
  }

  /** The organisation registry as committed (read once per transaction). */
  async registry(): Promise<OrganisationRegistry> {
    this.cachedRegistry ??= await loadRegistry(this.store);
    return this.cachedRegistry;
  }

  /**
   * Admits the caller of a Custodia transaction, before it runs: its organisation must be a member of
   * the registry (its country is the registry's; a certificate claiming another is refused), the
   * identity must not be disabled, and a patient must be the one its organisation registered.
   */
  async admit(): Promise<void> {
    const identity = this.certificate;
    const member = memberOf(await this.registry(), identity.mspId);
    if (!member) throw new ChaincodeError('FORBIDDEN', 'organisation is not a member of the registry');
    if (identity.country !== undefined && identity.country !== member.country) {
      throw new ChaincodeError('FORBIDDEN', 'certificate country disagrees with the organisation registry');
    }
    await this.refuseDisabled(identity);
    if (identity.role === 'patient') {
      const registration = await loadPatient(this.store, identity.id);
      if (!registration || registration.mspId !== identity.mspId) {
        throw new ChaincodeError('FORBIDDEN', 'not a patient registered by this organisation');
      }
      this.ownPatient = registration;
    }
    this.admitted = { mspId: identity.mspId, role: identity.role, id: identity.id, country: member.country };
  }

  /**
   * Admits an organisation admin to the registry's own transactions: member or not (a founder, or an
   * organisation applying), but not disabled, and not claiming another country than its registry entry.
   */
  async admitRegistryAdmin(action: string): Promise<Caller> {
    const identity = this.certificate;
    if (identity.role !== 'admin') {
      throw new ChaincodeError('FORBIDDEN', `${action} is not allowed for role ${identity.role}`);
    }
    const member = memberOf(await this.registry(), identity.mspId);
    if (member && identity.country !== undefined && identity.country !== member.country) {
      throw new ChaincodeError('FORBIDDEN', 'certificate country disagrees with the organisation registry');
    }
    await this.refuseDisabled(identity);
    return identity;
  }

  /** One state read: the identity's entry in the disabled list. */
  private async refuseDisabled(identity: Caller): Promise<void> {
    if (await loadDisabled(this.store, identity)) {
      throw new ChaincodeError('FORBIDDEN', 'identity is disabled');
    }
  }

  /** The admitted caller. */
  get caller(): AdmittedCaller {
    if (!this.admitted) throw new ChaincodeError('INTERNAL', 'caller not admitted');
    return this.admitted;
  }

  /** The caller, who must have one of these roles. */
  callerAs(roles: readonly Role[], action: string): AdmittedCaller {
    const caller = this.caller;
    if (!roles.includes(caller.role)) {
      throw new ChaincodeError('FORBIDDEN', `${action} is not allowed for role ${caller.role}`);
    }
    return caller;
  }

  /** A patient caller's own registration, read when it was admitted. */
  get ownRegistration(): PatientRegistration {
    if (!this.ownPatient) throw new ChaincodeError('INTERNAL', 'caller is not an admitted patient');
    return this.ownPatient;
  }

  /** The transaction timestamp: the only clock a transaction may use. */
  get now(): Instant {
    const { seconds, nanos } = this.stub.getTxTimestamp();
    return instantFromTimestamp(seconds.toNumber(), nanos);
  }

  get txId(): string {
    return this.stub.getTxID();
  }

  get store(): Store {
    this.cachedStore ??= new Store(this.stub);
    return this.cachedStore;
  }

  emit<E extends EventName>(name: E, payload: EventPayloads[E]): void {
    this.stub.setEvent(name, Buffer.from(JSON.stringify(payload)));
  }
}
