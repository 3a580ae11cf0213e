/**
 * The curated zone of one assembly: the records released to a grant, re-sealed for that grant under the lake's own
 * key of the patient in each location — one object per storage location (a record's copy stays in its own
 * location, so in its country), its resources one per line (NDJSON) in the order assembly read them. It is written
 * once, as assembly reads the records, never read back (assembly keeps what it read), and removed when assembly
 * ends.
 */
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { StorageLocation, StorageLocations } from '../storage/locations';
import { wholeIfSmall } from '../stream/whole-if-small';
import { layout } from './layout';
import { newObjectId } from './sealed-objects';
import type { SealedObjects } from './sealed-objects';

/**
 * Curated copies older than this are what an assembly left behind (it crashed, or its removal failed): an assembly
 * takes seconds, and a copy is never read, so removing one an assembly still holds costs nothing but the copy.
 */
export const CURATED_LEFTOVER_AGE_MS = 60 * 60_000;

/** A copy that ends within this size goes up in one request; a larger one streams as a multipart upload. */
const SINGLE_PUT_BYTES = 1024 * 1024;
const NEWLINE = Buffer.from('\n');

interface Copy {
  readonly location: StorageLocation;
  readonly input: PassThrough;
  readonly objectId: string;
  /** Settles when the sealed object is stored (or failed). */
  readonly written: Promise<void>;
  /** While the input is full: settles when it drains (or the upload fails); shared by every adder waiting. */
  drained?: Promise<unknown>;
}

export class CuratedCopy {
  private readonly copies = new Map<StorageLocation, Copy>();

  constructor(
    private readonly sealed: SealedObjects,
    private readonly grantId: string,
    /** The patient whose records these are: the lake's key of that patient seals the copy. */
    private readonly patientId: string,
    /** Key owner of the lake's own keys. */
    private readonly owner: string,
  ) {}

  /** Adds one released resource (its JSON bytes) to the copy in `location`; waits while the upload catches up. */
  async add(location: StorageLocation, resource: Buffer): Promise<void> {
    const copy = this.copyIn(location);
    const flowing = copy.input.write(resource) && copy.input.write(NEWLINE);
    if (flowing) return;
    // A failed upload never drains: its failure is the answer then. One wait for all adders (each its own would
    // put a listener per record read in flight on the stream).
    copy.drained ??= Promise.race([once(copy.input, 'drain'), copy.written]).finally(() => {
      copy.drained = undefined;
    });
    await copy.drained;
  }

  /** Ends every copy and waits until each is stored. */
  async close(): Promise<void> {
    for (const copy of this.copies.values()) copy.input.end();
    await Promise.all([...this.copies.values()].map((copy) => copy.written));
  }

  /** Removes every copy and its data key, whatever state it is in (the end of assembly, success or not). */
  async remove(): Promise<void> {
    const copies = [...this.copies.values()];
    for (const copy of copies) copy.input.destroy();
    await Promise.allSettled(copies.map((copy) => copy.written));
    await Promise.all(
      copies.map(async ({ location, objectId }) => {
        // The key first: from then on the object is unreadable, even if its own removal fails.
        await location.store.remove(location.bucket('keys'), [layout.curatedKey(this.grantId, objectId)]);
        await location.store.remove(location.bucket('curated'), [layout.curatedReleased(this.grantId)]);
      }),
    );
  }

  private copyIn(location: StorageLocation): Copy {
    const existing = this.copies.get(location);
    if (existing !== undefined) return existing;
    const input = new PassThrough();
    const objectId = newObjectId();
    const written = (async () => {
      const body = await wholeIfSmall(input, SINGLE_PUT_BYTES);
      await this.sealed.write(
        {
          location,
          zone: 'curated',
          objectKey: layout.curatedReleased(this.grantId),
          keyKey: layout.curatedKey(this.grantId, objectId),
          patientId: this.patientId,
          owner: this.owner,
          objectId,
        },
        body,
      );
    })();
    // Awaited by close() or remove(); a failure must not go unhandled meanwhile.
    written.catch(() => undefined);
    const copy = { location, input, objectId, written };
    this.copies.set(location, copy);
    return copy;
  }
}

/**
 * The curated zone's sweep: removes what assemblies left behind — copies older than `CURATED_LEFTOVER_AGE_MS`, and
 * any copy of a grant just swept. The zone holds only the copies of assemblies in progress, so one listing of each
 * bucket a location holds them in reads a handful of keys, however many grants are live.
 */
export class CuratedLeftovers {
  constructor(private readonly locations: StorageLocations) {}

  /** Removes the leftovers of every location (data keys first); returns how many objects went. */
  async sweep(now: Date, sweptGrants: ReadonlySet<string>): Promise<number> {
    const before = now.getTime() - CURATED_LEFTOVER_AGE_MS;
    let removed = 0;
    for (const location of this.locations.all()) {
      for (const [zone, prefix] of [
        ['keys', layout.curatedKeys()],
        ['curated', layout.curatedGrant()],
      ] as const) {
        const leftovers: string[] = [];
        for await (const item of location.store.list(location.bucket(zone), prefix)) {
          const grantId = item.key.slice(prefix.length).split('/')[0] ?? '';
          if (item.lastModified.getTime() < before || sweptGrants.has(grantId)) leftovers.push(item.key);
        }
        await location.store.remove(location.bucket(zone), leftovers);
        removed += leftovers.length;
      }
    }
    return removed;
  }
}
