/**
 * The production LedgerPort: every call goes through `@custodia/ledger`'s `connect()` signed with the acting
 * user's identity. One gRPC connection per identity, reused, closed on `close()`.
 */
import {
  ChaincodeCallError,
  connect,
  LedgerClientError,
  LedgerClientErrorCode,
  readCertificate,
} from '@custodia/ledger';
import type { ConnectOptions, LedgerClientConfig, LedgerConnection } from '@custodia/ledger';
import { callerFromAttributes, IDENTITY_ATTRIBUTES } from '@custodia/chaincode';
import type { Caller, GrantView, RecordMeta, RecordRegistration } from '@custodia/chaincode';
import { DatalakeError } from '../errors';
import type { IdentityResolver } from './identity';
import type { EventPosition, LedgerActor, LedgerEventSource, LedgerEventStream, LedgerPort } from './port';

export interface FabricLedgerOptions {
  readonly identities: IdentityResolver;
  /** Default: `readLedgerClientConfig()` (environment), as every Custodia client. */
  readonly config?: LedgerClientConfig;
}

const decoder = new TextDecoder();

const RECONNECT_ON: ReadonlySet<string> = new Set([
  LedgerClientErrorCode.Unavailable,
  LedgerClientErrorCode.Timeout,
]);

function parse<T>(payload: Uint8Array): T {
  return JSON.parse(decoder.decode(payload)) as T;
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
  const ledgerCode = error instanceof LedgerClientError ? error.code : undefined;
  return new DatalakeError(
    'LEDGER_UNAVAILABLE',
    'the ledger did not answer; retry',
    ledgerCode === undefined ? {} : { ledgerCode },
    error,
  );
}

function connectionKey(actor: LedgerActor): string {
  return `${actor.mspId}\u0000${actor.id}`;
}

function isNotFound(error: unknown): boolean {
  return error instanceof ChaincodeCallError && error.code === 'NOT_FOUND';
}

export class FabricLedgerPort implements LedgerPort, LedgerEventSource {
  private readonly connections = new Map<string, Promise<LedgerConnection>>();

  constructor(private readonly options: FabricLedgerOptions) {}

  async registerRecord(actor: LedgerActor, registration: RecordRegistration): Promise<RecordMeta> {
    return this.call(actor, async (ledger) =>
      parse<RecordMeta>(
        (await ledger.submit('records:registerRecord', { arguments: [JSON.stringify(registration)] }))
          .payload,
      ),
    );
  }

  getRecordMeta(actor: LedgerActor, recordId: string): Promise<RecordMeta | undefined> {
    return this.lookup<RecordMeta>(actor, 'records:getRecordMeta', recordId);
  }

  getGrant(actor: LedgerActor, grantId: string): Promise<GrantView | undefined> {
    return this.lookup<GrantView>(actor, 'access:getGrant', grantId);
  }

  async recordDelivery(actor: LedgerActor, grantId: string, manifestHash: string): Promise<void> {
    await this.call(actor, (ledger) =>
      ledger.submit('access:recordDelivery', { arguments: [grantId, manifestHash] }),
    );
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

  async chaincodeEvents(actor: LedgerActor, after?: EventPosition): Promise<LedgerEventStream> {
    return this.call(actor, (ledger) =>
      ledger.network().getChaincodeEvents(ledger.profile.chaincodeName, {
        // fabric-gateway resumes after the checkpoint's transaction; without one, from the first block.
        checkpoint: {
          getBlockNumber: () => after?.blockNumber,
          getTransactionId: () => after?.transactionId,
        },
        startBlock: 0n,
      }),
    );
  }

  /** Closes every cached connection. */
  close(): void {
    const open = [...this.connections.values()];
    this.connections.clear();
    for (const pending of open) void pending.then((connection) => connection.close()).catch(() => undefined);
  }

  /** Evaluates a read of one item by id; undefined when the chaincode answers NOT_FOUND. */
  private lookup<T>(actor: LedgerActor, transactionName: string, id: string): Promise<T | undefined> {
    return this.call(
      actor,
      async (ledger) => {
        try {
          return parse<T>(await ledger.evaluate(transactionName, { arguments: [id] }));
        } catch (error) {
          if (isNotFound(error)) return undefined;
          throw error;
        }
      },
      true,
    );
  }

  /**
   * Runs `run` on the actor's connection. After an outage the channel is rebuilt from the profile (the peers may
   * have moved); a read (`retryRead`) is then tried once more, a submit is left to the caller to retry.
   */
  private async call<T>(
    actor: LedgerActor,
    run: (ledger: LedgerConnection) => Promise<T>,
    retryRead = false,
  ): Promise<T> {
    try {
      return await run(await this.connection(actor));
    } catch (error) {
      if (!(error instanceof LedgerClientError && RECONNECT_ON.has(error.code))) throw toDatalakeError(error);
      this.evict(actor);
      if (!retryRead) throw toDatalakeError(error);
    }
    try {
      return await run(await this.connection(actor));
    } catch (error) {
      if (error instanceof LedgerClientError && RECONNECT_ON.has(error.code)) this.evict(actor);
      throw toDatalakeError(error);
    }
  }

  private evict(actor: LedgerActor): void {
    const key = connectionKey(actor);
    const pending = this.connections.get(key);
    this.connections.delete(key);
    void pending?.then((connection) => connection.close()).catch(() => undefined);
  }

  private connection(actor: LedgerActor): Promise<LedgerConnection> {
    const key = connectionKey(actor);
    const cached = this.connections.get(key);
    if (cached) return cached;
    const opening = this.options.identities.resolve(actor).then((identity) => {
      const options: ConnectOptions = {
        identity,
        ...(this.options.config === undefined ? {} : { config: this.options.config }),
      };
      return connect(options);
    });
    this.connections.set(key, opening);
    // A failed open (no enrolment, bad profile) is not cached: the next call tries again.
    opening.catch(() => this.connections.delete(key));
    return opening;
  }
}
