import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import Ajv from 'ajv';
import type { JSONSchemaType } from 'ajv';
import { DEFAULT_NETWORK_DIR } from '@custodia/ledger';

/** An organisation (a hospital) of the channel: its MSP, its country and its CA. */
export interface EmbeddedOrganisation {
  readonly mspId: string;
  /** ISO 3166 alpha-2. */
  readonly country: string;
  /** Port of its Fabric-CA-compatible enrolment server; 0 picks a free one. */
  readonly caPort: number;
}

export interface EmbeddedNetworkConfig {
  /** Everything persistent lives here: CAs, TLS CA, ledger, the connection profile. */
  readonly dataDir: string;
  readonly host: string;
  /** gRPC port of the peer (Gateway + Deliver); 0 picks a free one. */
  readonly peerPort: number;
  readonly channelName: string;
  readonly chaincodeName: string;
  /** The first organisation runs the gateway peer. */
  readonly organisations: readonly EmbeddedOrganisation[];
  /**
   * Block cutting: at this many transactions, or this long after the first one waited — at once when that one
   * found no block cut for this long (ledger/committer.ts).
   */
  readonly batch: { readonly maxMessageCount: number; readonly timeoutMs: number };
  /** The CAs' bootstrap registrar; without a secret, one is generated on first start and kept in the data dir. */
  readonly registrar: { readonly id: string; readonly secret?: string };
}

/** The settings a config file (CUSTODIA_NETWORK_CONFIG) may give; everything is optional. */
export type EmbeddedNetworkSettings = Partial<
  Omit<EmbeddedNetworkConfig, 'organisations' | 'batch' | 'registrar'>
> & {
  readonly organisations?: readonly EmbeddedOrganisation[];
  readonly batch?: Partial<EmbeddedNetworkConfig['batch']>;
  readonly registrar?: Partial<EmbeddedNetworkConfig['registrar']>;
};

/** The three hospitals of network/fabric/configtx.yaml, with Fabric's conventional ports. */
export const DEFAULT_ORGANISATIONS: readonly EmbeddedOrganisation[] = [
  { mspId: 'HospitalDEMSP', country: 'DE', caPort: 7054 },
  { mspId: 'HospitalFRMSP', country: 'FR', caPort: 8054 },
  { mspId: 'HospitalITMSP', country: 'IT', caPort: 9054 },
];

export class EmbeddedConfigError extends Error {
  override readonly name = 'EmbeddedConfigError';
  readonly code = 'EMBEDDED_CONFIG_INVALID';
}

type MutableSettings = {
  dataDir?: string;
  host?: string;
  peerPort?: number;
  channelName?: string;
  chaincodeName?: string;
  organisations?: EmbeddedOrganisation[];
  batch?: { maxMessageCount?: number; timeoutMs?: number };
  registrar?: { id?: string; secret?: string };
};

const port = { type: 'integer', minimum: 0, maximum: 65535 } as const;

const schema: JSONSchemaType<MutableSettings> = {
  type: 'object',
  additionalProperties: false,
  properties: {
    dataDir: { type: 'string', nullable: true, minLength: 1 },
    host: { type: 'string', nullable: true, enum: ['127.0.0.1', 'localhost'] },
    peerPort: { ...port, nullable: true },
    channelName: { type: 'string', nullable: true, pattern: '^[a-z][a-z0-9.-]{0,248}$' },
    chaincodeName: { type: 'string', nullable: true, pattern: '^[A-Za-z0-9_-]+$' },
    organisations: {
      type: 'array',
      nullable: true,
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['mspId', 'country', 'caPort'],
        properties: {
          mspId: { type: 'string', pattern: '^[A-Za-z0-9.-]+$' },
          country: { type: 'string', pattern: '^[A-Z]{2}$' },
          caPort: port,
        },
      },
    },
    batch: {
      type: 'object',
      nullable: true,
      additionalProperties: false,
      properties: {
        maxMessageCount: { type: 'integer', nullable: true, minimum: 1, maximum: 10_000 },
        timeoutMs: { type: 'integer', nullable: true, minimum: 1, maximum: 60_000 },
      },
    },
    registrar: {
      type: 'object',
      nullable: true,
      additionalProperties: false,
      properties: {
        id: { type: 'string', nullable: true, minLength: 1 },
        secret: { type: 'string', nullable: true, minLength: 8 },
      },
    },
  },
};

const validate = new Ajv({ allErrors: false }).compile(schema);

/** Applies defaults to `settings` and validates the result; throws EmbeddedConfigError. */
export function resolveEmbeddedConfig(settings: EmbeddedNetworkSettings = {}): EmbeddedNetworkConfig {
  const copy = JSON.parse(JSON.stringify(settings)) as unknown;
  if (!validate(copy)) {
    const first = validate.errors?.[0];
    throw new EmbeddedConfigError(
      `network configuration ${first?.instancePath || ''} ${first?.message ?? 'is invalid'}`,
    );
  }
  const organisations = copy.organisations ?? [...DEFAULT_ORGANISATIONS];
  const mspIds = new Set(organisations.map((organisation) => organisation.mspId));
  if (mspIds.size !== organisations.length)
    throw new EmbeddedConfigError('organisation MSP ids must be unique');
  const secret = copy.registrar?.secret;
  return {
    dataDir: resolve(copy.dataDir ?? DEFAULT_NETWORK_DIR),
    host: copy.host ?? '127.0.0.1',
    peerPort: copy.peerPort ?? 7051,
    channelName: copy.channelName ?? 'custodia',
    chaincodeName: copy.chaincodeName ?? 'custodia',
    organisations,
    batch: { maxMessageCount: copy.batch?.maxMessageCount ?? 500, timeoutMs: copy.batch?.timeoutMs ?? 20 },
    registrar: { id: copy.registrar?.id ?? 'admin', ...(secret ? { secret } : {}) },
  };
}

function integer(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new EmbeddedConfigError(`${name} must be an integer`);
  return value;
}

/**
 * The embedded network's configuration: CUSTODIA_NETWORK_CONFIG (a JSON file of EmbeddedNetworkSettings), then
 * CUSTODIA_NETWORK_DIR, CUSTODIA_PEER_PORT and CUSTODIA_CA_ADMIN_SECRET over it, then defaults.
 */
export async function readEmbeddedConfig(
  env: NodeJS.ProcessEnv = process.env,
): Promise<EmbeddedNetworkConfig> {
  let settings: EmbeddedNetworkSettings = {};
  if (env.CUSTODIA_NETWORK_CONFIG) {
    try {
      settings = JSON.parse(await readFile(env.CUSTODIA_NETWORK_CONFIG, 'utf8')) as EmbeddedNetworkSettings;
    } catch {
      throw new EmbeddedConfigError('CUSTODIA_NETWORK_CONFIG does not name a readable JSON file');
    }
  }
  const peerPort = integer(env, 'CUSTODIA_PEER_PORT');
  return resolveEmbeddedConfig({
    ...settings,
    ...(env.CUSTODIA_NETWORK_DIR ? { dataDir: env.CUSTODIA_NETWORK_DIR } : {}),
    ...(peerPort !== undefined ? { peerPort } : {}),
    ...(env.CUSTODIA_CA_ADMIN_SECRET
      ? { registrar: { ...settings.registrar, secret: env.CUSTODIA_CA_ADMIN_SECRET } }
      : {}),
  });
}
