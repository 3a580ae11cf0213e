import { common, orderer, peer } from '@hyperledger/fabric-protos';
import type { MspRegistry } from '../msp';
import { filterBlock } from './block-events';
import { followBlocks } from './block-stream';
import type { CommittedBlock } from '../ledger/committer';
import type { BlockReader, CommitPipeline } from './ports';
import { authenticate, ProposalError } from './proposal';
import { resolveSeekInfo } from './seek';
import { parseEnvelopeHeader } from '@custodia/ledger';
import type { EnvelopeHeader } from '@custodia/ledger';

/** Which Deliver RPC: full blocks, filtered blocks, or blocks with (here always empty) private data. */
export type DeliverKind = 'block' | 'filtered' | 'privateData';

export interface DeliverServiceOptions {
  readonly channelId: string;
  readonly msps: MspRegistry;
  readonly blocks: BlockReader;
  readonly commits: CommitPipeline;
  /** How far a request's timestamp may be from the server clock; Fabric's default is 15 minutes. */
  readonly timeWindowMs?: number;
}

type Status = common.StatusMap[keyof common.StatusMap];

const DEFAULT_TIME_WINDOW_MS = 15 * 60_000;

function statusResponse(status: Status): peer.DeliverResponse {
  const response = new peer.DeliverResponse();
  response.setStatus(status);
  return response;
}

/**
 * The peer Deliver service as Fabric's deliver handler answers one seek request: the signed envelope is checked
 * (well-formed, recent, this channel, signed by a current channel member), the SeekInfo resolved, blocks sent
 * from start to stop (waiting for new ones unless FAIL_IF_NOT_READY), then a final status.
 */
export class DeliverService {
  constructor(private readonly options: DeliverServiceOptions) {}

  /** Responses for one request: blocks, then exactly one status (SUCCESS when `stop` was reached). */
  async *handle(
    envelope: common.Envelope,
    kind: DeliverKind,
    signal: AbortSignal,
  ): AsyncGenerator<peer.DeliverResponse> {
    const { blocks, commits, channelId, msps } = this.options;
    let unpacked: EnvelopeHeader;
    try {
      unpacked = parseEnvelopeHeader(envelope.serializeBinary());
    } catch {
      yield statusResponse(common.Status.BAD_REQUEST);
      return;
    }
    const sentAt = unpacked.timestamp.seconds * 1000 + unpacked.timestamp.nanos / 1e6;
    const window = this.options.timeWindowMs ?? DEFAULT_TIME_WINDOW_MS;
    if (sentAt === 0 || Math.abs(Date.now() - sentAt) > window) {
      yield statusResponse(common.Status.BAD_REQUEST);
      return;
    }
    if (unpacked.channelId !== channelId) {
      yield statusResponse(common.Status.NOT_FOUND);
      return;
    }
    try {
      authenticate(
        msps,
        channelId,
        unpacked.creator,
        envelope.getPayload_asU8(),
        envelope.getSignature_asU8(),
      );
    } catch (error) {
      if (!(error instanceof ProposalError)) throw error;
      yield statusResponse(common.Status.FORBIDDEN);
      return;
    }
    let seekInfo: orderer.SeekInfo;
    try {
      seekInfo = orderer.SeekInfo.deserializeBinary(unpacked.data);
    } catch {
      yield statusResponse(common.Status.BAD_REQUEST);
      return;
    }
    const seek = resolveSeekInfo(seekInfo, blocks.height);
    if (!seek.ok) {
      yield statusResponse(common.Status.BAD_REQUEST);
      return;
    }
    const { start, stop, failIfNotReady } = seek.range;
    if (failIfNotReady && start >= blocks.height) {
      yield statusResponse(common.Status.NOT_FOUND);
      return;
    }
    try {
      for await (const committed of followBlocks(blocks, commits, start, stop, signal)) {
        // Access is re-checked per block, as Fabric does: an identity that expired or was revoked stops receiving.
        try {
          msps.validate(unpacked.creator);
        } catch {
          yield statusResponse(common.Status.FORBIDDEN);
          return;
        }
        yield this.blockResponse(committed, kind);
        const { number } = committed;
        if (number >= stop) break;
        if (failIfNotReady && number + 1 >= blocks.height) {
          yield statusResponse(common.Status.NOT_FOUND);
          return;
        }
      }
    } catch {
      // A block that cannot be read or fails its integrity check is not served.
      yield statusResponse(common.Status.INTERNAL_SERVER_ERROR);
      return;
    }
    if (signal.aborted) return;
    yield statusResponse(common.Status.SUCCESS);
  }

  private blockResponse(committed: CommittedBlock, kind: DeliverKind): peer.DeliverResponse {
    const { block } = committed;
    const response = new peer.DeliverResponse();
    switch (kind) {
      case 'block':
        response.setBlock(block);
        break;
      case 'filtered':
        response.setFilteredBlock(filterBlock(committed, this.options.channelId));
        break;
      case 'privateData': {
        // No private data collections are defined on the channel, so the map is always empty.
        const withPrivateData = new peer.BlockAndPrivateData();
        withPrivateData.setBlock(block);
        response.setBlockAndPrivateData(withPrivateData);
        break;
      }
    }
    return response;
  }
}
