import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { gatewayStatusDetails } from '@custodia/ledger';
import type { EndpointErrorDetail } from '@custodia/ledger';

export type { EndpointErrorDetail };

/**
 * An RPC failure: the gRPC status code a Fabric gateway peer would answer with, its message, and the per-endpoint
 * details fabric-gateway turns into `GatewayError.details`. Services throw these; the server adapter turns them into
 * gRPC status errors once.
 */
export class RpcError extends Error {
  override readonly name = 'RpcError';
  constructor(
    readonly code: GrpcStatus,
    message: string,
    readonly details: readonly EndpointErrorDetail[] = [],
  ) {
    super(message);
  }
}

/** A grpc-js service error for `error`; anything that is not an RpcError becomes INTERNAL without its text. */
export function toServiceError(error: unknown): Partial<ServiceError> {
  const rpcError =
    error instanceof RpcError
      ? error
      : new RpcError(GrpcStatus.INTERNAL, 'internal error processing request');
  const metadata = new Metadata();
  if (rpcError.details.length > 0) {
    metadata.set(
      'grpc-status-details-bin',
      Buffer.from(gatewayStatusDetails(rpcError.code, rpcError.message, rpcError.details)),
    );
  }
  return { code: rpcError.code, details: rpcError.message, metadata };
}
