/** `records:*` — metadata of records medical centres hold in the data lake (never content, never names). */
import { Info, Returns, Transaction } from 'fabric-contract-api';
import {
  CATEGORIES,
  ChaincodeError,
  CONTRIBUTION_RECORD_PREFIX,
  decoders,
  EVENTS,
  oneOf,
  parseArgument,
  parseText,
} from '../model';
import type { Caller, RecordMeta, RecordRegistration } from '../model';
import { loadRecord, pageRecords, saveRecord } from '../ledger/records';
import { activePatient, requireSelfOr } from './access-control';
import type { ContractFunctions } from '../catalogue';
import { CustodiaContract, json, valid } from './base';
import { CustodiaContext } from './context';
import { pageArgs } from './paging';

/** Roles that read every record's metadata; `admin` is the platform's service identity (the data lake). */
const READERS = ['auditor', 'admin'] as const;

@Info({ title: 'records', description: 'Registrations of records held in the data lake' })
export class RecordsContract
  extends CustodiaContract
  implements ContractFunctions<'records', CustodiaContext>
{
  constructor() {
    super('records');
  }

  /**
   * Registers a record of a registered patient; the source organisation is the centre's, the country
   * its organisation's in the registry. Registering the same record again is a no-op (uploads are
   * retried), different content is a CONFLICT. Ids starting `contribution-` are reserved for approved
   * contributions. With `supersedes`, the record is a new version of an earlier record of the same patient
   * registered by the same organisation, which is marked `supersededBy` in the same transaction (and then no
   * longer released).
   */
  @Transaction()
  @Returns('string')
  async registerRecord(ctx: CustodiaContext, record: string): Promise<string> {
    const caller = ctx.callerAs(['centre'], 'registerRecord');
    const registration = valid(parseArgument(record, decoders.recordRegistration, 'record'));
    if (registration.recordId.startsWith(CONTRIBUTION_RECORD_PREFIX)) {
      throw new ChaincodeError('INVALID_ARGUMENT', 'record.recordId: is reserved for approved contributions');
    }
    await activePatient(ctx, registration.patientId);
    const existing = await loadRecord(ctx.store, registration.recordId);
    if (existing) {
      if (sameRegistration(existing, registration, caller)) return json(existing);
      throw new ChaincodeError('CONFLICT', 'record id already registered with different metadata');
    }
    const previous =
      registration.supersedes === undefined ? undefined : await supersededRecord(ctx, registration, caller);
    const meta: RecordMeta = {
      ...registration,
      sourceMspId: caller.mspId,
      country: caller.country,
      registeredBy: caller.id,
      registeredAt: ctx.now,
      txId: ctx.txId,
    };
    await saveRecord(ctx.store, meta);
    if (previous !== undefined) await saveRecord(ctx.store, { ...previous, supersededBy: meta.recordId });
    ctx.emit(EVENTS.recordRegistered, {
      recordId: meta.recordId,
      patientId: meta.patientId,
      sourceMspId: meta.sourceMspId,
      ...(previous === undefined ? {} : { supersedes: previous.recordId }),
    });
    return json(meta);
  }

  @Transaction(false)
  @Returns('string')
  async getRecordMeta(ctx: CustodiaContext, recordId: string): Promise<string> {
    const id = valid(parseText(recordId, decoders.id, 'recordId'));
    const caller = ctx.caller;
    const meta = await loadRecord(ctx.store, id);
    if (!meta) throw new ChaincodeError('NOT_FOUND', 'record not found');
    if (!(caller.role === 'centre' && caller.mspId === meta.sourceMspId)) {
      requireSelfOr(caller, meta.patientId, READERS, 'getRecordMeta');
    }
    return json(meta);
  }

  /**
   * A patient's records, optionally of one category (`category` empty for all). Centres see only
   * what their organisation registered; the patient, auditors and the data lake see everything.
   */
  @Transaction(false)
  @Returns('string')
  async listRecordMeta(
    ctx: CustodiaContext,
    patientId: string,
    category: string,
    pageSize: string,
    bookmark: string,
  ): Promise<string> {
    const patient = valid(parseText(patientId, decoders.patientId, 'patientId'));
    const only =
      category === '' ? undefined : valid(parseText(category, oneOf(CATEGORIES, 'category'), 'category'));
    const caller = ctx.caller;
    const page = pageArgs(pageSize, bookmark);
    const scope = caller.role === 'centre' ? { sourceMspId: caller.mspId } : {};
    if (caller.role !== 'centre') requireSelfOr(caller, patient, READERS, 'listRecordMeta');
    const query = { patientId: patient, ...(only === undefined ? {} : { category: only }), ...scope };
    return json(await pageRecords(ctx.store, query, page.pageSize, page.bookmark));
  }
}

/** The record a new version replaces: the caller's organisation's, of the same patient, not yet replaced. */
async function supersededRecord(
  ctx: CustodiaContext,
  registration: RecordRegistration,
  caller: Caller,
): Promise<RecordMeta> {
  if (registration.supersedes === registration.recordId)
    throw new ChaincodeError('INVALID_ARGUMENT', 'record.supersedes: a record cannot supersede itself');
  const previous = await loadRecord(ctx.store, registration.supersedes ?? '');
  if (!previous) throw new ChaincodeError('NOT_FOUND', 'superseded record not found');
  if (previous.sourceMspId !== caller.mspId)
    throw new ChaincodeError('FORBIDDEN', 'a record supersedes only records of its own organisation');
  if (previous.patientId !== registration.patientId)
    throw new ChaincodeError('INVALID_ARGUMENT', 'record.supersedes: a record of another patient');
  if (previous.supersededBy !== undefined)
    throw new ChaincodeError('CONFLICT', 'the superseded record already has a newer version');
  return previous;
}

function sameRegistration(existing: RecordMeta, registration: RecordRegistration, caller: Caller): boolean {
  return (
    existing.supersedes === registration.supersedes &&
    existing.sourceMspId === caller.mspId &&
    existing.patientId === registration.patientId &&
    existing.contentHash === registration.contentHash &&
    existing.effectiveDate === registration.effectiveDate &&
    existing.categories.join() === registration.categories.join() &&
    existing.labels.join() === registration.labels.join()
  );
}
