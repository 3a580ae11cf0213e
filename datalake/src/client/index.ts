export { DatalakeClient } from './client';
export type {
  BinaryDownload,
  BinaryLinkQuery,
  DatalakeActor,
  DatalakeClientOptions,
  StoredManifest,
} from './client';
