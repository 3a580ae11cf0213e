/**
 * A route is declared once: method, path, TypeBox schemas, who may call it (casbin decides by role; the
 * owner check adds "a patient acts on their own data only"). Validation, OpenAPI and authorisation all
 * read this one declaration.
 */
import type { Static, TObject, TSchema } from '@sinclair/typebox';
import type { Request, Response } from 'express';
import type { AuthUser } from '../identity/user';

export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

export interface RouteSchemas {
  readonly params?: TObject;
  readonly query?: TObject;
  /** Request headers the route reads, by lower-case name (others are ignored, as HTTP intends). */
  readonly headers?: TObject;
  readonly body?: TSchema;
  /** The 2xx JSON answer, documented in OpenAPI (not validated at run time). */
  readonly response?: TSchema;
}

type Input<S extends TSchema | undefined> = S extends TSchema ? Static<S> : Record<string, never>;

export interface RouteInput<S extends RouteSchemas> {
  readonly params: Input<S['params']>;
  readonly query: Input<S['query']>;
  readonly headers: Input<S['headers']>;
  readonly body: S['body'] extends TSchema ? Static<S['body']> : undefined;
  /** Absent only on public routes. */
  readonly user: AuthUser | undefined;
  readonly req: Request;
  readonly res: Response;
}

export interface RouteDef<S extends RouteSchemas = RouteSchemas> {
  readonly method: HttpMethod;
  /** Express path under the base, e.g. `/patients/:patientId/rules`. */
  readonly path: string;
  /** Default API_BASE; FHIR operations live under FHIR_BASE. */
  readonly base?: string;
  readonly summary: string;
  readonly tag: string;
  readonly schemas: S;
  /** `public`: no token needed (login, refresh). Default: a valid access token. */
  readonly access?: 'public' | 'user';
  /** For a patient caller, this path parameter must be their own ledger id. */
  readonly ownedBy?: keyof Static<NonNullable<S['params']>> & string;
  /**
   * `json` (default): a JSON body parsed up to the size limit and validated. `raw`: the handler streams the
   * request itself (binary parts, FHIR uploads) with `contentTypes` checked first.
   */
  readonly body?: 'json' | 'raw';
  /** Media types of the request body this route takes (default for JSON bodies: application/json). */
  readonly contentTypes?: readonly string[];
  /** Largest JSON body this route takes (413 beyond); default the gateway's CUSTODIA_MAX_JSON_BYTES. */
  readonly maxBodyBytes?: number;
  /** Status of a successful answer (default 200; 204 when the handler returns undefined). */
  readonly status?: number;
  /** Media type of the successful answer, for OpenAPI (default application/json). */
  readonly produces?: string;
  /** When the route may also answer 202 (work goes on in the background), what that answer means (OpenAPI). */
  readonly accepted?: string;
  /**
   * Returns the JSON answer, or `undefined` after writing the response itself (streams).
   */
  readonly handler: (input: RouteInput<S>) => Promise<unknown>;
}

/** Keeps the schema types of one route while collecting routes of different shapes in one list. */
export function defineRoute<S extends RouteSchemas>(route: RouteDef<S>): RouteDef {
  return route as unknown as RouteDef;
}

export const API_BASE = '/api/v1';
/** FHIR operations for FHIR clients; their failures answer OperationOutcome. */
export const FHIR_BASE = '/fhir';

export function fullPath(route: Pick<RouteDef, 'path' | 'base'>): string {
  return `${route.base ?? API_BASE}${route.path}`;
}
