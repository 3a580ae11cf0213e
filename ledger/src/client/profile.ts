import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import Ajv from 'ajv';
import type { JSONSchemaType } from 'ajv';
import { LedgerClientError, LedgerClientErrorCode } from './errors';

/** One gateway peer a client may talk to. */
export interface PeerEndpoint {
  /** host:port of the peer's gRPC (Gateway + Deliver) service. */
  readonly endpoint: string;
  /** The organisation running the peer. */
  readonly mspId: string;
  /** PEM of the CA that issued the peer's TLS certificate. */
  readonly tlsCaCertificate: string;
  /** TLS server name to check when it differs from the endpoint's host (e.g. `peer0.org1.example.com`). */
  readonly hostnameOverride?: string;
}

/** An organisation of the channel and where its users enrol (Fabric CA). */
export interface OrganisationProfile {
  readonly mspId: string;
  /** ISO 3166 alpha-2. */
  readonly country: string;
  readonly ca?: {
    readonly url: string;
    readonly caName: string;
    /** PEM the CA's HTTPS certificate chains to; absent for plain HTTP. */
    readonly tlsCaCertificate?: string;
  };
}

/** Everything a client needs to reach the ledger, whichever network serves it. */
export interface ConnectionProfile {
  readonly channelName: string;
  readonly chaincodeName: string;
  /** Tried in order; the client fails over to the next when one is unreachable. */
  readonly peers: readonly PeerEndpoint[];
  readonly organisations: readonly OrganisationProfile[];
  /**
   * The chaincode's endorsement policy over the organisations, when the network states it (a Fabric network's
   * `MAJORITY Endorsement`): the client then keeps endorsements away from organisations whose peers it found down
   * (`pool/endorsers.ts`). Absent: the gateway peer alone chooses endorsers.
   */
  readonly endorsementPolicy?: 'majority';
}

/** On disk, certificates may be inline PEM or a file path relative to the profile. */
interface PeerEndpointFile {
  endpoint: string;
  mspId: string;
  tlsCaCertificate?: string;
  tlsCaCertificateFile?: string;
  hostnameOverride?: string;
}

interface ConnectionProfileFile {
  channelName: string;
  chaincodeName: string;
  peers: PeerEndpointFile[];
  organisations?: OrganisationProfile[];
  endorsementPolicy?: 'majority';
}

const schema: JSONSchemaType<ConnectionProfileFile> = {
  type: 'object',
  required: ['channelName', 'chaincodeName', 'peers'],
  properties: {
    channelName: { type: 'string', pattern: '^[a-z][a-z0-9.-]*$' },
    chaincodeName: { type: 'string', minLength: 1 },
    peers: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['endpoint', 'mspId'],
        properties: {
          endpoint: { type: 'string', pattern: '^[^\\s:/]+:[0-9]{1,5}$' },
          mspId: { type: 'string', minLength: 1 },
          tlsCaCertificate: { type: 'string', nullable: true, pattern: '-----BEGIN CERTIFICATE-----' },
          tlsCaCertificateFile: { type: 'string', nullable: true, minLength: 1 },
          hostnameOverride: { type: 'string', nullable: true, minLength: 1 },
        },
        oneOf: [{ required: ['tlsCaCertificate'] }, { required: ['tlsCaCertificateFile'] }],
      },
    },
    organisations: {
      type: 'array',
      nullable: true,
      items: {
        type: 'object',
        required: ['mspId', 'country'],
        properties: {
          mspId: { type: 'string', minLength: 1 },
          country: { type: 'string', pattern: '^[A-Z]{2}$' },
          ca: {
            type: 'object',
            nullable: true,
            required: ['url', 'caName'],
            properties: {
              url: { type: 'string', pattern: '^https?://' },
              caName: { type: 'string', minLength: 1 },
              tlsCaCertificate: { type: 'string', nullable: true },
            },
          },
        },
      },
    },
    endorsementPolicy: { type: 'string', nullable: true, enum: ['majority'] },
  },
};

const validate = new Ajv({ allErrors: false }).compile(schema);

function invalid(message: string): LedgerClientError {
  return new LedgerClientError(LedgerClientErrorCode.InvalidConfig, message);
}

/** Validates a parsed profile; certificate files are resolved against `baseDir`. */
export async function parseConnectionProfile(value: unknown, baseDir: string): Promise<ConnectionProfile> {
  if (!validate(value)) {
    const first = validate.errors?.[0];
    throw invalid(`connection profile ${first?.instancePath || ''} ${first?.message ?? 'is invalid'}`.trim());
  }
  const peers = await Promise.all(
    value.peers.map(async (peer): Promise<PeerEndpoint> => {
      const tlsCaCertificate =
        peer.tlsCaCertificate ?? (await readFile(resolve(baseDir, peer.tlsCaCertificateFile ?? ''), 'utf8'));
      return {
        endpoint: peer.endpoint,
        mspId: peer.mspId,
        tlsCaCertificate,
        ...(peer.hostnameOverride ? { hostnameOverride: peer.hostnameOverride } : {}),
      };
    }),
  );
  return {
    channelName: value.channelName,
    chaincodeName: value.chaincodeName,
    peers,
    organisations: value.organisations ?? [],
    ...(value.endorsementPolicy === undefined ? {} : { endorsementPolicy: value.endorsementPolicy }),
  };
}

/** Reads and validates a connection profile (JSON) file. */
export async function readConnectionProfile(path: string): Promise<ConnectionProfile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new LedgerClientError(
      LedgerClientErrorCode.InvalidConfig,
      `connection profile ${path} cannot be read (is the network started?)`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid(`connection profile ${path} is not JSON`);
  }
  return parseConnectionProfile(parsed, dirname(path));
}
