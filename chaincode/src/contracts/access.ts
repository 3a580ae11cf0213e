/**
 * `access:*` — a clinician's requests. Each request decides against the patient's rules at the
 * transaction timestamp and writes the access-log entry in the same transaction, granted or not;
 * when anything is granted it also writes the grant the data lake releases data against. A grant is
 * re-decided at every read and delivery: it releases nothing the rules in force no longer grant.
 */
import { Info, Returns, Transaction } from 'fabric-contract-api';
import {
  ChaincodeError,
  decide,
  decideEmergency,
  decoders,
  emergencyRefusal,
  EMERGENCY_PURPOSE,
  EVENTS,
  GRANT_REVOKERS,
  grantedCategories,
  grantExpiry,
  grantLive,
  LIMITS,
  memberOf,
  parseArgument,
  parseText,
  toMillis,
} from '../model';
import type {
  AccessLogEntry,
  Decision,
  EmergencyPolicy,
  Grant,
  GrantView,
  Instant,
  Page,
  Requester,
  RequestFacts,
  Rule,
} from '../model';
import { loadLogEntry, saveLogEntry } from '../ledger/access-log';
import { emergencyUseSince, recordEmergencyUse } from '../ledger/emergency-use';
import {
  loadGrant,
  pageDeliveries,
  pagePatientLiveGrants,
  revokeGrant,
  saveDelivery,
  saveGrant,
} from '../ledger/grants';
import { loadPatient } from '../ledger/patients';
import { loadPolicy } from '../ledger/policies';
import { patientRules } from '../ledger/rules';
import { activePatient, refuseErased, requireSelfOr, sameParty } from './access-control';
import type { AccessPreview, ContractFunctions } from '../catalogue';
import { CustodiaContract, json, valid } from './base';
import { createOnce } from './client-request';
import { CustodiaContext } from './context';
import { currentStatus } from './grant-status';
import { pageArgs } from './paging';

const MINUTE_MS = 60_000;

@Info({ title: 'access', description: 'Access requests, grants and deliveries' })
export class AccessContract extends CustodiaContract implements ContractFunctions<'access', CustodiaContext> {
  constructor() {
    super('access');
  }

  /**
   * `request` is `{patientId, categories, purpose, reasonHash?, requestId}`; emergency treatment (ETREAT)
   * goes through `requestEmergencyAccess`. A repeated `requestId` returns the first answer.
   */
  @Transaction()
  @Returns('string')
  async requestAccess(ctx: CustodiaContext, request: string): Promise<string> {
    const requester = ctx.callerAs(['clinician'], 'requestAccess');
    const { requestId, ...asked } = valid(parseArgument(request, decoders.accessRequest, 'request'));
    const entry = await createOnce(
      ctx,
      'requestAccess',
      requestId,
      asked,
      (id) => this.entry(ctx, id),
      async () => {
        await activePatient(ctx, asked.patientId);
        const rules = await patientRules(ctx.store, asked.patientId);
        const facts: RequestFacts = {
          patientId: asked.patientId,
          requester,
          purpose: asked.purpose,
          emergency: false,
          ...(asked.reasonHash === undefined ? {} : { reasonHash: asked.reasonHash }),
          requested: asked.categories,
        };
        const decision = decide(
          rules,
          { requester, categories: asked.categories, purpose: asked.purpose },
          ctx.now,
        );
        const created = await this.log(
          ctx,
          facts,
          decision,
          expiryOf(decision, rules, facts, ctx.now, LIMITS.grantDurationMs),
          {},
        );
        return { id: created.entryId, value: created };
      },
    );
    return json(entry);
  }

  /**
   * Emergency access under the patient's emergency policy: `request` is `{patientId, categories,
   * reasonCode, reasonHash, requestId}`. Flagged, short-lived, at most `LIMITS.maxEmergencyRequestsPerHour`
   * per clinician in any rolling hour (RESOURCE_EXHAUSTED beyond, nothing recorded); each entry counts
   * the requester's emergency requests of the last 24 hours.
   */
  @Transaction()
  @Returns('string')
  async requestEmergencyAccess(ctx: CustodiaContext, request: string): Promise<string> {
    const requester = ctx.callerAs(['clinician'], 'requestEmergencyAccess');
    const { requestId, ...asked } = valid(parseArgument(request, decoders.emergencyRequest, 'request'));
    const entry = await createOnce(
      ctx,
      'requestEmergencyAccess',
      requestId,
      asked,
      (id) => this.entry(ctx, id),
      async () => {
        await activePatient(ctx, asked.patientId);
        const recent = await this.emergencyRate(ctx, requester);
        const policy = await loadPolicy(ctx.store, asked.patientId);
        const rules = await patientRules(ctx.store, asked.patientId);
        const facts: RequestFacts = {
          patientId: asked.patientId,
          requester,
          purpose: EMERGENCY_PURPOSE,
          emergency: true,
          reasonHash: asked.reasonHash,
          reasonCode: asked.reasonCode,
          requested: asked.categories,
          ...(policy ? { emergencyPolicyVersion: policy.version } : {}),
        };
        const decision = decideEmergency(rules, policy, requester, asked.categories, ctx.now);
        await recordEmergencyUse(ctx.store, requester, ctx.now, ctx.txId);
        const refusal = emergencyRefusal(policy, requester, decision);
        const created = await this.log(
          ctx,
          facts,
          decision,
          expiryOf(decision, rules, facts, ctx.now, emergencyDuration(policy)),
          { emergencyRequests24h: recent + 1 },
          refusal === undefined ? {} : { emergencyRefusal: refusal },
        );
        return { id: created.entryId, value: created };
      },
    );
    return json(entry);
  }

  /** The grant with its status at this transaction's timestamp, re-decided with the rules then in force. */
  @Transaction(false)
  @Returns('string')
  async getGrant(ctx: CustodiaContext, grantId: string): Promise<string> {
    const grant = await this.readableGrant(ctx, grantId, 'getGrant');
    const view: GrantView = { ...grant, status: await currentStatus(ctx, grant) };
    return json(view);
  }

  /**
   * The calling patient ends one of their own grants at once ("end now"): revoked with `ended-by-patient`, announced
   * so the data lake deletes what it assembled for it. Only the grant's own patient may; a grant already revoked
   * or expired is FAILED_PRECONDITION.
   */
  @Transaction()
  @Returns('string')
  async endGrant(ctx: CustodiaContext, grantId: string): Promise<string> {
    const caller = ctx.callerAs(['patient'], 'endGrant');
    const grant = await this.findGrant(ctx, grantId);
    if (grant.patientId !== caller.id)
      throw new ChaincodeError('FORBIDDEN', 'endGrant: not a grant of this patient');
    if (!grantLive(grant, ctx.now))
      throw new ChaincodeError('FAILED_PRECONDITION', `grant is ${grant.revoked ? 'revoked' : 'expired'}`);
    const revocation = { at: ctx.now, txId: ctx.txId, ruleId: GRANT_REVOKERS.endedByPatient };
    await revokeGrant(ctx.store, grant, revocation);
    ctx.emit(EVENTS.grantEnded, {
      patientId: grant.patientId,
      grantId: grant.grantId,
      revokedGrantIds: [grant.grantId],
    });
    const view: GrantView = { ...grant, revoked: revocation, status: 'revoked' };
    return json(view);
  }

  /**
   * The calling patient's grants not yet known to be over, each with its status now (`active`, `narrowed`, or
   * `expired` until a writing transaction prunes it), oldest first.
   */
  @Transaction(false)
  @Returns('string')
  async listMyGrants(ctx: CustodiaContext, pageSize: string, bookmark: string): Promise<string> {
    const caller = ctx.callerAs(['patient'], 'listMyGrants');
    const page = pageArgs(pageSize, bookmark);
    const grants = await pagePatientLiveGrants(ctx.store, caller.id, page.pageSize, page.bookmark);
    const items: GrantView[] = [];
    for (const grant of grants.items) items.push({ ...grant, status: await currentStatus(ctx, grant) });
    const views: Page<GrantView> = { items, bookmark: grants.bookmark };
    return json(views);
  }

  /** Logs that the requester received the data of a grant the rules in force still fully cover. */
  @Transaction()
  @Returns('string')
  async recordDelivery(ctx: CustodiaContext, grantId: string, manifestHash: string): Promise<string> {
    const caller = ctx.callerAs(['clinician'], 'recordDelivery');
    const grant = await this.findGrant(ctx, grantId);
    if (!sameParty(grant.requester, caller))
      throw new ChaincodeError('FORBIDDEN', 'recordDelivery: not the requester');
    const hash = valid(parseText(manifestHash, decoders.sha256Hex, 'manifestHash'));
    const patient = await loadPatient(ctx.store, grant.patientId);
    if (patient) refuseErased(patient);
    const status = await currentStatus(ctx, grant);
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
   * What a described requester (`{mspId, role, id}`; its country is its organisation's in the registry)
   * would receive from the calling patient's rules (and, for ETREAT, emergency policy) — evaluated only,
   * nothing is logged.
   */
  @Transaction(false)
  @Returns('string')
  async previewAccess(ctx: CustodiaContext, query: string): Promise<string> {
    const caller = ctx.callerAs(['patient'], 'previewAccess');
    const preview = valid(parseArgument(query, decoders.previewQuery, 'query'));
    const at = preview.at ?? ctx.now;
    const country = memberOf(await ctx.registry(), preview.requester.mspId)?.country;
    const requester: Requester = { ...preview.requester, ...(country === undefined ? {} : { country }) };
    const rules = await patientRules(ctx.store, caller.id);
    const request = { requester, categories: preview.categories, purpose: preview.purpose };
    if (preview.purpose === EMERGENCY_PURPOSE) {
      const policy = await loadPolicy(ctx.store, caller.id);
      const decision = decideEmergency(rules, policy, requester, preview.categories, at);
      return json(previewOf(decision, expiryOf(decision, rules, request, at, emergencyDuration(policy))));
    }
    const decision = decide(rules, request, at);
    return json(previewOf(decision, expiryOf(decision, rules, request, at, LIMITS.grantDurationMs)));
  }

  /**
   * The requester's emergency requests in the last 24 hours; RESOURCE_EXHAUSTED when the last hour
   * already holds the maximum.
   */
  private async emergencyRate(ctx: CustodiaContext, requester: Requester): Promise<number> {
    const recent = await emergencyUseSince(ctx.store, requester, ctx.now, LIMITS.emergencyReportWindowMs);
    const hourStart = toMillis(ctx.now) - LIMITS.emergencyRateWindowMs;
    const lastHour = recent.filter((instant) => toMillis(instant) > hourStart).length;
    if (lastHour >= LIMITS.maxEmergencyRequestsPerHour) {
      throw new ChaincodeError(
        'RESOURCE_EXHAUSTED',
        `emergency requests: at most ${LIMITS.maxEmergencyRequestsPerHour} per hour`,
      );
    }
    return recent.length;
  }

  /** Writes the access-log entry and, when something is granted, the grant; announces the request. */
  private async log(
    ctx: CustodiaContext,
    facts: RequestFacts,
    decision: Decision,
    expiresAt: Instant | undefined,
    extra: Pick<AccessLogEntry, 'emergencyRequests24h'>,
    /** Logged with the entry only (the event carries identifiers and counts). */
    refusal: Pick<AccessLogEntry, 'emergencyRefusal'> = {},
  ): Promise<AccessLogEntry> {
    const at = ctx.now;
    const entryId = ctx.txId;
    const granted = expiresAt === undefined ? {} : { grantId: entryId, expiresAt };
    const entry: AccessLogEntry = {
      entryId,
      timestamp: at,
      ...facts,
      decision,
      ...granted,
      ...extra,
      ...refusal,
    };
    await saveLogEntry(ctx.store, entry);
    if (expiresAt !== undefined) {
      const grant: Grant = {
        grantId: entryId,
        ...facts,
        granted: grantedCategories(decision),
        denied: decision.denied,
        rules: decision.rules,
        issuedAt: at,
        expiresAt,
      };
      await saveGrant(ctx.store, grant);
    }
    ctx.emit(facts.emergency ? EVENTS.emergencyAccess : EVENTS.accessRequested, {
      entryId,
      patientId: facts.patientId,
      requesterMspId: facts.requester.mspId,
      requesterId: facts.requester.id,
      emergency: facts.emergency,
      ...granted,
      ...extra,
    });
    return entry;
  }

  private async entry(ctx: CustodiaContext, entryId: string): Promise<AccessLogEntry> {
    const entry = await loadLogEntry(ctx.store, entryId);
    if (!entry) throw new ChaincodeError('INTERNAL', 'request id without its access-log entry');
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

function emergencyDuration(policy: EmergencyPolicy | undefined): number {
  return (policy?.maxDurationMinutes ?? 0) * MINUTE_MS;
}

/** When something is granted (and may be for a while), its expiry; otherwise no grant. */
function expiryOf(
  decision: Decision,
  rules: readonly Rule[],
  request: { readonly requester: Requester; readonly purpose: RequestFacts['purpose'] },
  at: Instant,
  maxDurationMs: number,
): Instant | undefined {
  if (decision.granted.length === 0 || maxDurationMs <= 0) return undefined;
  return grantExpiry(decision, rules, request, at, maxDurationMs);
}

function previewOf(decision: Decision, expiresAt: Instant | undefined): AccessPreview {
  return expiresAt === undefined ? { decision } : { decision, expiresAt };
}
