/**
 * One identity's typed view of the ledger: a method per chaincode transaction (grouped by contract), arguments
 * encoded and answers checked by the chaincode's own catalogue, plus chain reads and chaincode events through the
 * same connections. `submit` and `evaluate` take any catalogue entry, for callers that need a commit's transaction
 * id and block number.
 */
import { argumentsOf, decodeAnswer, functionName } from '@custodia/chaincode';
import type { Transaction } from '@custodia/chaincode';
import { LedgerClientError, LedgerClientErrorCode } from '../client/errors';
import type { ConnectionProfile } from '../client/profile';
import { ChainQueries } from '../session/chain';
import { EventQueries } from '../session/events';
import type { RawSession } from '../session/raw-session';
import { AccessCalls } from './access';
import { AuditCalls } from './audit';
import { ContributionCalls } from './contributions';
import { EmergencyCalls } from './emergency';
import { IdentityCalls } from './identities';
import { OrganisationCalls } from './organisations';
import { PatientCalls } from './patients';
import { RecordCalls } from './records';
import { RuleCalls } from './rules';

/** A committed transaction's answer, with where it was committed. */
export interface Committed<O> {
  readonly value: O;
  readonly transactionId: string;
  readonly blockNumber: bigint;
}

const decoder = new TextDecoder();

function answerOf<O>(transaction: Transaction<never, O>, payload: Uint8Array, transactionId: string): O {
  const decoded = decodeAnswer(transaction, decoder.decode(payload));
  if (!decoded.ok)
    throw new LedgerClientError(
      LedgerClientErrorCode.AnswerInvalid,
      `${functionName(transaction)} answered what its catalogue entry does not describe: ${decoded.error.message}`,
      { transactionId },
    );
  return decoded.value;
}

export class LedgerSession {
  readonly organisations = new OrganisationCalls(this);
  readonly patients = new PatientCalls(this);
  readonly identities = new IdentityCalls(this);
  readonly rules = new RuleCalls(this);
  readonly emergency = new EmergencyCalls(this);
  readonly records = new RecordCalls(this);
  readonly access = new AccessCalls(this);
  readonly contributions = new ContributionCalls(this);
  readonly audit = new AuditCalls(this);
  /** Blocks as the peer's qscc serves them. */
  readonly chain: ChainQueries;
  /** The chaincode's events, decoded. */
  readonly events: EventQueries;

  constructor(private readonly raw: RawSession) {
    this.chain = new ChainQueries(raw);
    this.events = new EventQueries(raw);
  }

  profile(): Promise<ConnectionProfile> {
    return this.raw.profile();
  }

  /** Endorses, submits and waits for the commit of a catalogue transaction; its answer checked and typed. */
  async submit<I, O>(transaction: Transaction<I, O, 'submit'>, input: I): Promise<Committed<O>> {
    const result = await this.raw.submit(functionName(transaction), {
      arguments: argumentsOf(transaction, input),
    });
    return {
      value: answerOf(transaction, result.payload, result.transactionId),
      transactionId: result.transactionId,
      blockNumber: result.blockNumber,
    };
  }

  /** Evaluates a catalogue transaction on one peer; its answer checked and typed. */
  async evaluate<I, O>(transaction: Transaction<I, O, 'evaluate'>, input: I): Promise<O> {
    const payload = await this.raw.evaluate(functionName(transaction), {
      arguments: argumentsOf(transaction, input),
    });
    return answerOf(transaction, payload, '');
  }
}
