export { DatalakeClient, isUploadJob } from './client';
export type {
  BinaryDownload,
  BinaryLinkQuery,
  DatalakeActor,
  DatalakeClientOptions,
  StoredManifest,
  UploadAccepted,
  UploadAnswer,
} from './client';
