/** @custodia/datalake: the data-lake service and its building blocks. */
export * from './errors';
export type {
  EventPosition,
  LedgerActor,
  LedgerEvent,
  LedgerEventSource,
  LedgerEventStream,
  LedgerPort,
} from './ledger/port';
export { RevocationListener, revokedGrantIds } from './ledger/revocation-listener';
export type { RevocationListenerDeps } from './ledger/revocation-listener';
export { FabricLedgerPort } from './ledger/fabric-port';
export type { FabricLedgerOptions } from './ledger/fabric-port';
export { WalletIdentities } from './ledger/identity';
export type { IdentityResolver } from './ledger/identity';
export * from './crypto';
export { startS3Server, EMBEDDED_S3_REGION } from './storage/embedded/s3-server';
export type { RunningS3Server, S3ServerOptions } from './storage/embedded/s3-server';
export { startS3ServerOnThread } from './storage/embedded/on-thread';
export type { S3ServerOnThread, S3ServerThreadData } from './storage/embedded/on-thread';
export type { S3Credentials } from './storage/sigv4';
export { MinioObjectStore, DEFAULT_PART_SIZE } from './storage/minio-store';
export type { S3Endpoint } from './storage/minio-store';
export type { ObjectInfo, ObjectStore, PutOptions } from './storage/object-store';
export { StorageLocations, ZONES, bucketName } from './storage/locations';
export type { LocationSpec, LocationsConfig, StorageLocation, Zone } from './storage/locations';
export { ConfiguredOrganisations } from './residency/organisations';
export type { OrganisationCountries } from './residency/organisations';
export { residencyReport } from './residency/report';
export type { HeldData, LocationResidency, ResidencyReport } from './residency/report';
export { loadFhirDefinitions, validateFhir } from './ingest/fhir-validation';
export type { FhirIssue } from './ingest/fhir-validation';
export {
  categoriesOf,
  derivedCategories,
  explicitCategories,
  CATEGORY_TAG_SYSTEM,
} from './ingest/categories';
export * from './labelling';
export { jsonDepthExceeds, MAX_JSON_DEPTH } from './json/depth';
export { canonicalJson } from './json/canonical';
export { planFhirRecords } from './ingest/fhir-records';
export type { FhirUploadPlan, PlannedRecord, SkippedEntry } from './ingest/fhir-records';
export { recordIdFor } from './ingest/record-id';
export { IngestService, sourceToken } from './ingest/ingest-service';
export { recoverUploads } from './ingest/recovery';
export type { RecoveryDeps, RecoveryReport } from './ingest/recovery';
export type { IngestDeps, IngestedRecord, IngestResult, UploadContext } from './ingest/ingest-service';
export { layout } from './zones/layout';
export type { RecordDocument, RecordState, SealedObjectRef } from './zones/record-document';
export { SealedObjects } from './zones/sealed-objects';
export { SealedDocuments } from './zones/documents';
export type { DocumentKey, OpenedDocument } from './zones/documents';
export { StructuredZone, PatientDirectory } from './zones/structured';
export { PendingUploads } from './zones/pending';
export type { PendingUpload } from './zones/pending';
export { RecordIndex, RecordIndexes } from './zones/record-index';
export { ConsumerZone } from './zones/consumer';
export { DeliveryManifests } from './zones/manifests';
export type { StoredManifestBytes } from './zones/manifests';
export type { ConsumerParty, ConsumerRecordMeta, ConsumerRecordSpec } from './zones/consumer';
export { ExpirySweeper } from './zones/sweeper';
export { JobDocuments, jobView, JOB_STATUSES } from './zones/job-documents';
export type { JobDocument, JobProgress, JobResult, JobStatus, JobView } from './zones/job-documents';
export { IngestJobs } from './ingest/ingest-jobs';
export { Erasure } from './zones/erasure';
export type { ErasureDeps, ErasureReport } from './zones/erasure';
export { AssemblyService } from './assembly/assemble';
export { rawTarget } from './assembly/content';
export type { AssemblyDeps, AssemblyResult } from './assembly/assemble';
export { buildPatientSummary, IPS_BUNDLE_PROFILE, SOURCE_ORGANISATION_PREFIX } from './assembly/ips-bundle';
export type { ContextResource, SummaryGrant, SummaryInput, SummaryRecord } from './assembly/ips-bundle';
export { CUSTODIA_PATIENT_SYSTEM } from './assembly/patient';
export { bold, escapeText, narrative, paragraph, text } from './assembly/narrative';
export type { Markup } from './assembly/narrative';
export type { PatientIdentification } from './assembly/patient';
export { releasedCategories, selectRecords } from './assembly/select';
export type { GrantScope, ReleasableRecord } from './assembly/select';
export { CATEGORY_SECTION, IPS_SECTIONS, REQUIRED_SECTIONS, sectionOf } from './assembly/sections';
export type { IpsSection, SectionId } from './assembly/sections';
export { signLink, verifyLink, binaryPath } from './assembly/links';
export { canonicalManifest, manifestHash } from './assembly/manifest';
export type { ExclusionReason, Manifest } from './assembly/manifest';
export { createApp } from './service/app';
export type { AppDeps } from './service/app';
export { ACTOR_HEADERS } from './service/actor';
export { loadConfig } from './service/config';
export type { CountryLocation, DatalakeConfig } from './service/config';
export { startDatalake, HASH_KEY_FILE, LINK_SECRET_FILE } from './service/server';
export { startDatalakeWithWallet } from './service/compose';
export type { WalletDatalakeDeps } from './service/compose';
export type { DatalakeDeps, RunningDatalake } from './service/server';
export * from './client/index';
export { readKeyFile } from './crypto/key-file';
