/**
 * The structured zone's context documents: resources a source's records reference (ingest/context-resources.ts),
 * each sealed under the source organisation's key of the patient in the upload's location — the header's owner is
 * the organisation, so a context document cannot pass for another source's, and erasure destroys it with the
 * patient's keys. Named by a keyed token of organisation, type and source id: the same resource uploaded again
 * replaces the one kept.
 */
import type { Resource } from '@medplum/fhirtypes';
import { isMember, LABELS } from '@custodia/chaincode';
import type { Label } from '@custodia/chaincode';
import type { ContextResource } from '../assembly/ips-bundle';
import type { KeyedHash } from '../crypto/keyed-hash';
import { DatalakeError } from '../errors';
import type { PlannedContext } from '../ingest/context-resources';
import { MAX_CONTEXT_BYTES } from '../ingest/context-resources';
import type { StorageLocation, StorageLocations } from '../storage/locations';
import type { SealedDocuments } from './documents';
import { layout } from './layout';

interface ContextDocument {
  readonly schema: 1;
  readonly patientId: string;
  readonly resourceType: string;
  readonly labels: readonly Label[];
  readonly sourceUrl?: string;
  readonly resource: Resource;
}

/** Room for the resource and the document around it, sealed. */
const MAX_DOCUMENT_BYTES = MAX_CONTEXT_BYTES + 16 * 1024;

export class ContextZone {
  constructor(
    private readonly locations: StorageLocations,
    private readonly documents: SealedDocuments,
    private readonly tokens: KeyedHash,
  ) {}

  /** Keeps one context resource of `organisation`'s upload for the patient, in the organisation's location. */
  async put(
    country: string,
    organisation: string,
    patientId: string,
    planned: PlannedContext,
  ): Promise<void> {
    const location = this.locations.forCountry(country);
    const token = this.tokens.hex('context', organisation, planned.resourceType, planned.sourceId);
    const document: ContextDocument = {
      schema: 1,
      patientId,
      resourceType: planned.resourceType,
      labels: planned.labels,
      ...(planned.sourceUrl === undefined ? {} : { sourceUrl: planned.sourceUrl }),
      resource: JSON.parse(planned.content.toString('utf8')) as Resource,
    };
    await this.documents.put(
      location,
      'structured',
      layout.contextDocument(patientId, token),
      { scope: 'patient', patientId, owner: organisation },
      document,
    );
  }

  /** Every context resource kept for the patient in the given locations, each authenticated with its source. */
  async ofPatient(locations: readonly StorageLocation[], patientId: string): Promise<ContextResource[]> {
    const found: ContextResource[] = [];
    for (const location of locations) {
      for await (const item of location.store.list(
        location.bucket('structured'),
        layout.contextDocuments(patientId),
      )) {
        const opened = await this.documents.get(
          location,
          'structured',
          item.key,
          MAX_DOCUMENT_BYTES,
          patientId,
        );
        if (opened?.owner === undefined) continue;
        const value = opened.value as Partial<ContextDocument>;
        const labels = value.labels;
        if (
          value.schema !== 1 ||
          value.patientId !== patientId ||
          value.resource?.resourceType !== value.resourceType ||
          !Array.isArray(labels) ||
          !labels.every((label) => isMember(LABELS, label))
        )
          throw new DatalakeError('INTEGRITY_FAILED', 'context document does not belong here');
        found.push({
          organisation: opened.owner,
          resource: value.resource as Resource,
          labels,
          ...(value.sourceUrl === undefined ? {} : { sourceUrl: value.sourceUrl }),
        });
      }
    }
    return found;
  }

  /** Removes the patient's context documents from every location; returns how many there were. */
  async removePatient(patientId: string): Promise<number> {
    let removed = 0;
    for (const location of this.locations.all())
      removed += await location.store.removePrefix(
        location.bucket('structured'),
        layout.contextDocuments(patientId),
      );
    return removed;
  }
}
