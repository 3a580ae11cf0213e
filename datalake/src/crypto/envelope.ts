/**
 * Envelope encryption of one object: a fresh data key sealed into the stream, stored wrapped by the patient's key
 * and bound to `context` (where the object lives), so a wrapped key moved to another object, record or patient
 * does not open.
 */
import { generateDataKey } from './key-provider';
import { unwrapDataKey, wrapDataKey } from './keyring';
import type { PatientKey } from './keyring';
import { OpenStream } from './open-stream';
import { SealStream } from './seal-stream';

export interface Sealer {
  readonly stream: SealStream;
  /** The data key wrapped by the patient key (base64url), to store apart from the object. */
  readonly wrapped: string;
}

export function createSealer(key: PatientKey, context: string, chunkSize?: number): Sealer {
  const dataKey = generateDataKey();
  const wrapped = wrapDataKey(key, dataKey, context);
  const stream = new SealStream(dataKey, { context, ...(chunkSize === undefined ? {} : { chunkSize }) });
  dataKey.fill(0);
  return { stream, wrapped };
}

export function createOpener(key: PatientKey, wrapped: string, context: string): OpenStream {
  const dataKey = unwrapDataKey(key, wrapped, context);
  const stream = new OpenStream(dataKey, { context });
  dataKey.fill(0);
  return stream;
}
