import { TRANSACTIONS } from '@custodia/chaincode';
import type { AccessLogEntry, AccessLogQuery, Page, PageRequest } from '@custodia/chaincode';
import type { LedgerSession } from './session';

const { audit } = TRANSACTIONS;

/** `audit:*` — the access log. */
export class AuditCalls {
  constructor(private readonly session: LedgerSession) {}

  /** By patient, by requester or by time, oldest first. */
  listAccessLog(query: AccessLogQuery, page: PageRequest): Promise<Page<AccessLogEntry>> {
    return this.session.evaluate(audit.listAccessLog, { query, page });
  }
}
