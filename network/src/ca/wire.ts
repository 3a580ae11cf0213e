import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import type { AttributeRequest } from './ecert-attributes';

/**
 * Request bodies of the Fabric CA REST API (the JSON field names are Fabric CA's), validated once at the
 * edge. Unknown fields are ignored, as Go's encoding/json does, so newer clients keep working.
 */

export interface CaNameBody {
  readonly caname?: string;
}

export interface EnrollBody extends CaNameBody {
  readonly certificate_request: string;
  readonly profile?: string;
  readonly attr_reqs?: readonly AttributeRequest[] | null;
  readonly hosts?: readonly string[] | null;
}

export interface RegisterBody extends CaNameBody {
  readonly id: string;
  readonly type?: string;
  readonly secret?: string;
  readonly max_enrollments?: number;
  readonly affiliation?: string;
  readonly attrs?:
    readonly { readonly name: string; readonly value: string; readonly ecert?: boolean }[] | null;
}

export interface RevokeBody extends CaNameBody {
  readonly id?: string | null;
  readonly aki?: string | null;
  readonly serial?: string | null;
  readonly reason?: string | null;
  readonly gencrl?: boolean | null;
}

export interface GenCrlBody extends CaNameBody {
  readonly revokedBefore?: string | null;
  readonly revokedAfter?: string | null;
  readonly expireBefore?: string | null;
  readonly expireAfter?: string | null;
}

const nullableString = { type: ['string', 'null'] } as const;
const nullableDate = { type: ['string', 'null'], format: 'date-time' } as const;
const caname = { type: 'string' } as const;
const attrReqs = {
  type: ['array', 'null'],
  items: {
    type: 'object',
    required: ['name'],
    properties: { name: { type: 'string', minLength: 1 }, optional: { type: 'boolean' } },
  },
} as const;
const hosts = { type: ['array', 'null'], items: { type: 'string' } } as const;

const ajv = new Ajv({ allErrors: false });
// Only the date-time format is needed; a small check avoids another dependency.
ajv.addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)));

export const validateCaNameBody: ValidateFunction<CaNameBody> = ajv.compile<CaNameBody>({
  type: 'object',
  properties: { caname },
});

export const validateEnrollBody: ValidateFunction<EnrollBody> = ajv.compile<EnrollBody>({
  type: 'object',
  required: ['certificate_request'],
  properties: {
    caname,
    certificate_request: { type: 'string', minLength: 1 },
    profile: { type: 'string' },
    attr_reqs: attrReqs,
    hosts,
  },
});

export const validateRegisterBody: ValidateFunction<RegisterBody> = ajv.compile<RegisterBody>({
  type: 'object',
  required: ['id'],
  properties: {
    caname,
    id: { type: 'string', minLength: 1, maxLength: 256 },
    type: { type: 'string' },
    secret: { type: 'string' },
    max_enrollments: { type: 'integer', minimum: -1 },
    affiliation: { type: 'string' },
    attrs: {
      type: ['array', 'null'],
      items: {
        type: 'object',
        required: ['name', 'value'],
        properties: {
          name: { type: 'string', minLength: 1 },
          value: { type: 'string' },
          ecert: { type: 'boolean' },
        },
      },
    },
  },
});

export const validateRevokeBody: ValidateFunction<RevokeBody> = ajv.compile<RevokeBody>({
  type: 'object',
  properties: {
    caname,
    id: nullableString,
    aki: nullableString,
    serial: nullableString,
    reason: nullableString,
    gencrl: { type: ['boolean', 'null'] },
  },
});

export const validateGenCrlBody: ValidateFunction<GenCrlBody> = ajv.compile<GenCrlBody>({
  type: 'object',
  properties: {
    caname,
    revokedBefore: nullableDate,
    revokedAfter: nullableDate,
    expireBefore: nullableDate,
    expireAfter: nullableDate,
  },
});

/** Fabric CA's success envelope (cfssl api.Response). */
export interface SuccessEnvelope<T> {
  readonly success: true;
  readonly result: T;
  readonly errors: [];
  readonly messages: [];
}

export interface ErrorEnvelope {
  readonly success: false;
  readonly result: null;
  readonly errors: { readonly code: number; readonly message: string }[];
  readonly messages: [];
}

export interface CaInfoResult {
  readonly CAName: string;
  /** base64 of the PEM chain (root first). */
  readonly CAChain: string;
  readonly IssuerPublicKey: string;
  readonly IssuerRevocationPublicKey: string;
  readonly Version: string;
}

export interface EnrollResult {
  /** base64 of the PEM certificate. */
  readonly Cert: string;
  readonly ServerInfo: CaInfoResult;
}

export interface RevokeResult {
  readonly RevokedCerts: { readonly Serial: string; readonly AKI: string }[];
  /** base64 of a PEM CRL when `gencrl` was asked, else empty. */
  readonly CRL: string;
}
