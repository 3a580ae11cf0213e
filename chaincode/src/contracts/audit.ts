/** `audit:*` — the access log, by patient, by requester or by time range. */
import { Info, Returns, Transaction } from 'fabric-contract-api';
import { ChaincodeError, decoders, parseArgument } from '../model';
import type { AccessLogQuery, Caller } from '../model';
import { pageLog } from '../ledger/access-log';
import type { ContractFunctions } from '../catalogue';
import { CustodiaContract, json, valid } from './base';
import { CustodiaContext } from './context';
import { pageArgs } from './paging';

@Info({ title: 'audit', description: 'The immutable access log' })
export class AuditContract extends CustodiaContract implements ContractFunctions<'audit', CustodiaContext> {
  constructor() {
    super('audit');
  }

  /**
   * `query` is `{"by":"patient","patientId"}`, `{"by":"requester","mspId","requesterId"}` or
   * `{"by":"time","from","to"?}`; oldest first. Auditors see everything, patients their own
   * entries, clinicians their own requests.
   */
  @Transaction(false)
  @Returns('string')
  async listAccessLog(
    ctx: CustodiaContext,
    query: string,
    pageSize: string,
    bookmark: string,
  ): Promise<string> {
    const parsed = valid(parseArgument(query, decoders.accessLogQuery, 'query'));
    if (!mayRead(ctx.caller, parsed))
      throw new ChaincodeError('FORBIDDEN', 'listAccessLog: not allowed for this query');
    const page = pageArgs(pageSize, bookmark);
    return json(await pageLog(ctx.store, parsed, page.pageSize, page.bookmark));
  }
}

function mayRead(caller: Caller, query: AccessLogQuery): boolean {
  if (caller.role === 'auditor') return true;
  if (query.by === 'patient') return caller.role === 'patient' && caller.id === query.patientId;
  if (query.by === 'requester') {
    return caller.role === 'clinician' && caller.mspId === query.mspId && caller.id === query.requesterId;
  }
  return false;
}
