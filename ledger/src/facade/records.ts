import { TRANSACTIONS } from '@custodia/chaincode';
import type { Category, Page, PageRequest, RecordMeta, RecordRegistration } from '@custodia/chaincode';
import type { LedgerSession } from './session';

const { records } = TRANSACTIONS;

/** `records:*` — registrations of records the data lake holds. */
export class RecordCalls {
  constructor(private readonly session: LedgerSession) {}

  /** Idempotent for identical metadata. */
  async register(record: RecordRegistration): Promise<RecordMeta> {
    return (await this.session.submit(records.registerRecord, record)).value;
  }

  getMeta(recordId: string): Promise<RecordMeta> {
    return this.session.evaluate(records.getRecordMeta, { recordId });
  }

  /** A patient's registrations, of one category when given. */
  listMeta(patientId: string, page: PageRequest, category?: Category): Promise<Page<RecordMeta>> {
    return this.session.evaluate(records.listRecordMeta, {
      patientId,
      page,
      ...(category === undefined ? {} : { category }),
    });
  }
}
