/**
 * `access:*` — a clinician's requests. Each request decides against the patient's rules at the
 * transaction timestamp and writes the access-log entry in the same transaction, granted or not;
 * when anything is granted it also writes the grant the data lake releases data against.
 */
import { Info, Returns, Transaction } from 'fabric-contract-api';
import {
  ChaincodeError,
  decide,
  decideEmergency,
  decoders,
  EMERGENCY_PURPOSE,
  EVENTS,
  grantedCategories,
  grantExpiry,
  grantStatus,
  LIMITS,
  parseArgument,
  parseText,
} from '../model';
import type { AccessLogEntry, Decision, Grant, GrantView, RequestFacts } from '../model';
import { saveLogEntry } from '../ledger/access-log';
import { loadGrant, pageDeliveries, saveDelivery, saveGrant } from '../ledger/grants';
import { loadPolicy } from '../ledger/policies';
import { patientRules } from '../ledger/rules';
import { requireSelfOr, sameParty } from './access-control';
import type { AccessPreview, ContractFunctions } from '../catalogue';
import { CustodiaContract, json, valid } from './base';
import { CustodiaContext } from './context';
import { pageArgs } from './paging';

const MINUTE_MS = 60_000;

@Info({ title: 'access', description: 'Access requests, grants and deliveries' })
export class AccessContract extends CustodiaContract implements ContractFunctions<'access', CustodiaContext> {
  constructor() {
    super('access');
  }

  /** `reason` may be empty. Emergency treatment (ETREAT) goes through `requestEmergencyAccess`. */
  @Transaction()
  @Returns('string')
  async requestAccess(
    ctx: CustodiaContext,
    patientId: string,
    categories: string,
    purpose: string,
    reason: string,
  ): Promise<string> {
    const { requester, patient, requested, note } = this.parseRequest(
      ctx,
      'requestAccess',
      patientId,
      categories,
      reason,
    );
    const why = valid(parseText(purpose, decoders.purpose, 'purpose'));
    if (why === EMERGENCY_PURPOSE) {
      throw new ChaincodeError(
        'INVALID_ARGUMENT',
        'purpose: ETREAT is requested through requestEmergencyAccess',
      );
    }
    const rules = await patientRules(ctx.store, patient);
    const decision = decide(rules, { requester, categories: requested, purpose: why }, ctx.now);
    const facts = {
      patientId: patient,
      requester,
      purpose: why,
      emergency: false,
      requested,
      ...reasonOf(note),
    };
    return json(await this.log(ctx, facts, decision, LIMITS.grantDurationMs));
  }

  /** Emergency access under the patient's emergency policy: needs a reason, is flagged and short-lived. */
  @Transaction()
  @Returns('string')
  async requestEmergencyAccess(
    ctx: CustodiaContext,
    patientId: string,
    categories: string,
    reason: string,
  ): Promise<string> {
    const { requester, patient, requested, note } = this.parseRequest(
      ctx,
      'requestEmergencyAccess',
      patientId,
      categories,
      reason,
    );
    if (note.trim() === '') {
      throw new ChaincodeError('INVALID_ARGUMENT', 'reason: is required for emergency access');
    }
    const policy = await loadPolicy(ctx.store, patient);
    const rules = await patientRules(ctx.store, patient);
    const decision = decideEmergency(rules, policy, requester, requested, ctx.now);
    const facts: RequestFacts = {
      patientId: patient,
      requester,
      purpose: EMERGENCY_PURPOSE,
      emergency: true,
      requested,
      ...reasonOf(note),
      ...(policy ? { emergencyPolicyVersion: policy.version } : {}),
    };
    return json(await this.log(ctx, facts, decision, (policy?.maxDurationMinutes ?? 0) * MINUTE_MS));
  }

  /** The grant with its status at this transaction's timestamp. */
  @Transaction(false)
  @Returns('string')
  async getGrant(ctx: CustodiaContext, grantId: string): Promise<string> {
    const grant = await this.readableGrant(ctx, grantId, 'getGrant');
    const view: GrantView = { ...grant, status: grantStatus(grant, ctx.now) };
    return json(view);
  }

  /** Logs that the requester received the data of an active grant (the manifest's SHA-256). */
  @Transaction()
  @Returns('string')
  async recordDelivery(ctx: CustodiaContext, grantId: string, manifestHash: string): Promise<string> {
    const caller = ctx.callerAs(['clinician'], 'recordDelivery');
    const grant = await this.findGrant(ctx, grantId);
    if (!sameParty(grant.requester, caller))
      throw new ChaincodeError('FORBIDDEN', 'recordDelivery: not the requester');
    const hash = valid(parseText(manifestHash, decoders.sha256Hex, 'manifestHash'));
    const status = grantStatus(grant, ctx.now);
    if (status !== 'active') throw new ChaincodeError('FAILED_PRECONDITION', `grant is ${status}`);
    const delivery = {
      deliveryId: ctx.txId,
      grantId: grant.grantId,
      patientId: grant.patientId,
      requester: caller,
      manifestHash: hash,
      deliveredAt: ctx.now,
    };
    await saveDelivery(ctx.store, delivery);
    ctx.emit(EVENTS.deliveryRecorded, {
      deliveryId: delivery.deliveryId,
      grantId: grant.grantId,
      patientId: grant.patientId,
    });
    return json(delivery);
  }

  @Transaction(false)
  @Returns('string')
  async listDeliveries(
    ctx: CustodiaContext,
    grantId: string,
    pageSize: string,
    bookmark: string,
  ): Promise<string> {
    const grant = await this.readableGrant(ctx, grantId, 'listDeliveries');
    const page = pageArgs(pageSize, bookmark);
    return json(await pageDeliveries(ctx.store, grant.grantId, page.pageSize, page.bookmark));
  }

  /**
   * What a described requester would receive from the calling patient's rules (and, for ETREAT,
   * emergency policy) — evaluated only, nothing is logged.
   */
  @Transaction(false)
  @Returns('string')
  async previewAccess(ctx: CustodiaContext, query: string): Promise<string> {
    const caller = ctx.callerAs(['patient'], 'previewAccess');
    const preview = valid(parseArgument(query, decoders.previewQuery, 'query'));
    const at = preview.at ?? ctx.now;
    const rules = await patientRules(ctx.store, caller.id);
    if (preview.purpose === EMERGENCY_PURPOSE) {
      const policy = await loadPolicy(ctx.store, caller.id);
      const decision = decideEmergency(rules, policy, preview.requester, preview.categories, at);
      return json(previewOf(decision, at, (policy?.maxDurationMinutes ?? 0) * MINUTE_MS));
    }
    const decision = decide(rules, preview, at);
    return json(previewOf(decision, at, LIMITS.grantDurationMs));
  }

  private parseRequest(
    ctx: CustodiaContext,
    action: string,
    patientId: string,
    categories: string,
    reason: string,
  ) {
    return {
      requester: ctx.callerAs(['clinician'], action),
      patient: valid(parseText(patientId, decoders.id, 'patientId')),
      requested: valid(parseArgument(categories, decoders.categories, 'categories')),
      note: valid(parseText(reason, decoders.reason, 'reason')),
    };
  }

  /** Writes the access-log entry and, when something is granted, the grant; announces the request. */
  private async log(
    ctx: CustodiaContext,
    facts: RequestFacts,
    decision: Decision,
    maxDurationMs: number,
  ): Promise<AccessLogEntry> {
    const at = ctx.now;
    const entryId = ctx.txId;
    const expiresAt =
      decision.granted.length > 0 && maxDurationMs > 0 ? grantExpiry(decision, at, maxDurationMs) : undefined;
    const granted = expiresAt === undefined ? {} : { grantId: entryId, expiresAt };
    const entry: AccessLogEntry = { entryId, timestamp: at, ...facts, decision, ...granted };
    await saveLogEntry(ctx.store, entry);
    if (expiresAt !== undefined) {
      await saveGrant(ctx.store, {
        grantId: entryId,
        ...facts,
        granted: grantedCategories(decision),
        denied: decision.denied,
        rules: decision.rules,
        issuedAt: at,
        expiresAt,
      });
    }
    ctx.emit(facts.emergency ? EVENTS.emergencyAccess : EVENTS.accessRequested, {
      entryId,
      patientId: facts.patientId,
      requesterMspId: facts.requester.mspId,
      requesterId: facts.requester.id,
      emergency: facts.emergency,
      ...granted,
    });
    return entry;
  }

  private async findGrant(ctx: CustodiaContext, grantId: string): Promise<Grant> {
    const id = valid(parseText(grantId, decoders.id, 'grantId'));
    const grant = await loadGrant(ctx.store, id);
    if (!grant) throw new ChaincodeError('NOT_FOUND', 'grant not found');
    return grant;
  }

  /** The requester, the patient, auditors and the data lake (`admin`) may read a grant. */
  private async readableGrant(ctx: CustodiaContext, grantId: string, action: string): Promise<Grant> {
    const caller = ctx.caller;
    const grant = await this.findGrant(ctx, grantId);
    if (!sameParty(grant.requester, caller))
      requireSelfOr(caller, grant.patientId, ['auditor', 'admin'], action);
    return grant;
  }
}

function reasonOf(note: string): { reason?: string } {
  return note === '' ? {} : { reason: note };
}

function previewOf(decision: Decision, at: string, maxDurationMs: number): AccessPreview {
  return decision.granted.length > 0 && maxDurationMs > 0
    ? { decision, expiresAt: grantExpiry(decision, at, maxDurationMs) }
    : { decision };
}
