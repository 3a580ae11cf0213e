import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { GatewayError } from '@hyperledger/fabric-gateway';
import type { ServiceError } from '@grpc/grpc-js';
import { CallFailure } from '../pool/failure-cause';
import { ChaincodeCallError, LedgerClientError, LedgerClientErrorCode } from './errors';
import { redactPeerReason, toLedgerFailure, validationCodeName } from './failures';

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

const FABRIC_TX_ID = 'b9cab8d4302fc66950d9fd82429b075e8aaf3ec9d59de715e30bd1500a470a70';
/** The serialized identity (MSP id + certificate) a Fabric 2.5.4 peer quoted, as hex. */
const FABRIC_CREATOR_HEX = [
  '0a0d486f73706974616c44454d535012dd072d2d2d2d2d424547494e2043455254494649434154452d2d2d2d2d0a4d49',
  '4943726a4343416c57674177494241674955546e6671793462425353506d662b71737750737337314a34757a73774367',
  '59494b6f5a497a6a3045417749770a5454454c4d416b474131554542684d43524555784644415342674e5642416f5443',
  '3068766333427064474673494552464d5367774a675944565151444578396a0a5953356f62334e77615852686243316b',
  '5a53356a64584e30623252705953356c654746746347786c4d423458445449324d5449774e4445354d6a49774d466f58',
  '0a445449334d5449774e4445354d7a4d774d466f775254456a4d4130474131554543784d47593278705a5735304d4249',
  '474131554543784d4c6147397a63476c300a595777745a475578486a416342674e5642414d5446574e6863485231636d',
  '55744d5463354e6a51784d6a63324d6a4d354d6a425a4d424d4742797147534d34390a4167454743437147534d343941',
  '7745484130494142416c7a735673473672714a2f7867316d6431387549686755326f76656e4b425152717a4e5a42704c',
  '6169470a56415a2b686971653364372f2f394f76524e4e615765307356744647695135442b37666c444e59787256716a',
  '6767455a4d4949424654414f42674e56485138420a4166384542414d434234417744415944565230544151482f424149',
  '774144416442674e5648513445466751553938316465346c59436b546130683078444246350a5774325868714d774877',
  '59445652306a42426777466f415543726939444e7357554170646d4b59482f6464506353543453307377676251474343',
  '6f44424155470a427767424249476e65794a68644852796379493665794a6a64584e3062325270595335705a43493649',
  '6d4e6863485231636d55744d5463354e6a51784d6a63320a4d6a4d354d694973496d4e31633352765a476c684c6e4a76',
  '624755694f694a77595852705a573530496977696147597551575a6d6157787059585270623234690a4f694a6f62334e',
  '77615852686243316b5a534973496d686d4c6b5675636d39736247316c626e524a52434936496d4e6863485231636d55',
  '744d5463354e6a51780a4d6a63324d6a4d354d694973496d686d4c6c5235634755694f694a6a62476c6c626e51696658',
  '3077436759494b6f5a497a6a30454177494452774177524149670a6145786864562b5967723838627a3945513748556d',
  '474775306d4165624944546d2b5475615344475a7173434946623778665575424670447152466f785343570a42646d76',
  '487a5a2f52777731786c46774c79586f6553354d0a2d2d2d2d2d454e442043455254494649434154452d2d2d2d2d0a',
].join('');
/** Fabric 2.5.4's reason for a proposal whose transaction id is on the ledger (core/endorser/endorser.go). */
const DUPLICATE_REASON = `duplicate transaction found [${FABRIC_TX_ID}]. Creator [${FABRIC_CREATOR_HEX}]`;

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

describe("peers' reasons without identities", () => {
  it('takes the creator out of Fabric’s duplicate-transaction reason and keeps the transaction id', () => {
    // The creator is the user's certificate (with their Custodia attributes) under their MSP id.
    expect(Buffer.from(FABRIC_CREATOR_HEX, 'hex').toString('latin1')).toContain('BEGIN CERTIFICATE');
    const error = toLedgerFailure(
      gatewayError(GrpcStatus.ABORTED, 'failed to endorse transaction, see attached details for more info', [
        DUPLICATE_REASON,
      ]),
      TX,
    );
    expect(error).toBeInstanceOf(LedgerClientError);
    expect(error.message).toBe(
      `the peer refused the request: duplicate transaction found [${FABRIC_TX_ID}]. Creator [redacted]`,
    );
    // Also when a gateway puts the reason into its message rather than the details.
    const evaluate = toLedgerFailure(
      gatewayError(
        GrpcStatus.FAILED_PRECONDITION,
        `evaluate call to endorser returned error: ${DUPLICATE_REASON}`,
      ),
      TX,
    );
    expect(evaluate.message).not.toContain(FABRIC_CREATOR_HEX.slice(0, 64));
    expect(evaluate.message).toContain('Creator [redacted]');
  });

  it.each([
    [
      'a certificate as PEM',
      'the supplied identity is not valid: -----BEGIN CERTIFICATE-----\nMIICrjCCAlWgAwIBAgIUTnfq\n-----END CERTIFICATE-----\n',
      'the supplied identity is not valid: [redacted]\n',
    ],
    [
      'a certificate as Go prints a byte slice',
      `getCertFromPem error: could not decode pem bytes [${Array.from({ length: 40 }, (_, i) => 40 + i).join(' ')}]`,
      'getCertFromPem error: could not decode pem bytes [redacted]',
    ],
    [
      'a serialized identity as hex without its label',
      `failed to deserialize creator identity ${FABRIC_CREATOR_HEX.slice(0, 400)}`,
      'failed to deserialize creator identity [redacted]',
    ],
    [
      'a certificate as base64',
      `unknown identity ${Buffer.from(FABRIC_CREATOR_HEX, 'hex').toString('base64')}`,
      'unknown identity [redacted]',
    ],
  ])('takes out %s', (_, reason, redacted) => {
    expect(redactPeerReason(reason)).toBe(redacted);
  });

  it('keeps what names no one: channels, organisations, transaction ids, policies', () => {
    for (const reason of [
      'error validating proposal: access denied: channel [custodia] creator org [HospitalDEMSP]',
      'error validating proposal: access denied: channel [custodia] creator org unknown, creator is malformed',
      `duplicate transaction found [${FABRIC_TX_ID}]`,
      'implicit policy evaluation failed - 1 sub-policies were satisfied, but this policy requires 2 of the Endorsement sub-policies to be satisfied',
    ]) {
      expect(redactPeerReason(reason)).toBe(reason);
    }
  });
});
