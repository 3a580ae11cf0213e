import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { GatewayError } from '@hyperledger/fabric-gateway';
import type { ServiceError } from '@grpc/grpc-js';
import { CallFailure } from '../pool/failure-cause';
import { ChaincodeCallError, LedgerClientError, LedgerClientErrorCode } from './errors';
import { toLedgerFailure, validationCodeName } from './failures';

function gatewayError(code: GrpcStatus, message: string, details: string[] = []): GatewayError {
  const cause = Object.assign(new Error(message), {
    code,
    details: message,
    metadata: new Metadata(),
  }) as ServiceError;
  return new GatewayError({
    message: `${code} ${GrpcStatus[code]}: ${message}`,
    code,
    details: details.map((detail) => ({ address: '127.0.0.1:7051', mspId: 'Org1MSP', message: detail })),
    cause,
  });
}

const TX = 'a'.repeat(64);

describe('mapping fabric-gateway failures to typed errors', () => {
  it("recovers the chaincode's coded error from the endorsers' details, or the message, never by wording", () => {
    const endorse = gatewayError(
      GrpcStatus.ABORTED,
      'failed to endorse transaction, see attached details for more info',
      [
        'chaincode response 500, {"code":"FORBIDDEN","message":"createRule is not allowed for role clinician"}',
      ],
    );
    const error = toLedgerFailure(endorse, TX);
    expect(error).toBeInstanceOf(ChaincodeCallError);
    expect(error).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'createRule is not allowed for role clinician',
      transactionId: TX,
    });

    const evaluate = gatewayError(
      GrpcStatus.UNKNOWN,
      'evaluate call to endorser returned error: chaincode response 500, {"code":"NOT_FOUND","message":"rule not found"}',
    );
    expect(toLedgerFailure(evaluate, TX)).toMatchObject({ code: 'NOT_FOUND' });
  });

  it.each([
    [GrpcStatus.UNAVAILABLE, LedgerClientErrorCode.Unavailable],
    [GrpcStatus.DEADLINE_EXCEEDED, LedgerClientErrorCode.Timeout],
    [GrpcStatus.ABORTED, LedgerClientErrorCode.Rejected],
    [GrpcStatus.PERMISSION_DENIED, LedgerClientErrorCode.Rejected],
  ])('maps gRPC status %i without a chaincode body to %s', (code, expected) => {
    const error = toLedgerFailure(
      gatewayError(code, 'access denied: channel [custodia] creator org [Org1MSP]'),
      TX,
    );
    expect(error).toBeInstanceOf(LedgerClientError);
    expect(error).toMatchObject({ code: expected, details: { transactionId: TX, grpcCode: code } });
  });

  it.each([
    ['peer', LedgerClientErrorCode.Unavailable],
    ['endorsers', LedgerClientErrorCode.EndorsersUnavailable],
    ['quorum', LedgerClientErrorCode.QuorumLost],
    ['orderers', LedgerClientErrorCode.OrdererUnavailable],
    ['slow', LedgerClientErrorCode.Timeout],
  ] as const)('gives a failure of the %s its own stable code', (by, expected) => {
    const failure = new CallFailure(by, 'endorse', gatewayError(GrpcStatus.UNAVAILABLE, 'x'));
    expect(toLedgerFailure(failure, TX)).toMatchObject({ code: expected, details: { transactionId: TX } });
  });

  it('calls every failure after the transaction may have been ordered an unknown outcome, but a known verdict', () => {
    for (const error of [
      new CallFailure('peer', 'commitStatus', undefined),
      new CallFailure('slow', 'commitStatus', gatewayError(GrpcStatus.DEADLINE_EXCEEDED, 'x')),
      gatewayError(GrpcStatus.PERMISSION_DENIED, 'x'),
    ])
      expect(toLedgerFailure(error, TX, { mayBeOrdered: true })).toMatchObject({
        code: LedgerClientErrorCode.OutcomeUnknown,
        details: { transactionId: TX },
      });
    const invalid = new LedgerClientError(LedgerClientErrorCode.TransactionInvalid, 'x', {
      transactionId: TX,
      validationCode: 'MVCC_READ_CONFLICT',
    });
    expect(toLedgerFailure(invalid, TX, { mayBeOrdered: true })).toBe(invalid);
  });

  it('names validation codes as Fabric does', () => {
    expect(validationCodeName(11)).toBe('MVCC_READ_CONFLICT');
    expect(validationCodeName(10)).toBe('ENDORSEMENT_POLICY_FAILURE');
    expect(validationCodeName(99)).toBe('UNKNOWN_99');
  });
});
