/**
 * The wire form of a Fabric gateway peer's per-endpoint failures: a `google.rpc.Status` in the
 * `grpc-status-details-bin` trailer whose details are `gateway.ErrorDetail` messages — what fabric-gateway reads
 * into `GatewayError.details`. One encoder, for every server that answers as a gateway peer (the embedded network's
 * peer services, the fault tests' scripted peers).
 */
import { gateway, google } from '@hyperledger/fabric-protos';
import { Any } from 'google-protobuf/google/protobuf/any_pb';

/** What went wrong with one endpoint (peer or orderer), as Fabric's gateway reports it in `gateway.ErrorDetail`. */
export interface EndpointErrorDetail {
  readonly address: string;
  readonly mspId: string;
  readonly message: string;
}

const ERROR_DETAIL_TYPE_URL = 'type.googleapis.com/gateway.ErrorDetail';

/** The `grpc-status-details-bin` payload for a failure with gRPC status `code`, `message` and `details`. */
export function gatewayStatusDetails(
  code: number,
  message: string,
  details: readonly EndpointErrorDetail[],
): Uint8Array {
  const status = new google.rpc.Status();
  status.setCode(code);
  status.setMessage(message);
  status.setDetailsList(
    details.map((detail) => {
      const entry = new gateway.ErrorDetail();
      entry.setAddress(detail.address);
      entry.setMspId(detail.mspId);
      entry.setMessage(detail.message);
      const any = new Any();
      any.setTypeUrl(ERROR_DETAIL_TYPE_URL);
      any.setValue(entry.serializeBinary());
      return any;
    }),
  );
  return status.serializeBinary();
}
