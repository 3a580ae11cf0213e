import { TRANSACTIONS } from '@custodia/chaincode';
import type {
  AccessLogEntry,
  AccessPreview,
  Category,
  Delivery,
  GrantView,
  Page,
  PageRequest,
  PreviewQuery,
  Purpose,
} from '@custodia/chaincode';
import type { LedgerSession } from './session';

const { access } = TRANSACTIONS;

/** `access:*` — requests, grants and deliveries. */
export class AccessCalls {
  constructor(private readonly session: LedgerSession) {}

  /** Decided by the patient's rules and logged, granted or not. */
  async request(input: {
    readonly patientId: string;
    readonly categories: readonly Category[];
    readonly purpose: Purpose;
    readonly reason?: string;
  }): Promise<AccessLogEntry> {
    return (await this.session.submit(access.requestAccess, input)).value;
  }

  /** Under the patient's emergency policy; a reason is required. */
  async requestEmergency(input: {
    readonly patientId: string;
    readonly categories: readonly Category[];
    readonly reason: string;
  }): Promise<AccessLogEntry> {
    return (await this.session.submit(access.requestEmergencyAccess, input)).value;
  }

  /** The grant with its status at the query's time. */
  getGrant(grantId: string): Promise<GrantView> {
    return this.session.evaluate(access.getGrant, { grantId });
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
