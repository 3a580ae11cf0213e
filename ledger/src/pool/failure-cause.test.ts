import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { GatewayError } from '@hyperledger/fabric-gateway';
import { causeOf, needsProbe } from './failure-cause';

function gatewayError(code: GrpcStatus, message: string, details: string[] = []): GatewayError {
  const cause = Object.assign(new Error(message), { code, details: message, metadata: new Metadata() });
  return new GatewayError({
    message,
    code,
    details: details.map((detail) => ({ address: 'peer1:7051', mspId: 'Org2MSP', message: detail })),
    cause: cause as ServiceError,
  });
}

describe('who failed a gateway call', () => {
  it('asks the peer only when the failure could be its own (a transport status with no endpoint details)', () => {
    expect(needsProbe(gatewayError(GrpcStatus.UNAVAILABLE, 'No connection established'))).toBe(true);
    expect(needsProbe(gatewayError(GrpcStatus.DEADLINE_EXCEEDED, 'Deadline exceeded'))).toBe(true);
    // A gateway peer that names the orderers it tried has answered.
    expect(
      needsProbe(
        gatewayError(GrpcStatus.UNAVAILABLE, 'no orderers could successfully process transaction', [
          'connection refused',
        ]),
      ),
    ).toBe(false);
    expect(needsProbe(gatewayError(GrpcStatus.ABORTED, 'failed to endorse transaction'))).toBe(false);
    expect(needsProbe(new Error('not a gateway error'))).toBe(false);
  });

  it('blames the peer whenever it does not answer, whatever the step', () => {
    for (const step of ['evaluate', 'endorse', 'submit', 'commitStatus', 'events'] as const)
      expect(causeOf(step, gatewayError(GrpcStatus.UNAVAILABLE, 'x'), false)).toBe('peer');
  });

  it('tells an orderer outage from a peer outage: UNAVAILABLE on submit from a peer that answers', () => {
    const noOrderers = gatewayError(
      GrpcStatus.UNAVAILABLE,
      'no orderers could successfully process transaction',
    );
    expect(causeOf('submit', noOrderers, true)).toBe('orderers');
    expect(
      causeOf('submit', gatewayError(GrpcStatus.DEADLINE_EXCEEDED, 'submit timeout expired'), true),
    ).toBe('orderers');
  });

  it('tells lost quorum from unreachable endorsers and from refusals', () => {
    const unreachable = gatewayError(
      GrpcStatus.ABORTED,
      'failed to collect enough transaction endorsements, see attached details for more info',
      ['rpc error: code = Unavailable desc = connection error'],
    );
    expect(causeOf('endorse', unreachable, true)).toBe('quorum');
    expect(
      causeOf('endorse', gatewayError(GrpcStatus.FAILED_PRECONDITION, 'no combination of peers'), true),
    ).toBe('quorum');
    // An endorser that answered with a refusal (its details say why) is an answer, not missing endorsers.
    const refusedCreator = gatewayError(
      GrpcStatus.FAILED_PRECONDITION,
      'evaluate call to endorser returned error: error validating proposal: access denied',
      ['error validating proposal: access denied: the certificate has been revoked'],
    );
    expect(causeOf('evaluate', refusedCreator, true)).toBe('answer');
    expect(causeOf('endorse', refusedCreator, true)).toBe('answer');
    expect(
      causeOf('endorse', gatewayError(GrpcStatus.UNAVAILABLE, 'failed to find any endorsing peers'), true),
    ).toBe('endorsers');
    expect(
      causeOf('endorse', gatewayError(GrpcStatus.DEADLINE_EXCEEDED, 'endorsement timeout expired'), true),
    ).toBe('endorsers');
    // A refusal quoting a transport failure as free text, not as the endorser's gRPC status, stays a refusal.
    const refused = gatewayError(GrpcStatus.ABORTED, 'failed to endorse transaction', [
      'error validating proposal: access denied (rpc error: code = Unavailable desc = x)',
    ]);
    expect(causeOf('endorse', refused, true)).toBe('answer');
    expect(causeOf('evaluate', gatewayError(GrpcStatus.PERMISSION_DENIED, 'access denied'), true)).toBe(
      'answer',
    );
  });

  it('calls a deadline on a peer that answers probes slow, not down', () => {
    expect(causeOf('evaluate', gatewayError(GrpcStatus.DEADLINE_EXCEEDED, 'x'), true)).toBe('slow');
    expect(causeOf('commitStatus', gatewayError(GrpcStatus.DEADLINE_EXCEEDED, 'x'), true)).toBe('slow');
  });
});
