import { ChaincodeCallError, LedgerClientError, LedgerClientErrorCode } from '@custodia/ledger';
import { GatewayError } from '../errors';
import { toOperationOutcome, toProblem } from './problem';

describe('toProblem', () => {
  it('maps the gateway’s own errors by code, with their detail', () => {
    expect(toProblem(new GatewayError('NOT_OWNER', 'patients act on their own data only'))).toMatchObject({
      status: 403,
      code: 'NOT_OWNER',
      detail: 'patients act on their own data only',
      type: 'urn:custodia:problem:not-owner',
    });
  });

  it('maps chaincode codes to statuses and keeps the chaincode’s reason', () => {
    const problem = toProblem(new ChaincodeCallError('NOT_FOUND', 'rule not found', 'tx1'));
    expect(problem).toMatchObject({ status: 404, code: 'NOT_FOUND', detail: 'rule not found' });
    expect(toProblem(new ChaincodeCallError('FAILED_PRECONDITION', 'grant is expired', 'tx2')).status).toBe(
      409,
    );
  });

  it('answers 503 when the ledger cannot be reached and 409 on an MVCC conflict', () => {
    expect(toProblem(new LedgerClientError(LedgerClientErrorCode.Unavailable, 'no peer'))).toMatchObject({
      status: 503,
      code: 'LEDGER_UNAVAILABLE',
    });
    const conflict = new LedgerClientError(LedgerClientErrorCode.TransactionInvalid, 'invalid', {
      validationCode: 'MVCC_READ_CONFLICT',
    });
    expect(toProblem(conflict)).toMatchObject({ status: 409, code: 'CONFLICT' });
  });

  it.each([
    [LedgerClientErrorCode.QuorumLost, 'LEDGER_QUORUM_LOST'],
    [LedgerClientErrorCode.EndorsersUnavailable, 'LEDGER_ENDORSERS_UNAVAILABLE'],
    [LedgerClientErrorCode.OrdererUnavailable, 'LEDGER_ORDERER_UNAVAILABLE'],
    [LedgerClientErrorCode.Timeout, 'LEDGER_UNAVAILABLE'],
  ])('answers a ledger outage (%s) 503 %s with a Retry-After, never 403', (code, expected) => {
    const problem = toProblem(new LedgerClientError(code, 'x', { transactionId: 'a'.repeat(64) }));
    expect(problem).toMatchObject({ status: 503, code: expected });
    expect(problem.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('answers an unknown outcome 504 with the transaction id and where to ask its status', () => {
    const txId = 'b'.repeat(64);
    const problem = toProblem(
      new LedgerClientError(LedgerClientErrorCode.OutcomeUnknown, 'x', { transactionId: txId }),
    );
    expect(problem).toMatchObject({
      status: 504,
      code: 'LEDGER_OUTCOME_UNKNOWN',
      transactionId: txId,
      transactionStatus: `/api/v1/transactions/${txId}`,
    });
  });

  it('answers 502 for a ledger answer of the wrong shape, without quoting it', () => {
    const malformed = new LedgerClientError(
      LedgerClientErrorCode.AnswerInvalid,
      'access:getGrant answered what its catalogue entry does not describe: answer.status: unknown value',
    );
    expect(toProblem(malformed)).toMatchObject({ status: 502, code: 'LEDGER_ANSWER_INVALID' });
    expect(toProblem(malformed).detail).not.toContain('status');
  });

  it('passes on the status of errors that carry one (identity service, data-lake client)', () => {
    const lakeDown = Object.assign(new Error('the data lake cannot be reached'), {
      code: 'DATALAKE_UNAVAILABLE',
      status: 503,
    });
    expect(toProblem(lakeDown)).toMatchObject({ status: 503, code: 'DATALAKE_UNAVAILABLE' });
    const throttled = Object.assign(new Error('too many failed attempts'), {
      code: 'LOGIN_THROTTLED',
      httpStatus: 429,
      details: { retryAfterSeconds: 900 },
    });
    expect(toProblem(throttled)).toMatchObject({ status: 429, retryAfterSeconds: 900 });
  });

  it('hides internal failures behind a generic 500', () => {
    const problem = toProblem(new Error('ENOENT /secret/path/patient-anna'));
    expect(problem).toMatchObject({ status: 500, code: 'INTERNAL' });
    expect(problem.detail).not.toContain('patient-anna');
    expect(
      toProblem(new ChaincodeCallError('INTERNAL', 'state corrupt at key x', 'tx')).detail,
    ).not.toContain('key x');
  });

  it('reports body-parser failures as the caller’s', () => {
    expect(toProblem({ type: 'entity.too.large' }).status).toBe(413);
    expect(toProblem({ type: 'entity.parse.failed' }).status).toBe(400);
  });

  it('gives FHIR clients an OperationOutcome with the same code', () => {
    const outcome = toOperationOutcome(toProblem(new GatewayError('FORBIDDEN', 'no active grant')));
    expect(outcome).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'forbidden', diagnostics: 'no active grant' }],
    });
  });
});
