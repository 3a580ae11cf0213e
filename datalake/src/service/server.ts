/** Starts the data-lake service: storage (embedded s3rver unless MinIO is configured), zones, index, sweeper, HTTP. */
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pino from 'pino';
import type { Logger } from 'pino';
import { AssemblyService } from '../assembly/assemble';
import { TemporaryRecords } from '../assembly/open';
import { FileKeyProvider } from '../crypto/file-key-provider';
import { readKeyFile } from '../crypto/key-file';
import type { KeyProvider } from '../crypto/key-provider';
import { KeyedHash } from '../crypto/keyed-hash';
import { Keyring, Keyrings } from '../crypto/keyring';
import { DatalakeError } from '../errors';
import { loadFhirDefinitions } from '../ingest/fhir-validation';
import { collectStartupGarbage } from './startup-garbage';
import { IngestJobs } from '../ingest/ingest-jobs';
import { IngestService } from '../ingest/ingest-service';
import { recoverUploads } from '../ingest/recovery';
import type { RecoveryReport } from '../ingest/recovery';
import type { LedgerActor, LedgerEventSource, LedgerPort } from '../ledger/port';
import { RevocationListener } from '../ledger/revocation-listener';
import { ConfiguredOrganisations } from '../residency/organisations';
import type { OrganisationCountries } from '../residency/organisations';
import { residencyReport } from '../residency/report';
import { StorageLocations } from '../storage/locations';
import { MinioObjectStore } from '../storage/minio-store';
import type { RunningS3Server } from '../storage/embedded/s3-server';
import { ConsumerZone } from '../zones/consumer';
import { ContextZone } from '../zones/context';
import { CuratedLeftovers } from '../zones/curated';
import { PatientIdentifications } from '../zones/identification';
import { SealedDocuments } from '../zones/documents';
import { JobDocuments } from '../zones/job-documents';
import { Erasure } from '../zones/erasure';
import { DeliveryManifests } from '../zones/manifests';
import { PendingUploads } from '../zones/pending';
import { RecordIndex, RecordIndexes } from '../zones/record-index';
import { SealedObjects } from '../zones/sealed-objects';
import { OpenWorkers } from '../open-workers/pool';
import { PatientDirectory, StructuredZone } from '../zones/structured';
import { ExpirySweeper } from '../zones/sweeper';
import { createApp } from './app';
import { MAX_DOCUMENT_REFERENCE_HEADER } from './document-header';
import type { DatalakeConfig } from './config';

const LINK_TTL_MS = 15 * 60_000;
const REVOCATION_RETRY_MS = 2_000;
export const LINK_SECRET_FILE = 'link-secret.key';
/** The lake's HMAC key of source ids and patient tokens, when CUSTODIA_DATALAKE_HASH_KEY is not set. */
export const HASH_KEY_FILE = 'hash.key';
const MAX_HEADER_BYTES = MAX_DOCUMENT_REFERENCE_HEADER + 16 * 1024;
/** A key that never exists: its stat answers "not found" while the storage is up. */
const HEALTH_PROBE_KEY = 'health/probe';

export interface DatalakeDeps {
  readonly ledger: LedgerPort;
  /**
   * The lake's own ledger identity (role admin), which reads record registrations; default `config.serviceActor`.
   * Without either, no assembly.
   */
  readonly serviceActor?: LedgerActor;
  /** The ledger's chaincode events: with `serviceActor`, revoked grants' records are deleted as revocations commit. */
  readonly events?: LedgerEventSource;
  /** HMAC secret of binary links; default `<dataDir>/link-secret.key`, created once (0600), so links survive restarts. */
  readonly linkSecret?: Buffer;
  readonly logger?: Logger;
  /** The organisations' key-encryption keys of a location (a KMS, say); default key files in `<keyDir>/<CC>`. */
  readonly keys?: (country: string) => KeyProvider;
  /** Where organisations' data lives; default the configuration's (`CUSTODIA_ORGANISATIONS`). */
  readonly organisations?: OrganisationCountries;
  readonly now?: () => Date;
}

export interface RunningDatalake {
  readonly url: string;
  readonly s3?: RunningS3Server;
  readonly locations: StorageLocations;
  readonly keyrings: Keyrings;
  readonly index: RecordIndexes;
  readonly structured: StructuredZone;
  readonly patients: PatientDirectory;
  readonly consumer: ConsumerZone;
  /** What recovery at start did with uploads a stop interrupted. */
  readonly recovered: RecoveryReport;
  /** The grants' temporary records (open, assemble, binaries): absent without the lake's own ledger identity. */
  readonly records?: TemporaryRecords;
  readonly revocations?: RevocationListener;
  readonly sweeper: ExpirySweeper;
  /** The worker threads binaries are opened on. */
  readonly openWorkers: OpenWorkers;
  close(): Promise<void>;
}

export async function startDatalake(config: DatalakeConfig, deps: DatalakeDeps): Promise<RunningDatalake> {
  const logger =
    deps.logger ?? pino({ name: 'datalake', level: config.logLevel, redact: ['req.headers.authorization'] });
  const serviceActor = deps.serviceActor ?? config.serviceActor;
  const now = deps.now ?? (() => new Date());
  loadFhirDefinitions();
  collectStartupGarbage();
  let s3: RunningS3Server | undefined;
  if (config.embeddedS3 !== undefined) {
    // Loaded only when it runs: s3rver, and Koa under it, hold some 8 MB of heap that a lake on MinIO never uses.
    const { startS3Server } = await import('../storage/embedded/s3-server');
    s3 = await startS3Server({ ...config.embeddedS3, logger: logger.child({ service: 'embedded-s3' }) });
  }
  const defaultEndpoint =
    config.locations.endpoint ?? (s3 === undefined ? undefined : { url: s3.endpoint, ...s3.credentials });
  if (defaultEndpoint === undefined) throw new DatalakeError('INVALID_INPUT', 'no S3 endpoint configured');
  // The one place the source of organisations' countries is chosen (the on-chain registry will replace it).
  const organisations = deps.organisations ?? new ConfiguredOrganisations(config.organisations);
  const locations = new StorageLocations(
    {
      endpoint: defaultEndpoint,
      ...(config.locations.bucketPrefix === undefined ? {} : { bucketPrefix: config.locations.bucketPrefix }),
      countries: config.locations.countries,
      required: organisations.countries(),
    },
    (endpoint) => new MinioObjectStore(endpoint),
  );
  await locations.ensureBuckets();
  const lakeOwner = config.serviceKeyOwner;
  const tokens = new KeyedHash(
    config.hashKey ?? ((await readKeyFile(path.join(config.dataDir, HASH_KEY_FILE), true)) as Buffer),
  );
  const keyrings = new Keyrings(
    new Map(
      locations.all().map((location) => {
        const directory =
          config.locations.countries[location.country]?.keyDir ?? path.join(config.keyDir, location.country);
        const kek =
          deps.keys?.(location.country) ?? new FileKeyProvider({ directory, create: config.createKeys });
        return [
          location.country,
          new Keyring({ country: location.country, kek, directory, tokens, lakeOwner }),
        ];
      }),
    ),
  );
  const documents = new SealedDocuments(keyrings);
  // Binaries are opened on worker threads (created at the first download), documents in this one.
  const openWorkers = new OpenWorkers({ logger });
  const sealed = new SealedObjects(keyrings, undefined, openWorkers);
  const structured = new StructuredZone(locations, documents);
  const index = new RecordIndexes(
    new Map(
      locations.all().map((location) => {
        const directory =
          config.locations.countries[location.country]?.indexDir ??
          path.join(config.dataDir, 'index', location.country);
        return [location.country, new RecordIndex(directory, location.country, documents, tokens)];
      }),
    ),
  );
  await index.open();
  const patients = new PatientDirectory(locations, documents, tokens, lakeOwner);
  const identifications = new PatientIdentifications(documents, lakeOwner);
  const context = new ContextZone(locations, documents, tokens);
  const consumer = new ConsumerZone(locations, sealed, documents, keyrings, lakeOwner, (country) =>
    logger.warn({ location: country }, 'an expiry marker failed authentication; not acted on'),
  );
  const pending = new PendingUploads(locations, documents);
  const jobDocuments = new JobDocuments(locations, documents);
  const erasure = new Erasure({
    locations,
    keyrings,
    structured,
    pending,
    jobs: jobDocuments,
    index,
    patients,
    consumer,
    context,
    identifications,
    now,
  });
  const ingest = new IngestService({
    locations,
    structured,
    index,
    sealed,
    pending,
    context,
    ledger: deps.ledger,
    tokens,
    now,
  });
  const jobs = new IngestJobs({
    ingest,
    documents: jobDocuments,
    sealed,
    locations,
    limits: {
      maxEntryBytes: config.maxJsonBytes,
      maxMemberBytes: config.maxJsonBytes,
      maxBundleBytes: config.maxBundleBytes,
    },
    logger,
    now,
    resumeTtlMs: config.uploadTtlMs,
  });
  const interrupted = await jobs.recover();
  if (interrupted > 0) logger.warn({ jobs: interrupted }, 'upload jobs interrupted by the last stop');
  const recovered = await recoverUploads({
    locations,
    pending,
    structured,
    index,
    sealed,
    ingest,
    ledger: deps.ledger,
    logger,
  });
  if (recovered.completed + recovered.removed + recovered.left > 0)
    logger.warn({ ...recovered }, 'uploads interrupted by the last stop recovered');
  const manifests = new DeliveryManifests(locations, documents);
  const linkSecret =
    deps.linkSecret ?? ((await readKeyFile(path.join(config.dataDir, LINK_SECRET_FILE), true)) as Buffer);
  const records =
    serviceActor === undefined
      ? undefined
      : new TemporaryRecords({
          ledger: deps.ledger,
          serviceActor,
          patients,
          consumer,
          now,
          assembly: new AssemblyService({
            ledger: deps.ledger,
            serviceActor,
            locations,
            index,
            structured,
            patients,
            identifications,
            context,
            sealed,
            consumer,
            manifests,
            serviceKeyOwner: lakeOwner,
            linkSecret,
            linkTtlMs: LINK_TTL_MS,
            linkBase: config.linkBase,
            now,
            logger,
          }),
        });
  const sweeper = new ExpirySweeper(consumer, new CuratedLeftovers(locations), {
    intervalMs: config.sweepIntervalMs,
    now,
    logger,
  });
  await sweeper.start();
  await mkdir(config.dataDir, { recursive: true });
  const revocations =
    deps.events === undefined || serviceActor === undefined
      ? undefined
      : new RevocationListener({
          events: deps.events,
          actor: serviceActor,
          consumer,
          checkpointFile: path.join(config.dataDir, 'revocation-checkpoint.json'),
          logger,
          retryMs: REVOCATION_RETRY_MS,
        });
  revocations?.start();

  const app = createApp({
    serviceToken: config.serviceToken,
    maxJsonBytes: config.maxJsonBytes,
    maxBinaryBytes: config.maxBinaryBytes,
    syncBundleEntries: config.syncBundleEntries,
    ingest,
    jobs,
    patients,
    identifications,
    erasure,
    manifests,
    ledger: deps.ledger,
    organisations,
    tokens,
    residency: () =>
      residencyReport({ locations, structured, jobs: jobDocuments, pending, consumer, index, now }),
    probeStorage: async () => {
      await Promise.all(
        locations
          .all()
          .map((location) => location.store.stat(location.bucket('structured'), HEALTH_PROBE_KEY)),
      );
    },
    ...(records === undefined ? {} : { records, linkSecret }),
    ...(serviceActor === undefined ? {} : { serviceActor }),
    logger,
    now,
  });
  // Room for a DocumentReference in the Custodia-Document-Reference header (see document-header.ts).
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  logger.info({ port }, 'data lake listening');
  return {
    url: `http://${config.host}:${port}`,
    ...(s3 === undefined ? {} : { s3 }),
    locations,
    keyrings,
    index,
    structured,
    patients,
    consumer,
    recovered,
    ...(records === undefined ? {} : { records }),
    ...(revocations === undefined ? {} : { revocations }),
    sweeper,
    openWorkers,
    close: async () => {
      await sweeper.stop();
      await revocations?.stop();
      await jobs.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await openWorkers.close();
      await index.close();
      await s3?.close();
    },
  };
}
