import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ValidateFunction } from 'ajv';
import type { CaServerOptions } from './config';
import { CaError, CaErrorCode, FabricCaCode } from './errors';
import { CaService } from './service';
import type { CaServiceOptions } from './service';
import type { IdentityRecord } from './state';
import {
  validateCaNameBody,
  validateEnrollBody,
  validateGenCrlBody,
  validateRegisterBody,
  validateRevokeBody,
} from './wire';
import type { CaNameBody, ErrorEnvelope, SuccessEnvelope } from './wire';

/**
 * HTTP(S) adapter answering the Fabric CA REST API subset fabric-ca-client uses, under /api/v1/:
 * cainfo, enroll, register, reenroll, revoke, gencrl. Bodies, auth headers and the
 * `{success, result, errors, messages}` envelope are Fabric CA's.
 */
export interface CaServer {
  /** e.g. http://127.0.0.1:7054 */
  readonly url: string;
  readonly service: CaService;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const API_PREFIX = '/api/v1/';

interface RequestContext {
  readonly request: IncomingMessage;
  readonly body: Uint8Array;
}

interface Route {
  readonly methods: readonly string[];
  handle(service: CaService, context: RequestContext): Promise<unknown>;
}

function parseBody<T extends CaNameBody>(
  service: CaService,
  body: Uint8Array,
  validate: ValidateFunction<T>,
): T {
  let parsed: unknown = {};
  if (body.length > 0) {
    try {
      parsed = JSON.parse(Buffer.from(body).toString('utf8'));
    } catch {
      throw new CaError(CaErrorCode.BadRequest, 400, FabricCaCode.BadRequestBody, 'Request body is not JSON');
    }
  }
  if (!validate(parsed)) {
    const first = validate.errors?.[0];
    const where = first
      ? `${first.instancePath || 'body'} ${first.message ?? 'is invalid'}`
      : 'body is invalid';
    throw new CaError(CaErrorCode.BadRequest, 400, FabricCaCode.BadRequestBody, `Invalid request: ${where}`);
  }
  service.checkCaName(parsed.caname);
  return parsed;
}

function authorizationHeader(context: RequestContext): string {
  const header = context.request.headers.authorization;
  if (!header) {
    throw new CaError(
      CaErrorCode.AuthenticationFailed,
      401,
      FabricCaCode.NoAuthHeader,
      'No authorization header',
    );
  }
  return header;
}

function basicCredentials(context: RequestContext): { id: string; secret: string } {
  const header = authorizationHeader(context);
  const match = /^Basic\s+(\S+)$/i.exec(header);
  const decoded = match?.[1] ? Buffer.from(match[1], 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  if (colon <= 0) {
    throw new CaError(
      CaErrorCode.AuthenticationFailed,
      401,
      FabricCaCode.AuthenticationFailure,
      'Authentication failure',
    );
  }
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

function caller(service: CaService, context: RequestContext): IdentityRecord {
  return service.authenticate({
    authorization: authorizationHeader(context),
    method: context.request.method ?? '',
    uri: context.request.url ?? '',
    body: context.body,
  });
}

const ROUTES: Readonly<Record<string, Route>> = {
  cainfo: {
    methods: ['GET', 'POST'],
    handle: async (service, { body }) => {
      parseBody(service, body, validateCaNameBody);
      return service.info();
    },
  },
  enroll: {
    methods: ['POST'],
    handle: (service, context) => {
      const credentials = basicCredentials(context);
      return service.enroll(credentials, parseBody(service, context.body, validateEnrollBody));
    },
  },
  reenroll: {
    methods: ['POST'],
    handle: (service, context) =>
      service.reenroll(caller(service, context), parseBody(service, context.body, validateEnrollBody)),
  },
  register: {
    methods: ['POST'],
    handle: (service, context) =>
      service.register(caller(service, context), parseBody(service, context.body, validateRegisterBody)),
  },
  revoke: {
    methods: ['POST'],
    handle: (service, context) =>
      service.revoke(caller(service, context), parseBody(service, context.body, validateRevokeBody)),
  },
  gencrl: {
    methods: ['POST'],
    handle: (service, context) =>
      service.generateCrl(caller(service, context), parseBody(service, context.body, validateGenCrlBody)),
  },
};

function readBody(request: IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new CaError(CaErrorCode.BadRequest, 413, FabricCaCode.ReadingBody, 'Request body too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function send(
  response: ServerResponse,
  status: number,
  envelope: SuccessEnvelope<unknown> | ErrorEnvelope,
): void {
  const text = JSON.stringify(envelope);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    // fabric-ca-client adds a socket timeout listener per request; reused sockets would pile them up.
    connection: 'close',
  });
  response.end(text);
}

function fail(response: ServerResponse, error: CaError): void {
  send(response, error.status, {
    success: false,
    result: null,
    errors: [{ code: error.fabricCode, message: error.message }],
    messages: [],
  });
}

/** The request listener, usable on any node:http(s) server. */
export function createCaRequestListener(
  service: CaService,
  options: Pick<CaServiceOptions, 'logger'> = {},
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    void (async () => {
      const path = (request.url ?? '').split('?')[0] ?? '';
      const route = path.startsWith(API_PREFIX) ? ROUTES[path.slice(API_PREFIX.length)] : undefined;
      try {
        if (!route) throw new CaError(CaErrorCode.NotFound, 404, FabricCaCode.Unknown, 'Not found');
        if (!route.methods.includes(request.method ?? '')) {
          throw new CaError(
            CaErrorCode.MethodNotAllowed,
            405,
            FabricCaCode.MethodNotAllowed,
            'Method not allowed',
          );
        }
        const body = await readBody(request);
        const result = await route.handle(service, { request, body });
        send(response, 200, { success: true, result, errors: [], messages: [] });
      } catch (error) {
        if (error instanceof CaError) {
          if (error.status >= 400 && error.status < 500) {
            options.logger?.warn(
              { mspId: service.mspId, path, code: error.code, reason: error.reason },
              'refused',
            );
          }
          fail(response, error);
          return;
        }
        options.logger?.warn({ mspId: service.mspId, path, err: String(error) }, 'failed');
        fail(
          response,
          new CaError(CaErrorCode.BadRequest, 500, FabricCaCode.Unknown, 'Internal server error'),
        );
      }
    })();
  };
}

/** Opens the CA under its data directory and serves it; `close()` stops the server. */
export async function startCaServer(
  options: CaServerOptions,
  extra: CaServiceOptions = {},
): Promise<CaServer> {
  const service = await CaService.open(options, extra);
  const listener = createCaRequestListener(service, extra);
  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.certificate, key: options.tls.privateKey }, listener)
    : createHttpServer(listener);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    service,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
