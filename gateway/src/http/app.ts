/**
 * The gateway's Express 5 application: security headers, CORS, logs and metrics, rate limits, then every
 * declared route behind authentication → casbin → ownership → location check → ajv validation. The built
 * portal is served at `/`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import cors from 'cors';
import express from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from '@custodia/datalake';
import type { Logger } from 'pino';
import type { RouteAuthorizer } from '../authz/enforcer';
import { ANONYMOUS } from '../authz/enforcer';
import type { GatewayConfig } from '../config';
import { GatewayError } from '../errors';
import type { AuthUser } from '../identity/user';
import type { GatewayMetrics } from './metrics';
import type { NetworkPolicy } from './network-policy';
import { openApiDocument } from './openapi';
import { errorHandler, sendProblem, toProblem } from './problem';
import { API_BASE, FHIR_BASE, fullPath } from './route';
import type { RouteDef } from './route';
import { check, compile } from './validate';

export interface Authenticator {
  /** The claims of a valid access token; throws a coded 401 error otherwise. */
  verifyAccessToken(token: string): Promise<AuthUser>;
}

export interface AppDeps {
  readonly config: GatewayConfig;
  readonly routes: readonly RouteDef[];
  readonly authenticator: Authenticator;
  readonly authorizer: RouteAuthorizer;
  readonly networks: NetworkPolicy;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  /** Components and whether each is reachable, for /readyz. */
  readonly readiness: () => Promise<Readonly<Record<string, boolean>>>;
  readonly version: string;
}

/** Routes whose failures count towards the stricter authentication rate limit. */
const AUTH_PREFIX = `${API_BASE}/auth`;

function bearer(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
  return match?.[1];
}

function limiter(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) =>
      sendProblem(
        res,
        toProblem(new GatewayError('TOO_MANY_REQUESTS', 'too many requests; wait a minute and try again')),
      ),
  });
}

function routeHandler(route: RouteDef, deps: AppDeps): RequestHandler[] {
  const { schemas } = route;
  const validators = {
    params: schemas.params && compile('params', schemas.params),
    query: schemas.query && compile('query', schemas.query),
    headers: schemas.headers && compile('headers', schemas.headers),
    body: schemas.body && compile('body', schemas.body),
  };
  const template = fullPath(route);
  const json = express.json({
    limit: route.maxBodyBytes ?? deps.config.maxJsonBytes,
    type: () => true,
    strict: true,
    // Bounded before parsing: validators and serialisers recurse (a body nested 100,000 deep was a 500).
    verify: (_req, _res, bytes) => {
      if (jsonDepthExceeds(bytes))
        throw new GatewayError(
          'VALIDATION_FAILED',
          `the JSON body nests deeper than ${MAX_JSON_DEPTH} levels`,
        );
    },
  });
  // Only the headers a route declares are validated and handed over; HTTP carries many others.
  const declaredHeaders = Object.keys(schemas.headers?.properties ?? {});

  const authenticate = async (req: Request, res: Response): Promise<void> => {
    const token = bearer(req);
    // A public route (sign-in, refresh, logout) answers whoever calls: a client holding an expired access token
    // must still be able to refresh it, so a bearer there is not looked at.
    if (route.access === 'public') return;
    if (token === undefined)
      throw new GatewayError('UNAUTHENTICATED', 'sign in first: a Bearer access token is required');
    res.locals.user = await deps.authenticator.verifyAccessToken(token);
  };

  const authorise = async (req: Request, res: Response): Promise<void> => {
    const user = res.locals.user as AuthUser | undefined;
    if (!(await deps.authorizer.allows(user?.role ?? ANONYMOUS, template, route.method)))
      throw user === undefined
        ? new GatewayError('UNAUTHENTICATED', 'sign in first: a Bearer access token is required')
        : new GatewayError('FORBIDDEN', 'this operation is not available to your role');
    if (user !== undefined && !deps.networks.allows(user.mspId, req.ip))
      throw new GatewayError(
        'LOCATION_NOT_ALLOWED',
        'your organisation does not allow access from this network',
      );
    if (
      route.ownedBy !== undefined &&
      user?.role === 'patient' &&
      req.params[route.ownedBy] !== user.ledgerId
    )
      throw new GatewayError('NOT_OWNER', 'patients act on their own data only');
  };

  const parse: RequestHandler = (req, res, next) => {
    if (route.body === 'raw') {
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      if (route.contentTypes !== undefined && !route.contentTypes.includes(type))
        return next(
          new GatewayError('UNSUPPORTED_MEDIA_TYPE', `send one of: ${route.contentTypes.join(', ')}`),
        );
      return next();
    }
    if (schemas.body === undefined) return next();
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const accepted = route.contentTypes ?? ['application/json'];
    if (!accepted.includes(type))
      return next(new GatewayError('UNSUPPORTED_MEDIA_TYPE', `send the body as ${accepted.join(' or ')}`));
    return json(req, res, next);
  };

  const handle = async (req: Request, res: Response): Promise<void> => {
    const params = validators.params ? check('params', validators.params, { ...req.params }) : {};
    const query = validators.query ? check('query', validators.query, { ...(req.query as object) }) : {};
    if (validators.query === undefined && Object.keys(req.query as object).length > 0)
      throw new GatewayError('VALIDATION_FAILED', 'this operation takes no query parameters');
    const headers = validators.headers
      ? check(
          'headers',
          validators.headers,
          Object.fromEntries(
            declaredHeaders.flatMap((name) => {
              const value = req.headers[name];
              return typeof value === 'string' ? [[name, value]] : [];
            }),
          ),
        )
      : {};
    const body = validators.body ? check('body', validators.body, req.body) : undefined;
    const result = await route.handler({
      params: params as never,
      query: query as never,
      headers: headers as never,
      body: body as never,
      user: res.locals.user as AuthUser | undefined,
      req,
      res,
    });
    if (res.headersSent || res.writableEnded) return;
    if (result === undefined) res.status(route.status ?? 204).end();
    else res.status(route.status ?? 200).json(result);
  };

  return [guard(authenticate), guard(authorise), parse, guard(handle)];
}

/** Runs one async step; a throw goes to the error handler, success to the next step. */
function guard(step: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    step(req, res).then(() => {
      if (!res.headersSent) next();
    }, next);
  };
}

export function createGatewayApp(deps: AppDeps): express.Express {
  const { config, metrics } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('trust proxy', config.trustProxy);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: { 'img-src': ["'self'", 'data:'], 'connect-src': ["'self'"] },
      },
    }),
  );
  app.use(cors({ origin: [...config.corsOrigins], credentials: false, maxAge: 600 }));

  // One log line and one metric per request, labelled with the route template (paths carry ids).
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const route = (res.locals.routeTemplate as string | undefined) ?? 'unmatched';
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.observe(req.method, route, res.statusCode, seconds);
      deps.logger.info(
        { method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1000) },
        'request',
      );
    });
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.locals.routeTemplate = '/healthz';
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    res.locals.routeTemplate = '/readyz';
    const components = await deps.readiness();
    const ready = Object.values(components).every(Boolean);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'degraded', components });
  });
  app.get('/metrics', async (_req, res) => {
    res.locals.routeTemplate = '/metrics';
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  const openApi = openApiDocument(deps.routes, { version: deps.version });
  app.get(`${API_BASE}/openapi.json`, (_req, res) => {
    res.locals.routeTemplate = `${API_BASE}/openapi.json`;
    res.json(openApi);
  });

  // Answers of the API and of FHIR carry patient data or tokens: no browser, proxy or shared cache may keep them.
  for (const base of [API_BASE, FHIR_BASE])
    app.use(base, (_req, res, next) => {
      res.set('Cache-Control', 'no-store');
      next();
    });
  app.use(AUTH_PREFIX, limiter(config.authRateLimit));
  app.use(API_BASE, limiter(config.apiRateLimit));
  for (const route of deps.routes) {
    const template = fullPath(route);
    app[route.method](
      template,
      (_req, res, next) => {
        res.locals.routeTemplate = template;
        next();
      },
      ...routeHandler(route, deps),
    );
  }
  app.use(API_BASE, (_req, _res, next) => next(new GatewayError('NOT_FOUND', 'no such API route')));
  app.use(FHIR_BASE, (_req, _res, next) => next(new GatewayError('NOT_FOUND', 'no such FHIR operation')));

  if (config.portalDir !== undefined && existsSync(path.join(config.portalDir, 'index.html'))) {
    const portal = config.portalDir;
    app.use(express.static(portal, { index: 'index.html', maxAge: '1h' }));
    // The portal routes in the browser: any other GET page is the app itself.
    app.get(/^\/(?!api\/|fhir\/|metrics|healthz|readyz).*/, (_req, res) =>
      res.sendFile(path.join(portal, 'index.html')),
    );
  }
  app.use(errorHandler(deps.logger));
  return app;
}
