/** Envelope encryption of one object: a fresh data key sealed into the stream, stored wrapped. */
import type { KeyProvider, WrappedKey } from './key-provider';
import { generateDataKey } from './key-provider';
import { OpenStream } from './open-stream';
import { SealStream } from './seal-stream';

export interface Sealer {
  readonly stream: SealStream;
  readonly key: WrappedKey;
}

/** A sealing stream for object `objectId` owned by `owner`, and its wrapped data key to store. */
export async function createSealer(
  keys: KeyProvider,
  owner: string,
  objectId: string,
  chunkSize?: number,
): Promise<Sealer> {
  const dataKey = generateDataKey();
  const key = await keys.wrap(owner, dataKey, objectId);
  const stream = new SealStream(dataKey, {
    context: objectId,
    ...(chunkSize === undefined ? {} : { chunkSize }),
  });
  dataKey.fill(0);
  return { stream, key };
}

export async function createOpener(
  keys: KeyProvider,
  key: WrappedKey,
  objectId: string,
): Promise<OpenStream> {
  const dataKey = await keys.unwrap(key, objectId);
  const stream = new OpenStream(dataKey, { context: objectId });
  dataKey.fill(0);
  return stream;
}
