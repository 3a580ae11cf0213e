import * as grpc from '@grpc/grpc-js';
import { common, gateway, peer } from '@hyperledger/fabric-protos';
import type { DeliverKind, DeliverService } from './deliver-service';
import { RpcError, toServiceError } from './errors';
import type { GatewayService } from './gateway-service';

export interface PeerServerOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly tls: { readonly certificate: string; readonly privateKey: string };
  readonly gateway: GatewayService;
  readonly deliver: DeliverService;
  /** Where refused and failed calls are logged (identifiers and reasons only, never request content). */
  readonly logger?: PeerLogger;
}

/** Structured log sink, pino-compatible. */
export interface PeerLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface PeerServer {
  /** host:port, as a connection profile names it. */
  readonly endpoint: string;
  readonly port: number;
  /** Stops accepting calls, cancels open streams (event listeners) and waits for the rest to finish. */
  close(): Promise<void>;
}

// Fabric peers accept messages up to 100 MiB (peer.yaml maxRecvMsgSize / maxSendMsgSize).
const MAX_MESSAGE_BYTES = 100 * 1024 * 1024;

interface Writable<T> {
  write(message: T): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

const SHUTTING_DOWN = new RpcError(grpc.status.UNAVAILABLE, 'peer is shutting down');
// grpc-js reports a call that ended early as cancelled; one shared reason spares a stack trace per call.
const CANCELLED = new RpcError(grpc.status.CANCELLED, 'call cancelled by the client');

/** Calls in progress, so that closing the server can end them (event streams never end by themselves). */
class OpenCalls {
  private readonly controllers = new Set<AbortController>();
  private closing = false;

  open(call: { on(event: 'cancelled', listener: () => void): unknown }): AbortController {
    const controller = new AbortController();
    call.on('cancelled', () => controller.abort(CANCELLED));
    if (this.closing) controller.abort(SHUTTING_DOWN);
    this.controllers.add(controller);
    return controller;
  }

  finished(controller: AbortController): void {
    this.controllers.delete(controller);
  }

  closeAll(): void {
    this.closing = true;
    for (const controller of this.controllers) controller.abort(SHUTTING_DOWN);
  }
}

/** Writes with backpressure: waits for 'drain' when the transport buffer is full. */
async function send<T>(call: Writable<T>, message: T, signal: AbortSignal): Promise<void> {
  if (call.write(message) || signal.aborted) return;
  await new Promise<void>((resolve) => {
    call.once('drain', resolve);
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** Ends a stream: normally, with the handler's error, or UNAVAILABLE when the server shuts down under it. */
function finish(
  call: grpc.ServerWritableStream<unknown, unknown> | grpc.ServerDuplexStream<unknown, unknown>,
  signal: AbortSignal,
  error?: unknown,
): void {
  if (signal.aborted) {
    if (signal.reason === SHUTTING_DOWN) call.emit('error', toServiceError(SHUTTING_DOWN));
    return;
  }
  if (error === undefined) call.end();
  else call.emit('error', toServiceError(error));
}

/**
 * Logs a refused call: chaincode failures and endorsement refusals (UNKNOWN, ABORTED) at info, other refusals
 * at warn with the peer's reason (Fabric's wording, no request content); unexpected failures by name only.
 */
function logFailure(logger: PeerLogger | undefined, method: string, error: unknown): void {
  if (!logger) return;
  if (error instanceof RpcError) {
    const fields = {
      method,
      code: grpc.status[error.code],
      reason: error.details[0]?.message ?? error.message,
    };
    if (error.code === grpc.status.UNKNOWN || error.code === grpc.status.ABORTED)
      logger.info(fields, 'refused');
    else logger.warn(fields, 'refused');
    return;
  }
  logger.warn({ method, error: error instanceof Error ? error.name : 'unknown' }, 'failed');
}

function unary<Request, Response>(
  calls: OpenCalls,
  method: string,
  handler: (request: Request, signal: AbortSignal) => Promise<Response>,
  logger: PeerLogger | undefined,
): grpc.handleUnaryCall<Request, Response> {
  return (call, callback) => {
    const controller = calls.open(call);
    handler(call.request, controller.signal)
      .then(
        (response) => callback(null, response),
        (error: unknown) => {
          if (!controller.signal.aborted) logFailure(logger, method, error);
          callback(toServiceError(error));
        },
      )
      .finally(() => calls.finished(controller));
  };
}

function serverStream<Request, Response>(
  calls: OpenCalls,
  handler: (request: Request, signal: AbortSignal) => AsyncIterable<Response>,
): grpc.handleServerStreamingCall<Request, Response> {
  return (call) => {
    const controller = calls.open(call);
    const { signal } = controller;
    void (async () => {
      try {
        for await (const message of handler(call.request, signal)) {
          await send(call, message, signal);
          if (signal.aborted) break;
        }
        finish(call, signal);
      } catch (error) {
        finish(call, signal, error);
      } finally {
        calls.finished(controller);
      }
    })();
  };
}

function deliverStream(
  calls: OpenCalls,
  service: DeliverService,
  kind: DeliverKind,
): grpc.handleBidiStreamingCall<common.Envelope, peer.DeliverResponse> {
  return (call) => {
    const controller = calls.open(call);
    const { signal } = controller;
    // Seek requests on one stream are served one after the other; a failed one ends the stream. (Reading with
    // events, not async iteration: leaving a for-await early destroys the call before its status is sent.)
    let serving: Promise<boolean> = Promise.resolve(true);
    const serve = async (envelope: common.Envelope): Promise<boolean> => {
      let last: peer.DeliverResponse | undefined;
      for await (const response of service.handle(envelope, kind, signal)) {
        await send(call, response, signal);
        last = response;
      }
      return !signal.aborted && last?.getStatus() === common.Status.SUCCESS;
    };
    const done = (error?: unknown): void => {
      call.removeAllListeners('data');
      finish(call, signal, error);
      calls.finished(controller);
    };
    call.on('data', (envelope: common.Envelope) => {
      serving = serving.then(async (open) => {
        if (!open) return false;
        const stillOpen = await serve(envelope);
        if (!stillOpen) done();
        return stillOpen;
      });
      serving.catch((error: unknown) => done(error));
    });
    call.on('end', () => {
      void serving.then((open) => {
        if (open) done();
      });
    });
  };
}

/**
 * The service definition with a plain serializer. The generated one checks `instanceof` against its own copy of
 * the message class, but google-protobuf's generated code shares one global namespace between the copies of
 * fabric-protos a process loads (fabric-shim's 0.2, fabric-gateway's and ours 0.3), so a message built with the
 * class a namespace export resolves to may belong to another copy and be refused.
 */
function withPlainSerializers<Definition extends grpc.ServiceDefinition>(definition: Definition): Definition {
  const methods = Object.entries(definition).map(([name, method]) => [
    name,
    {
      ...method,
      responseSerialize: (message: { serializeBinary(): Uint8Array }) =>
        Buffer.from(message.serializeBinary()),
    },
  ]);
  return Object.fromEntries(methods) as Definition;
}

/**
 * The peer's gRPC endpoint over TLS: the Gateway service (fabric-gateway's client API) and the Deliver service
 * (block events), with the service definitions of @hyperledger/fabric-protos.
 */
export async function startPeerServer(options: PeerServerOptions): Promise<PeerServer> {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    // Channelz bookkeeping costs a few percent of CPU per call; nothing here reads it.
    'grpc.enable_channelz': 0,
  });
  const calls = new OpenCalls();
  const { logger } = options;
  const gatewayService = options.gateway;
  server.addService(withPlainSerializers(gateway.GatewayService), {
    endorse: unary(
      calls,
      'Endorse',
      (request: gateway.EndorseRequest) => gatewayService.endorse(request),
      logger,
    ),
    evaluate: unary(
      calls,
      'Evaluate',
      (request: gateway.EvaluateRequest) => gatewayService.evaluate(request),
      logger,
    ),
    submit: unary(
      calls,
      'Submit',
      (request: gateway.SubmitRequest) => gatewayService.submit(request),
      logger,
    ),
    commitStatus: unary(
      calls,
      'CommitStatus',
      (request: gateway.SignedCommitStatusRequest, signal) => gatewayService.commitStatus(request, signal),
      logger,
    ),
    chaincodeEvents: serverStream(calls, (request: gateway.SignedChaincodeEventsRequest, signal) =>
      gatewayService.chaincodeEvents(request, signal),
    ),
  } satisfies gateway.IGatewayServer);
  server.addService(withPlainSerializers(peer.DeliverService), {
    deliver: deliverStream(calls, options.deliver, 'block'),
    deliverFiltered: deliverStream(calls, options.deliver, 'filtered'),
    deliverWithPrivateData: deliverStream(calls, options.deliver, 'privateData'),
  } satisfies peer.IDeliverServer);

  const host = options.host ?? '127.0.0.1';
  const credentials = grpc.ServerCredentials.createSsl(
    null,
    [{ cert_chain: Buffer.from(options.tls.certificate), private_key: Buffer.from(options.tls.privateKey) }],
    false,
  );
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${options.port}`, credentials, (error, bound) => {
      if (error) reject(error);
      else resolve(bound);
    });
  });
  return {
    endpoint: `${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        // End event streams and commit-status waits, let calls in flight finish, cut the rest after 5 s.
        calls.closeAll();
        const timer = setTimeout(() => server.forceShutdown(), 5_000);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}
