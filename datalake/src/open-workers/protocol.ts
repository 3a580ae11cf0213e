/** The messages between the lake's main thread and a worker that opens sealed objects (see pool.ts). */
import type { DatalakeErrorCode } from '../errors';
import type { SignedGet } from '../storage/object-store';

/** Main thread → worker: open the sealed object `url` reads into `ring`, one stream of many. */
export interface OpenRequest {
  readonly type: 'open';
  readonly stream: number;
  /** The sealed object's GET, signed by the main thread (storage/signed-get.ts): a credential, never logged. */
  readonly read: SignedGet;
  /** The object's data key, transferred (the worker wipes it once its opener holds it). */
  readonly dataKey: Uint8Array;
  /** What the object was sealed with (its place), as the opener needs it. */
  readonly context: string;
  readonly ring: SharedArrayBuffer;
  readonly slotSize: number;
  readonly slots: number;
}

export type ToWorker =
  | OpenRequest
  /** The reader is done with `slot` (its socket write completed). */
  | { readonly type: 'free'; readonly stream: number; readonly slot: number }
  /** The reader went away: stop reading. */
  | { readonly type: 'cancel'; readonly stream: number };

export type FromWorker =
  /** The storage answered: the object is there and its bytes are coming. */
  | { readonly type: 'opened'; readonly stream: number }
  /** `length` bytes of authenticated plaintext in `slot`, the next in order. */
  | { readonly type: 'data'; readonly stream: number; readonly slot: number; readonly length: number }
  /** Every chunk was authenticated and handed out. */
  | { readonly type: 'end'; readonly stream: number }
  /** The stream failed (storage, authentication): a code of the lake's, never content. */
  | {
      readonly type: 'error';
      readonly stream: number;
      readonly code: DatalakeErrorCode;
      readonly message: string;
    }
  /** The worker holds nothing of the stream any more (its storage read is closed). */
  | { readonly type: 'closed'; readonly stream: number };
