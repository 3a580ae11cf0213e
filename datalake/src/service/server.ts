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
import { DatalakeError } from '../errors';
import { loadFhirDefinitions } from '../ingest/fhir-validation';
import { IngestJobs } from '../ingest/ingest-jobs';
import { IngestService } from '../ingest/ingest-service';
import type { LedgerActor, LedgerEventSource, LedgerPort } from '../ledger/port';
import { RevocationListener } from '../ledger/revocation-listener';
import { StorageLocations } from '../storage/locations';
import { MinioObjectStore } from '../storage/minio-store';
import { startS3Server } from '../storage/embedded/s3-server';
import type { RunningS3Server } from '../storage/embedded/s3-server';
import { ConsumerZone } from '../zones/consumer';
import { JobDocuments } from '../zones/job-documents';
import { Erasure } from '../zones/erasure';
import { DeliveryManifests } from '../zones/manifests';
import { RecordIndex } from '../zones/record-index';
import { SealedObjects } from '../zones/sealed-objects';
import { PatientDirectory, StructuredZone } from '../zones/structured';
import { ExpirySweeper } from '../zones/sweeper';
import { createApp } from './app';
import { MAX_DOCUMENT_REFERENCE_HEADER } from './document-header';
import type { DatalakeConfig } from './config';

const LINK_TTL_MS = 15 * 60_000;
const REVOCATION_RETRY_MS = 2_000;
export const LINK_SECRET_FILE = 'link-secret.key';
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
  /** Defaults to key files in `config.keyDir`. */
  readonly keys?: KeyProvider;
  readonly now?: () => Date;
}

export interface RunningDatalake {
  readonly url: string;
  readonly s3?: RunningS3Server;
  readonly locations: StorageLocations;
  readonly index: RecordIndex;
  readonly structured: StructuredZone;
  readonly consumer: ConsumerZone;
  /** The grants' temporary records (open, assemble, binaries): absent without the lake's own ledger identity. */
  readonly records?: TemporaryRecords;
  readonly revocations?: RevocationListener;
  readonly sweeper: ExpirySweeper;
  close(): Promise<void>;
}

export async function startDatalake(config: DatalakeConfig, deps: DatalakeDeps): Promise<RunningDatalake> {
  const logger =
    deps.logger ?? pino({ name: 'datalake', level: config.logLevel, redact: ['req.headers.authorization'] });
  const serviceActor = deps.serviceActor ?? config.serviceActor;
  const now = deps.now ?? (() => new Date());
  loadFhirDefinitions();
  const s3 =
    config.embeddedS3 === undefined
      ? undefined
      : await startS3Server({ ...config.embeddedS3, logger: logger.child({ service: 'embedded-s3' }) });
  const homeEndpoint =
    config.locations.home.endpoint ??
    (s3 === undefined ? undefined : { url: s3.endpoint, ...s3.credentials });
  if (homeEndpoint === undefined) throw new DatalakeError('INVALID_INPUT', 'no S3 endpoint configured');
  const locations = new StorageLocations(
    { ...config.locations, home: { ...config.locations.home, endpoint: homeEndpoint } },
    (endpoint) => new MinioObjectStore(endpoint),
  );
  await locations.ensureBuckets();
  const keys = deps.keys ?? new FileKeyProvider({ directory: config.keyDir, create: config.createKeys });
  const sealed = new SealedObjects(keys);
  const structured = new StructuredZone(locations);
  const index = new RecordIndex(path.join(config.dataDir, 'index'));
  await index.open();
  const patients = new PatientDirectory(locations);
  const consumer = new ConsumerZone(locations.homeLocation, sealed, config.serviceKeyOwner);
  const erasure = new Erasure(locations, structured, index, patients, consumer);
  const ingest = new IngestService({ locations, structured, index, sealed, ledger: deps.ledger, now });
  const jobs = new IngestJobs({
    ingest,
    documents: new JobDocuments(locations),
    sealed,
    locations,
    limits: {
      maxEntryBytes: config.maxJsonBytes,
      maxMemberBytes: config.maxJsonBytes,
      maxBundleBytes: config.maxBundleBytes,
    },
    logger,
    now,
  });
  const interrupted = await jobs.recover();
  if (interrupted > 0) logger.warn({ jobs: interrupted }, 'upload jobs interrupted by the last stop');
  const manifests = new DeliveryManifests(locations.homeLocation);
  const linkSecret =
    deps.linkSecret ?? ((await readKeyFile(path.join(config.dataDir, LINK_SECRET_FILE), true)) as Buffer);
  const records =
    serviceActor === undefined
      ? undefined
      : new TemporaryRecords({
          ledger: deps.ledger,
          serviceActor,
          consumer,
          now,
          assembly: new AssemblyService({
            ledger: deps.ledger,
            serviceActor,
            locations,
            index,
            sealed,
            consumer,
            manifests,
            serviceKeyOwner: config.serviceKeyOwner,
            linkSecret,
            linkTtlMs: LINK_TTL_MS,
            linkBase: config.linkBase,
            now,
          }),
        });
  const sweeper = new ExpirySweeper(consumer, { intervalMs: config.sweepIntervalMs, now, logger });
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
    erasure,
    manifests,
    ledger: deps.ledger,
    probeStorage: async () => {
      const home = locations.homeLocation;
      await home.store.stat(home.bucket('structured'), HEALTH_PROBE_KEY);
    },
    ...(records === undefined ? {} : { records, linkSecret }),
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
    index,
    structured,
    consumer,
    ...(records === undefined ? {} : { records }),
    ...(revocations === undefined ? {} : { revocations }),
    sweeper,
    close: async () => {
      await sweeper.stop();
      await revocations?.stop();
      await jobs.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await index.close();
      await s3?.close();
    },
  };
}
