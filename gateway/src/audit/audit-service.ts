/**
 * The auditor's facade over the chain: the block explorer (list blocks, one block, one transaction) and
 * replay & verify (hash chain, every logged decision, every delivery, optionally every delivery manifest).
 */
import type { common } from '@hyperledger/fabric-protos';
import { FORMATS } from '@custodia/chaincode';
import type { LedgerSession } from '@custodia/ledger';
import { GatewayError } from '../errors';
import { decodeBlock } from './chain-decode';
import type { ChainReader } from './chain-reader';
import { verifyManifests } from './manifests';
import type { ManifestSource } from './manifests';
import { replayChain } from './replay';
import type { ReplayReport } from './report';
import { blockView, transactionView } from './views';
import type { BlockView, TransactionView } from './views';

/** Blocks requested ahead of the one being replayed. */
const PREFETCH_BLOCKS = 8;

/** Most blocks one listing returns. */
export const MAX_BLOCKS_PER_PAGE = 100;

export interface AuditServiceOptions {
  readonly reader: ChainReader;
  /** The chaincode whose world state is replayed (the connection profile's chaincodeName). */
  readonly chaincodeName: string;
  /** When given, replay also checks every delivery's manifest and record hashes against the data lake. */
  readonly manifests?: ManifestSource;
}

export interface BlockPage {
  /** Committed blocks on the peer at the time of the call. */
  readonly height: number;
  readonly blocks: readonly BlockView[];
}

export interface AuditReplayOptions {
  /** Last block to walk (default: the chain's last block). Replay always starts from block 0. */
  readonly toBlock?: number;
  /**
   * Told as blocks are verified (how many of how many: the total is fixed when replay starts), then, with a
   * manifest source, as deliveries are checked against the data lake.
   */
  readonly onProgress?: (progress: ReplayProgress) => void;
}

export interface ReplayProgress {
  readonly blocksVerified: number;
  readonly totalBlocks: number;
  /** Once every block is verified: deliveries whose manifests are checked, of how many. */
  readonly deliveriesVerified?: number;
  readonly totalDeliveries?: number;
}

function blockNumber(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new GatewayError('VALIDATION_FAILED', `${name} must be a non-negative integer`, { field: name });
  }
  return value;
}

export class AuditService {
  constructor(private readonly options: AuditServiceOptions) {}

  /** An audit service reading the chain through `session` (the auditor's own ledger identity). */
  static async forSession(session: LedgerSession, manifests?: ManifestSource): Promise<AuditService> {
    return new AuditService({
      reader: session.chain,
      chaincodeName: (await session.profile()).chaincodeName,
      ...(manifests && { manifests }),
    });
  }

  /** Up to `limit` blocks from block `from` upwards. */
  async listBlocks(from: number, limit: number): Promise<BlockPage> {
    blockNumber(from, 'from');
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_BLOCKS_PER_PAGE) {
      throw new GatewayError('VALIDATION_FAILED', `limit must be between 1 and ${MAX_BLOCKS_PER_PAGE}`, {
        field: 'limit',
      });
    }
    const height = await this.options.reader.height();
    const numbers = Array.from({ length: Math.max(0, Math.min(limit, height - from)) }, (_, i) => from + i);
    const blocks = await Promise.all(numbers.map((n) => this.options.reader.block(n)));
    return { height, blocks: blocks.map((block) => blockView(decodeBlock(block))) };
  }

  async getBlock(number: number): Promise<BlockView> {
    blockNumber(number, 'number');
    const height = await this.options.reader.height();
    if (number >= height) throw new GatewayError('NOT_FOUND', `block ${number} is not committed yet`);
    return blockView(decodeBlock(await this.options.reader.block(number)));
  }

  async getTransaction(txId: string): Promise<TransactionView> {
    const notFound = () => new GatewayError('NOT_FOUND', 'no such transaction');
    // Fabric transaction ids are hex SHA-256 digests; anything else cannot be on the chain.
    if (!FORMATS.sha256Hex.test(txId)) throw notFound();
    const block = await this.options.reader.blockOfTransaction(txId);
    const decoded = block && decodeBlock(block);
    const tx = decoded?.transactions.find((candidate) => candidate.txId === txId);
    if (!decoded || !tx) throw notFound();
    return transactionView(decoded, tx);
  }

  /** Replays the chain from block 0 and reports every discrepancy found. */
  async replay(options: AuditReplayOptions = {}): Promise<ReplayReport> {
    const height = await this.options.reader.height();
    const last = Math.min(
      height - 1,
      options.toBlock === undefined ? height - 1 : blockNumber(options.toBlock, 'toBlock'),
    );
    const { onProgress } = options;
    const totalBlocks = last + 1;
    onProgress?.({ blocksVerified: 0, totalBlocks });
    const outcome = await replayChain(this.blocks(last), {
      chaincodeName: this.options.chaincodeName,
      ...(onProgress && {
        onBlock: (blocksVerified: number) => onProgress({ blocksVerified, totalBlocks }),
      }),
    });
    const manifests = this.options.manifests
      ? await verifyManifests(
          outcome.deliveries,
          this.options.manifests,
          (recordId) => outcome.registration(recordId),
          onProgress &&
            ((deliveriesVerified) =>
              onProgress({
                blocksVerified: totalBlocks,
                totalBlocks,
                deliveriesVerified,
                totalDeliveries: outcome.deliveries.length,
              })),
        )
      : { manifestsChecked: 0, discrepancies: [] };
    const discrepancies = [...outcome.discrepancies, ...manifests.discrepancies];
    return {
      range: { from: 0, to: outcome.lastBlock },
      blocksChecked: outcome.blocksChecked,
      transactionsChecked: outcome.transactionsChecked,
      decisionsChecked: outcome.decisionsChecked,
      deliveriesChecked: outcome.deliveriesChecked,
      manifestsChecked: manifests.manifestsChecked,
      discrepancies,
      ok: discrepancies.length === 0,
    };
  }

  /** Blocks 0..last in order, fetching a few ahead so replay does not wait one round trip per block. */
  private async *blocks(last: number): AsyncGenerator<common.Block> {
    const ahead: Promise<common.Block>[] = [];
    let next = 0;
    const fill = () => {
      while (next <= last && ahead.length < PREFETCH_BLOCKS) {
        const fetching = this.options.reader.block(next);
        // Settled here too, so a fetch that fails after replay stopped early is not an unhandled rejection.
        fetching.catch(() => undefined);
        ahead.push(fetching);
        next += 1;
      }
    };
    fill();
    for (let pending = ahead.shift(); pending; pending = ahead.shift()) {
      const block = await pending;
      fill();
      yield block;
    }
  }
}
