/**
 * The patient's own record: everything Custodia holds about them, as an IPS Bundle, for the patient alone. There is
 * no grant (a patient needs none to read their own data): the lake signs with the patient's own enrolment and takes
 * the caller from its certificate (it must be this patient), then reads every record's registration on the ledger as
 * the patient — the chaincode admits that certificate only as the patient its home organisation registered, and
 * lets a patient read their own registrations only. Each record is checked as for a release (authentic metadata,
 * registered, same hash, not superseded) and read as for a release (content.ts); nothing is copied or kept (no
 * curated copy, no consumer zone): the Bundle is answered and gone. Binary links are not signed (they are a grant's).
 */
import { createHash } from 'node:crypto';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { CATEGORIES, LABELS } from '@custodia/chaincode';
import { mapBounded } from '../concurrency/map-bounded';
import { DatalakeError, isDatalakeError } from '../errors';
import type { LedgerActor } from '../ledger/port';
import type { RecordDocument } from '../zones/record-document';
import type { AssemblyDeps } from './assemble';
import { recordContent } from './content';
import { buildPatientSummary } from './ips-bundle';
import type { SummaryRecord } from './ips-bundle';

/** What the patient's own Bundle names where a temporary record names its grant. */
export const OWN_RECORD_ID = 'own-record';

const CHECK_CONCURRENCY = 8;

export type StoredDocument = (
  indexed: RecordDocument,
) => Promise<{ readonly ok: true; readonly document: RecordDocument } | { readonly ok: false }>;

export type OwnRecordDeps = Pick<
  AssemblyDeps,
  'ledger' | 'locations' | 'index' | 'patients' | 'identifications' | 'sealed' | 'now'
>;

/** The patient's own IPS Bundle; FORBIDDEN for anyone but the patient, by certificate. */
export async function assembleOwnRecord(
  deps: OwnRecordDeps,
  stored: StoredDocument,
  patientId: string,
  actor: LedgerActor,
): Promise<Bundle> {
  if (actor.role !== 'patient' || actor.id !== patientId)
    throw new DatalakeError('FORBIDDEN', 'only the patient reads their own record');
  const signer = await deps.ledger.signerOf(actor);
  if (signer.role !== 'patient' || signer.id !== patientId || signer.mspId !== actor.mspId)
    throw new DatalakeError('FORBIDDEN', 'the certificate is not this patient’s');
  if (await deps.patients.isErased(patientId))
    throw new DatalakeError('PATIENT_ERASED', 'this patient’s data was erased');
  const everything = {
    patientId,
    granted: CATEGORIES.map((category) => ({ category, labels: [...LABELS] })),
  };
  const checked = await mapBounded(
    await deps.index.published(patientId),
    CHECK_CONCURRENCY,
    async (indexed): Promise<SummaryRecord | undefined> => {
      const verified = await stored(indexed);
      if (!verified.ok || verified.document.supersededBy !== undefined) return undefined;
      const { document } = verified;
      // Read as the patient: the ledger answers only the patient their own registrations.
      const meta = await deps.ledger.getRecordMeta(actor, document.recordId);
      if (meta === undefined || meta.patientId !== patientId || meta.supersededBy !== undefined)
        return undefined;
      if (meta.contentHash !== document.contentHash) return undefined;
      try {
        const bytes = await recordContent(deps.sealed, deps.locations, document);
        const expected = document.kind === 'fhir' ? meta.contentHash : document.resource.sha256;
        if (createHash('sha256').update(bytes).digest('hex') !== expected) return undefined;
        return { document, resource: JSON.parse(bytes.toString('utf8')) as Resource };
      } catch (error) {
        if (isDatalakeError(error, 'INTEGRITY_FAILED') || isDatalakeError(error, 'NOT_FOUND'))
          return undefined;
        throw error;
      }
    },
  );
  // The patient sees the identification set their home organisation releases with every record.
  const identification = await deps.identifications.get(await deps.patients.home(patientId), patientId);
  return buildPatientSummary({
    grant: { ...everything, grantId: OWN_RECORD_ID, requested: [...CATEGORIES], denied: [] },
    records: checked.filter((record): record is SummaryRecord => record !== undefined),
    ...(identification === undefined ? {} : { patient: identification }),
    assembledAt: deps.now(),
  });
}
