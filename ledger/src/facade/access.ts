import { TRANSACTIONS } from '@custodia/chaincode';
import type {
  AccessLogEntry,
  AccessPreview,
  AccessRequestInput,
  Delivery,
  EmergencyRequestInput,
  GrantView,
  Page,
  PageRequest,
  PreviewQuery,
} from '@custodia/chaincode';
import type { LedgerSession } from './session';

const { access } = TRANSACTIONS;

/** `access:*` — requests, grants and deliveries. */
export class AccessCalls {
  constructor(private readonly session: LedgerSession) {}

  /**
   * Decided by the patient's rules and logged, granted or not. Idempotent per caller and `requestId`: a retry
   * answers the first entry and records nothing.
   */
  async request(input: AccessRequestInput): Promise<AccessLogEntry> {
    return (await this.session.submit(access.requestAccess, input)).value;
  }

  /**
   * Under the patient's emergency policy, with a reason code and the salted hash of the clinician's words;
   * at most 5 per clinician and rolling hour (`RESOURCE_EXHAUSTED`). Idempotent per `requestId`.
   */
  async requestEmergency(input: EmergencyRequestInput): Promise<AccessLogEntry> {
    return (await this.session.submit(access.requestEmergencyAccess, input)).value;
  }

  /** The grant with its status re-decided at the query's time (`narrowed` when the rules no longer cover it). */
  getGrant(grantId: string): Promise<GrantView> {
    return this.session.evaluate(access.getGrant, { grantId });
  }

  /** The calling patient ends one of their own live grants now (revoked, `ended-by-patient`). */
  async endGrant(grantId: string): Promise<GrantView> {
    return (await this.session.submit(access.endGrant, { grantId })).value;
  }

  /** The calling patient's grants not yet known to be over, each with its status now, oldest first. */
  listMine(page: PageRequest): Promise<Page<GrantView>> {
    return this.session.evaluate(access.listMyGrants, { page });
  }

  async recordDelivery(grantId: string, manifestHash: string): Promise<Delivery> {
    return (await this.session.submit(access.recordDelivery, { grantId, manifestHash })).value;
  }

  listDeliveries(grantId: string, page: PageRequest): Promise<Page<Delivery>> {
    return this.session.evaluate(access.listDeliveries, { grantId, page });
  }

  /** What a described requester would receive from the calling patient's rules; nothing is logged. */
  preview(query: PreviewQuery): Promise<AccessPreview> {
    return this.session.evaluate(access.previewAccess, query);
  }
}
