/** @custodia/datalake: the data-lake service and its building blocks. */
export * from './errors';
export type { LedgerActor, LedgerPort } from './ledger/port';
export * from './crypto';
export { startS3Server, EMBEDDED_S3_CREDENTIALS } from './storage/s3-server';
export type { RunningS3Server, S3ServerOptions } from './storage/s3-server';
export { MinioObjectStore, DEFAULT_PART_SIZE } from './storage/minio-store';
export type { S3Endpoint } from './storage/minio-store';
export type { ObjectInfo, ObjectStore, PutOptions } from './storage/object-store';
export { StorageLocations, ZONES, bucketName } from './storage/locations';
export type { LocationSpec, LocationsConfig, StorageLocation, Zone } from './storage/locations';
