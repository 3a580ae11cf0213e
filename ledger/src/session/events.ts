/** The chaincode's events as one identity follows them, each payload decoded by the catalogue. */
import { decodeEvent } from '@custodia/chaincode';
import type { ChaincodeEventOf } from '@custodia/chaincode';
import type { EventPosition, RawSession } from './raw-session';

/** One chaincode event as the ledger delivered it. */
export interface LedgerEvent extends EventPosition {
  readonly eventName: string;
  /** The event, decoded; undefined for an event the catalogue does not know or a payload not of its shape. */
  readonly event: ChaincodeEventOf | undefined;
}

export interface LedgerEventStream extends AsyncIterable<LedgerEvent> {
  close(): void;
}

const decoder = new TextDecoder();

export class EventQueries {
  constructor(private readonly session: RawSession) {}

  /** Events after `after` (from the first block when absent), until closed or the stream fails. */
  async chaincode(after?: EventPosition): Promise<LedgerEventStream> {
    const events = await this.session.chaincodeEvents(after);
    return {
      async *[Symbol.asyncIterator]() {
        for await (const event of events) {
          const decoded = decodeEvent(event.eventName, decoder.decode(event.payload));
          yield {
            blockNumber: event.blockNumber,
            transactionId: event.transactionId,
            eventName: event.eventName,
            event: decoded.ok ? decoded.value : undefined,
          };
        }
      },
      close: () => events.close(),
    };
  }
}
