/**
 * The production LedgerPort: every call goes through `@custodia/ledger`'s typed client, signed with the acting
 * user's identity (loaded from the wallet on first use and kept in the client's pool). The ledger's failures
 * become the lake's errors here, and only here.
 */
import { callerFromAttributes, IDENTITY_ATTRIBUTES } from '@custodia/chaincode';
import type {
  Caller,
  Category,
  GrantView,
  Page,
  PageRequest,
  PatientRegistration,
  RecordMeta,
  RecordRegistration,
} from '@custodia/chaincode';
import {
  ChaincodeCallError,
  LedgerClientError,
  LedgerClientErrorCode,
  readCertificate,
} from '@custodia/ledger';
import type { LedgerClient, LedgerSession } from '@custodia/ledger';
import { DatalakeError } from '../errors';
import type { IdentityResolver } from './identity';
import type { EventPosition, LedgerActor, LedgerEventSource, LedgerEventStream, LedgerPort } from './port';

export interface FabricLedgerOptions {
  readonly identities: IdentityResolver;
  /** The client calls go through (its pool is shared with whatever else uses it). */
  readonly client: LedgerClient;
}

/** Chaincode refusals keep their meaning; anything else is the ledger being unreachable or failing. */
function toDatalakeError(error: unknown): DatalakeError {
  if (error instanceof DatalakeError) return error;
  if (error instanceof ChaincodeCallError) {
    switch (error.code) {
      case 'NOT_FOUND':
        return new DatalakeError('NOT_FOUND', error.reason, { ledgerCode: error.code }, error);
      case 'FORBIDDEN':
        return new DatalakeError('FORBIDDEN', error.reason, { ledgerCode: error.code }, error);
      case 'CONFLICT':
        return new DatalakeError('CONFLICT', error.reason, { ledgerCode: error.code }, error);
      case 'FAILED_PRECONDITION':
        return new DatalakeError('GRANT_NOT_ACTIVE', error.reason, { ledgerCode: error.code }, error);
      case 'INVALID_ARGUMENT':
        return new DatalakeError('INVALID_INPUT', error.reason, { ledgerCode: error.code }, error);
      case 'INTERNAL':
        return new DatalakeError('INTERNAL', 'the ledger failed', { ledgerCode: error.code }, error);
    }
  }
  if (error instanceof LedgerClientError && error.code === LedgerClientErrorCode.AnswerInvalid)
    return new DatalakeError(
      'INTERNAL',
      'the ledger answered in an unexpected form',
      { ledgerCode: error.code },
      error,
    );
  const ledgerCode = error instanceof LedgerClientError ? error.code : undefined;
  return new DatalakeError(
    'LEDGER_UNAVAILABLE',
    'the ledger did not answer; retry',
    ledgerCode === undefined ? {} : { ledgerCode },
    error,
  );
}

function isNotFound(error: unknown): boolean {
  return error instanceof ChaincodeCallError && error.code === 'NOT_FOUND';
}

export class FabricLedgerPort implements LedgerPort, LedgerEventSource {
  constructor(private readonly options: FabricLedgerOptions) {}

  registerRecord(actor: LedgerActor, registration: RecordRegistration): Promise<RecordMeta> {
    return this.call(() => this.as(actor).records.register(registration));
  }

  getRecordMeta(actor: LedgerActor, recordId: string): Promise<RecordMeta | undefined> {
    return this.call(() => orUndefined(this.as(actor).records.getMeta(recordId)));
  }

  listRecordMeta(
    actor: LedgerActor,
    patientId: string,
    page: PageRequest,
    category?: Category,
  ): Promise<Page<RecordMeta>> {
    return this.call(() => this.as(actor).records.listMeta(patientId, page, category));
  }

  getPatient(actor: LedgerActor, patientId: string): Promise<PatientRegistration | undefined> {
    return this.call(() => orUndefined(this.as(actor).patients.get(patientId)));
  }

  getGrant(actor: LedgerActor, grantId: string): Promise<GrantView | undefined> {
    return this.call(() => orUndefined(this.as(actor).access.getGrant(grantId)));
  }

  async recordDelivery(actor: LedgerActor, grantId: string, manifestHash: string): Promise<void> {
    await this.call(() => this.as(actor).access.recordDelivery(grantId, manifestHash));
  }

  async signerOf(actor: LedgerActor): Promise<Caller> {
    const identity = await this.options.identities.resolve(actor);
    let attrs: Readonly<Record<string, string>>;
    try {
      attrs = readCertificate(identity.certificate).attrs;
    } catch (error) {
      throw new DatalakeError('INTERNAL', 'a wallet certificate is malformed', {}, error);
    }
    const caller = callerFromAttributes({
      mspId: identity.mspId,
      role: attrs[IDENTITY_ATTRIBUTES.role],
      id: attrs[IDENTITY_ATTRIBUTES.id],
      country: attrs[IDENTITY_ATTRIBUTES.country],
    });
    // The chaincode would refuse such a certificate too.
    if (!caller.ok)
      throw new DatalakeError('FORBIDDEN', 'the actor’s certificate carries no valid Custodia identity');
    return caller.value;
  }

  chaincodeEvents(actor: LedgerActor, after?: EventPosition): Promise<LedgerEventStream> {
    return this.call(() => this.as(actor).events.chaincode(after));
  }

  /** The actor's session: its enrolment is read from the wallet on the first call and kept in the pool. */
  private as(actor: LedgerActor): LedgerSession {
    return this.options.client.as({
      key: `${actor.mspId}\u0000${actor.id}`,
      load: () => this.options.identities.resolve(actor),
    });
  }

  private async call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toDatalakeError(error);
    }
  }
}

/** A read of one item; undefined when the chaincode answers NOT_FOUND. */
async function orUndefined<T>(reading: Promise<T>): Promise<T | undefined> {
  try {
    return await reading;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
