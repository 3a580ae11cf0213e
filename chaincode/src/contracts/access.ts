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
import type { AccessLogEntry, Caller, Category, Decision, Grant, GrantView } from '../model';
import { saveLogEntry } from '../ledger/access-log';
import { loadGrant, pageDeliveries, saveDelivery, saveGrant } from '../ledger/grants';
import { loadPolicy } from '../ledger/policies';
import { patientRules } from '../ledger/rules';
import { requireSelfOr, sameParty } from './access-control';
import { CustodiaContract, json, valid } from './base';
import { CustodiaContext } from './context';
import { pageArgs } from './paging';

const MINUTE_MS = 60_000;

interface Outcome {
  readonly patientId: string;
  readonly requester: Caller;
  readonly requested: readonly Category[];
  readonly decision: Decision;
  readonly emergency: boolean;
  readonly reason: string;
  readonly maxDurationMs: number;
  readonly emergencyPolicyVersion?: number;
}

@Info({ title: 'access', description: 'Access requests, grants and deliveries' })
export class AccessContract extends CustodiaContract {
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
    const requester = ctx.callerAs(['clinician'], 'requestAccess');
    const patient = valid(parseText(patientId, decoders.id, 'patientId'));
    const requested = valid(parseArgument(categories, decoders.categories, 'categories'));
    const why = valid(parseText(purpose, decoders.purpose, 'purpose'));
    if (why === EMERGENCY_PURPOSE) {
      throw new ChaincodeError(
        'INVALID_ARGUMENT',
        'purpose: ETREAT is requested through requestEmergencyAccess',
      );
    }
    const note = valid(parseText(reason, decoders.reason, 'reason'));
    const rules = await patientRules(ctx.store, patient);
    const decision = decide(rules, { requester, categories: requested, purpose: why }, ctx.now);
    return json(
      await this.log(ctx, {
        patientId: patient,
        requester,
        requested,
        decision,
        emergency: false,
        reason: note,
        maxDurationMs: LIMITS.grantDurationMs,
      }),
    );
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
    const requester = ctx.callerAs(['clinician'], 'requestEmergencyAccess');
    const patient = valid(parseText(patientId, decoders.id, 'patientId'));
    const requested = valid(parseArgument(categories, decoders.categories, 'categories'));
    const note = valid(parseText(reason, decoders.reason, 'reason'));
    if (note.trim() === '')
      throw new ChaincodeError('INVALID_ARGUMENT', 'reason: is required for emergency access');
    const policy = await loadPolicy(ctx.store, patient);
    const rules = await patientRules(ctx.store, patient);
    const decision = decideEmergency(rules, policy, requester, requested, ctx.now);
    return json(
      await this.log(ctx, {
        patientId: patient,
        requester,
        requested,
        decision,
        emergency: true,
        reason: note,
        maxDurationMs: (policy?.maxDurationMinutes ?? 0) * MINUTE_MS,
        ...(policy ? { emergencyPolicyVersion: policy.version } : {}),
      }),
    );
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

  private async log(ctx: CustodiaContext, outcome: Outcome): Promise<AccessLogEntry> {
    const { patientId, requester, requested, decision, emergency, reason } = outcome;
    const at = ctx.now;
    const entryId = ctx.txId;
    const granted = decision.granted.length > 0 && outcome.maxDurationMs > 0;
    const expiresAt = granted ? grantExpiry(decision, at, outcome.maxDurationMs) : undefined;
    const policyVersion =
      outcome.emergencyPolicyVersion === undefined
        ? {}
        : { emergencyPolicyVersion: outcome.emergencyPolicyVersion };
    const because = reason === '' ? {} : { reason };
    const entry: AccessLogEntry = {
      entryId,
      timestamp: at,
      patientId,
      requester,
      purpose: decision.purpose,
      emergency,
      ...because,
      requested,
      decision,
      ...policyVersion,
      ...(expiresAt === undefined ? {} : { grantId: entryId, expiresAt }),
    };
    await saveLogEntry(ctx.store, entry);
    if (expiresAt !== undefined) {
      const grant: Grant = {
        grantId: entryId,
        patientId,
        requester,
        purpose: decision.purpose,
        emergency,
        ...because,
        requested,
        granted: grantedCategories(decision),
        denied: decision.denied,
        rules: decision.rules,
        ...policyVersion,
        issuedAt: at,
        expiresAt,
      };
      await saveGrant(ctx.store, grant);
    }
    ctx.emit(emergency ? EVENTS.emergencyAccess : EVENTS.accessRequested, {
      entryId,
      patientId,
      requesterMspId: requester.mspId,
      requesterId: requester.id,
      emergency,
      ...(expiresAt === undefined ? {} : { grantId: entryId, expiresAt }),
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

function previewOf(
  decision: Decision,
  at: string,
  maxDurationMs: number,
): { decision: Decision; expiresAt?: string } {
  return decision.granted.length > 0 && maxDurationMs > 0
    ? { decision, expiresAt: grantExpiry(decision, at, maxDurationMs) }
    : { decision };
}
