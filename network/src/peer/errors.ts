import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { gateway, google } from '@hyperledger/fabric-protos';
import { Any } from 'google-protobuf/google/protobuf/any_pb';

/** What went wrong with one endpoint (peer or orderer), as Fabric's gateway reports it in `gateway.ErrorDetail`. */
export interface EndpointErrorDetail {
  readonly address: string;
  readonly mspId: string;
  readonly message: string;
}

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

const ERROR_DETAIL_TYPE_URL = 'type.googleapis.com/gateway.ErrorDetail';

/** The `grpc-status-details-bin` payload: a google.rpc.Status whose details are gateway.ErrorDetail messages. */
export function statusDetails(error: RpcError): Uint8Array {
  const status = new google.rpc.Status();
  status.setCode(error.code);
  status.setMessage(error.message);
  status.setDetailsList(
    error.details.map((detail) => {
      const message = new gateway.ErrorDetail();
      message.setAddress(detail.address);
      message.setMspId(detail.mspId);
      message.setMessage(detail.message);
      const any = new Any();
      any.setTypeUrl(ERROR_DETAIL_TYPE_URL);
      any.setValue(message.serializeBinary());
      return any;
    }),
  );
  return status.serializeBinary();
}

/** A grpc-js service error for `error`; anything that is not an RpcError becomes INTERNAL without its text. */
export function toServiceError(error: unknown): Partial<ServiceError> {
  const rpcError =
    error instanceof RpcError
      ? error
      : new RpcError(GrpcStatus.INTERNAL, 'internal error processing request');
  const metadata = new Metadata();
  if (rpcError.details.length > 0) {
    metadata.set('grpc-status-details-bin', Buffer.from(statusDetails(rpcError)));
  }
  return { code: rpcError.code, details: rpcError.message, metadata };
}
