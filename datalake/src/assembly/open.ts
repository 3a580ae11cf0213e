/**
 * "The record for this grant", in one call: the grant is read once on the ledger and checked, then the stored
 * temporary record is opened — or, when there is none yet, assembled first. However many openers of one grant
 * arrive together (a clinician's double click, a retry while the first attempt is still working), they share one
 * assembly and one delivery on the ledger; each streams the same Bundle out.
 */
import { Readable } from 'node:stream';
import type { Bundle } from '@medplum/fhirtypes';
import { SingleFlight } from '../concurrency/single-flight';
import { DatalakeError, isDatalakeError } from '../errors';
import { jsonStream } from '../json/stringify-stream';
import type { LedgerActor } from '../ledger/port';
import type { StorageLocation } from '../storage/locations';
import type { ConsumerZone } from '../zones/consumer';
import { FHIR_JSON } from './assemble';
import type { Assembled, AssemblyResult, AssemblyService, OpenedBinary } from './assemble';
import { releasableGrant } from './grant';
import type { GrantReading } from './grant';

export interface TemporaryRecordsDeps extends GrantReading {
  readonly assembly: AssemblyService;
  readonly consumer: ConsumerZone;
  readonly now: () => Date;
}

export interface OpenedRecord {
  readonly contentType: string;
  /** The SHA-256 of the delivery manifest the ledger holds for this record. */
  readonly manifestHash: string;
  readonly body: Readable;
}

export class TemporaryRecords {
  /** The assembly under way per grant; undefined when the flight found a record already stored. */
  private readonly flights = new SingleFlight<string, Assembled | undefined>();
  /** Flights of any grant that ended in this process: an opener that saw none end since its look need not look again. */
  private flightsEnded = 0;

  constructor(private readonly deps: TemporaryRecordsDeps) {}

  /** Assemblies under way (at most one per grant). */
  get assembling(): number {
    return this.flights.size;
  }

  /** The patient's own record (no grant: their certificate says it is them); assembled, never stored. */
  ownRecord(patientId: string, actor: LedgerActor): Promise<Bundle> {
    return this.deps.assembly.ownRecord(patientId, actor);
  }

  /** The grant's temporary record for its requester, assembled first (once, however many ask) when there is none. */
  async open(grantId: string, actor: LedgerActor): Promise<OpenedRecord> {
    const grant = await releasableGrant(this.deps, grantId, actor);
    // The temporary record is kept in the patient's home location.
    const home = await this.deps.patients.home(grant.patientId);
    const endedBeforeLook = this.flightsEnded;
    const stored = await this.stored(home, grantId, actor);
    if (stored !== undefined) return stored;
    // A flight that ended since the look above may have stored this grant's record: then it is looked for again
    // inside the new flight. Only this process's flights are counted: a record another lake process publishes in
    // the moment between the look and the flight is assembled again here (a second delivery on the ledger, the
    // record replaced by an equal one) — as two processes opening one grant at once always could. A record whose
    // metadata is there but whose body is not (a removal under way) is assembled again too, not answered NOT_FOUND.
    const assembled = await this.flights.run(grantId, () =>
      this.settled(async () =>
        this.flightsEnded === endedBeforeLook || (await this.deps.consumer.meta(home, grantId)) === undefined
          ? this.deps.assembly.assemble(grant, actor, false)
          : undefined,
      ),
    );
    // Whoever waited on the assembly streams the Bundle it stored, without reading it back.
    if (assembled !== undefined)
      return {
        contentType: FHIR_JSON,
        manifestHash: assembled.result.manifestHash,
        body:
          assembled.serialized === undefined
            ? jsonStream(assembled.bundle)
            : Readable.from([assembled.serialized], { objectMode: false }),
      };
    const now = await this.stored(home, grantId, actor);
    if (now === undefined) throw new DatalakeError('NOT_FOUND', 'no temporary record for this grant');
    return now;
  }

  /** Assembles the grant's record anew (replacing a stored one) and answers its manifest. */
  async assemble(grantId: string, actor: LedgerActor): Promise<AssemblyResult> {
    const grant = await releasableGrant(this.deps, grantId, actor);
    for (;;) {
      const assembled = await this.flights.run(grantId, () =>
        this.settled(() => this.deps.assembly.assemble(grant, actor, true)),
      );
      // Joined an opener's flight that found a record already there: this one asked for a new assembly.
      if (assembled !== undefined) return assembled.result;
    }
  }

  /** A released binary of the grant, for its requester (the signed link was checked by the caller). */
  async openBinary(grantId: string, recordId: string, actor: LedgerActor): Promise<OpenedBinary> {
    return this.deps.assembly.openBinary(await releasableGrant(this.deps, grantId, actor), recordId);
  }

  /** Runs a flight's task and counts it as ended once it settles, before its flight lets the grant go. */
  private async settled<T>(task: () => Promise<T>): Promise<T> {
    try {
      return await task();
    } finally {
      this.flightsEnded += 1;
    }
  }

  /** The stored record; undefined when there is none. */
  private async stored(
    home: StorageLocation,
    grantId: string,
    actor: LedgerActor,
  ): Promise<OpenedRecord | undefined> {
    try {
      const { meta, body } = await this.deps.consumer.open(home, grantId, actor, this.deps.now());
      return { contentType: meta.contentType, manifestHash: meta.manifestHash, body };
    } catch (error) {
      if (isDatalakeError(error, 'NOT_FOUND')) return undefined;
      throw error;
    }
  }
}
