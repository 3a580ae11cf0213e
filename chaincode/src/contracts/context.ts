/** The transaction context: who is calling (from the certificate only), when, and typed state access. */
import { Context } from 'fabric-contract-api';
import { callerFromAttributes, ChaincodeError, IDENTITY_ATTRIBUTES, instantFromTimestamp } from '../model';
import type { Caller, EventName, EventPayloads, Instant, Role } from '../model';
import { Store } from '../ledger/store';

export class CustodiaContext extends Context {
  private cachedCaller: Caller | undefined;
  private cachedStore: Store | undefined;

  /** The caller's Custodia identity; FORBIDDEN when the certificate does not carry a valid one. */
  get caller(): Caller {
    if (!this.cachedCaller) {
      const attribute = (name: string): string | undefined =>
        this.clientIdentity.getAttributeValue(name) ?? undefined;
      const decoded = callerFromAttributes({
        mspId: this.clientIdentity.getMSPID(),
        role: attribute(IDENTITY_ATTRIBUTES.role),
        id: attribute(IDENTITY_ATTRIBUTES.id),
        country: attribute(IDENTITY_ATTRIBUTES.country),
      });
      if (!decoded.ok)
        throw new ChaincodeError(
          'FORBIDDEN',
          `certificate has no valid Custodia identity (${decoded.error.path})`,
        );
      this.cachedCaller = decoded.value;
    }
    return this.cachedCaller;
  }

  /** The caller, who must have one of these roles. */
  callerAs(roles: readonly Role[], action: string): Caller {
    const caller = this.caller;
    if (!roles.includes(caller.role)) {
      throw new ChaincodeError('FORBIDDEN', `${action} is not allowed for role ${caller.role}`);
    }
    return caller;
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
