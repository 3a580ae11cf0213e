/**
 * Replay: walks the chain from block 0 (header hash chain and orderer signatures), applies the writes of VALID
 * transactions to an in-memory world state keyed exactly as the chaincode keys it, and checks each transaction
 * against that state as it stood before it: every access-log entry (its parties admitted, decision re-derived,
 * grant, break-glass count, indexes), every delivery (against its grant and the rules then in force), every
 * revocation a rule or policy change, an erasure or a disabled identity owes, every registry commit, approval,
 * patient registration and identity disabling, and that history is only appended to. Pure: fed with blocks, no I/O.
 */
import type { common } from '@hyperledger/fabric-protos';
import {
  addMillis,
  EMPTY_REGISTRY,
  emergencyUseDigest,
  emergencyUseInstant,
  emergencyUseRange,
  grantCovered,
  LIMITS,
  memberOf,
  OBJECT_TYPES,
  toMillis,
  versionAttribute,
} from '@custodia/chaincode';
import type {
  AccessLogEntry,
  Caller,
  Delivery,
  EmergencyPolicy,
  Grant,
  IdentityStatus,
  Instant,
  OrganisationRegistry,
  PatientRegistration,
  RecordMeta,
  RegistryApproval,
  RuleVersion,
  StoredRule,
} from '@custodia/chaincode';
import type { GrantScope } from '@custodia/datalake';
import { MemoryState } from '@custodia/ledger';
import { decodeBlock, VALID_CODE } from './chain-decode';
import type { DecodedBlock, DecodedWrite } from './chain-decode';
import { checkAdmission } from './admission-check';
import { isAppendOnly, missingIndexes, rewritten } from './append-only';
import { BlockSignatureVerifier } from './block-signatures';
import { CreatorIdentities } from './creator';
import { checkAccessDecision } from './decision-check';
import { checkRevocations, endedByItsPatient, grantsToRevoke } from './revocation-check';
import type { GrantAffectingChange } from './revocation-check';
import type { EmergencyUse, LoggedBy } from './decision-check';
import { checkDelivery } from './delivery-check';
import { DISCREPANCY_KINDS } from './discrepancy';
import type { Discrepancy } from './discrepancy';
import { HashChainVerifier } from './hash-chain';
import {
  checkApproval,
  checkIdentityStatus,
  checkPatientRegistration,
  checkRegistryCommit,
} from './registry-check';
import { compositeKey, partialKeyRange, splitKey } from './world-keys';
import type { SplitKey } from './world-keys';

/** A delivery as logged on-chain, kept for the manifest checks that need the data lake. */
export interface LoggedDelivery {
  readonly block: number;
  readonly txId: string;
  readonly grantId: string;
  readonly manifestHash: string;
  /** The delivery transaction's time. */
  readonly deliveredAt: string;
  /** What the grant released, as world state held it before the delivery; absent when there was no grant. */
  readonly grant?: GrantScope;
}

export interface ReplayCounts {
  readonly blocksChecked: number;
  readonly transactionsChecked: number;
  readonly decisionsChecked: number;
  readonly deliveriesChecked: number;
}

export interface ReplayOutcome extends ReplayCounts {
  /** Number of the last block walked; -1 when there was none. */
  readonly lastBlock: number;
  readonly discrepancies: readonly Discrepancy[];
  readonly deliveries: readonly LoggedDelivery[];
  /** A record's registration in the replayed world state (registrations are never altered). */
  registration(recordId: string): Promise<RecordMeta | undefined>;
}

const decoder = new TextDecoder();

/** A write of the chaincode's namespace with its composite key split once (undefined for a simple key). */
interface KeyedWrite extends DecodedWrite {
  readonly split: SplitKey | undefined;
}

function parsed<T>(write: DecodedWrite): T | undefined {
  try {
    return JSON.parse(decoder.decode(write.value)) as T;
  } catch {
    return undefined;
  }
}

function timestampOf(at: string): { seconds: number; nanos: number } {
  const ms = Date.parse(at);
  return Number.isNaN(ms)
    ? { seconds: 0, nanos: 0 }
    : { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
}

class ChainReplay {
  private readonly state = new MemoryState();
  private readonly creators = new CreatorIdentities();
  private readonly found: Discrepancy[] = [];
  readonly deliveries: LoggedDelivery[] = [];
  transactionsChecked = 0;
  decisionsChecked = 0;
  deliveriesChecked = 0;

  constructor(private readonly chaincodeName: string) {}

  get discrepancies(): readonly Discrepancy[] {
    return this.found;
  }

  report(discrepancies: readonly Discrepancy[]): void {
    this.found.push(...discrepancies);
  }

  async apply(block: DecodedBlock): Promise<void> {
    for (const tx of block.transactions) {
      this.transactionsChecked += 1;
      if (tx.validationCode !== VALID_CODE) continue;
      if (tx.type === 'MALFORMED') {
        this.report([
          {
            kind: DISCREPANCY_KINDS.MALFORMED_BLOCK,
            block: block.number,
            txId: '',
            detail: `transaction ${tx.index} is marked VALID but does not decode`,
          },
        ]);
        continue;
      }
      const writes = tx.writes
        .filter((write) => write.namespace === this.chaincodeName)
        .map((write): KeyedWrite => ({ ...write, split: splitKey(write.key) }));
      const loggedBy: LoggedBy = {
        block: block.number,
        txId: tx.txId,
        at: tx.timestamp,
        creator: this.creators.of(tx.creator),
      };
      for (const write of writes) {
        if (isAppendOnly(write.key, write.split) && (await this.state.get(this.chaincodeName, write.key))) {
          this.report([rewritten(write, write.split, loggedBy)]);
        }
        await this.check(write, writes, loggedBy);
        await this.checkRegistries(write, loggedBy);
      }
      await this.checkRevocations(writes, loggedBy);
      this.state.apply(this.chaincodeName, writes, {
        version: { blockNum: block.number, txNum: tx.index },
        txId: tx.txId,
        timestamp: timestampOf(tx.timestamp),
      });
    }
  }

  async get<T>(key: string): Promise<T | undefined> {
    const found = await this.state.get(this.chaincodeName, key);
    if (!found) return undefined;
    return JSON.parse(decoder.decode(found.value)) as T;
  }

  /**
   * The rule versions and emergency policies a transaction wrote, the erasures it marked, the clinicians it
   * disabled and the grant a patient ended (revocations must follow them).
   */
  private async changesIn(writes: readonly KeyedWrite[], tx: LoggedBy): Promise<GrantAffectingChange[]> {
    const changes: GrantAffectingChange[] = [];
    for (const { split, ...write } of writes) {
      if (!split || write.isDelete) continue;
      const [first, second, third] = split.attributes;
      if (split.objectType === OBJECT_TYPES.grant) {
        const ended = endedByItsPatient(parsed<Grant>(write), tx);
        if (ended) changes.push(ended);
      } else if (split.objectType === OBJECT_TYPES.ruleVersion) {
        const version = parsed<RuleVersion>(write);
        if (version) changes.push({ kind: 'rule', version });
      } else if (split.objectType === OBJECT_TYPES.policy && first !== undefined) {
        changes.push({ kind: 'policy', patientId: first });
      } else if (split.objectType === OBJECT_TYPES.patient && first !== undefined) {
        const erased = parsed<PatientRegistration>(write)?.erased !== undefined;
        const before = await this.get<PatientRegistration>(write.key);
        if (erased && before?.erased === undefined) changes.push({ kind: 'erasure', patientId: first });
      } else if (
        split.objectType === OBJECT_TYPES.disabledIdentity &&
        first !== undefined &&
        second === 'clinician' &&
        third !== undefined
      ) {
        changes.push({ kind: 'identity-disabled', mspId: first, id: third });
      }
    }
    return changes;
  }

  /** Grants not revoked in state that this transaction writes as revoked by itself. */
  private async revokedBy(writes: readonly KeyedWrite[], tx: LoggedBy): Promise<string[]> {
    const revoked: string[] = [];
    for (const write of writes) {
      if (write.isDelete || write.split?.objectType !== OBJECT_TYPES.grant) continue;
      const after = parsed<Grant>(write);
      if (after?.revoked?.txId !== tx.txId) continue;
      const before = await this.get<Grant>(write.key);
      if (before && before.revoked === undefined) revoked.push(before.grantId);
    }
    return revoked;
  }

  private async checkRevocations(writes: readonly KeyedWrite[], tx: LoggedBy): Promise<void> {
    const changes = await this.changesIn(writes, tx);
    const revokedHere = await this.revokedBy(writes, tx);
    if (changes.length === 0 && revokedHere.length === 0) return;
    // The live grants the changes could concern: a patient's (rules, policy, erasure) or a requester's.
    const ranges = changes.map((change) => {
      switch (change.kind) {
        case 'rule':
          return partialKeyRange(OBJECT_TYPES.liveGrant, [change.version.patientId]);
        case 'identity-disabled':
          return partialKeyRange(OBJECT_TYPES.grantByRequester, [change.mspId, change.id]);
        default:
          return partialKeyRange(OBJECT_TYPES.liveGrant, [change.patientId]);
      }
    });
    const live = new Map<string, Grant>();
    for (const { start, end } of ranges) {
      for await (const entry of this.state.range(this.chaincodeName, start, end)) {
        const grantId = splitKey(entry.key)?.attributes.at(-1);
        const grant = grantId === undefined ? undefined : await this.grant(grantId);
        if (grant) live.set(grant.grantId, grant);
      }
    }
    this.report(checkRevocations(grantsToRevoke(changes, [...live.values()], tx.at), revokedHere, tx));
  }

  /** The organisation registry as world state holds it now (before the transaction being checked). */
  private async registry(): Promise<OrganisationRegistry> {
    return (await this.get<OrganisationRegistry>(compositeKey(OBJECT_TYPES.registry, []))) ?? EMPTY_REGISTRY;
  }

  private patient(patientId: string): Promise<PatientRegistration | undefined> {
    return this.get<PatientRegistration>(compositeKey(OBJECT_TYPES.patient, [patientId]));
  }

  private async disabled(party: Caller): Promise<boolean> {
    const key = compositeKey(OBJECT_TYPES.disabledIdentity, [party.mspId, party.role, party.id]);
    return (await this.state.get(this.chaincodeName, key)) !== undefined;
  }

  /** Registry commits and approvals, patient registrations and erasures, identities disabled and enabled. */
  private async checkRegistries(write: KeyedWrite, tx: LoggedBy): Promise<void> {
    const { split } = write;
    if (!split) return;
    const [first] = split.attributes;
    switch (split.objectType) {
      case OBJECT_TYPES.registry: {
        const after = parsed<OrganisationRegistry>(write);
        if (write.isDelete || after === undefined) return;
        const approvals: RegistryApproval[] = [];
        const { start, end } = partialKeyRange(OBJECT_TYPES.registryApproval, [
          versionAttribute(after.version),
        ]);
        for await (const entry of this.state.range(this.chaincodeName, start, end))
          approvals.push(JSON.parse(decoder.decode(entry.value)) as RegistryApproval);
        this.report(checkRegistryCommit(await this.registry(), after, approvals, tx));
        return;
      }
      case OBJECT_TYPES.registryApproval: {
        const approval = parsed<RegistryApproval>(write);
        if (!write.isDelete && approval !== undefined) this.report(checkApproval(approval, tx));
        return;
      }
      case OBJECT_TYPES.patient: {
        const after = parsed<PatientRegistration>(write);
        if (write.isDelete || after === undefined || first === undefined) return;
        this.report(checkPatientRegistration(await this.patient(first), after, tx));
        return;
      }
      case OBJECT_TYPES.disabledIdentity:
        if (first !== undefined)
          this.report(
            checkIdentityStatus(first, write.isDelete ? undefined : parsed<IdentityStatus>(write), tx),
          );
        return;
      default:
        return;
    }
  }

  /** The requester's emergency requests before `at`, counted as the chaincode counts them. */
  private async emergencyUse(requester: Caller, at: Instant): Promise<EmergencyUse> {
    const { start, end } = emergencyUseRange(
      emergencyUseDigest(requester),
      addMillis(at, 1 - LIMITS.emergencyReportWindowMs),
    );
    const hourStart = toMillis(at) - LIMITS.emergencyRateWindowMs;
    let lastDay = 0;
    let lastHour = 0;
    for await (const entry of this.state.range(this.chaincodeName, start, end)) {
      lastDay += 1;
      if (toMillis(emergencyUseInstant(entry.key)) > hourStart) lastHour += 1;
    }
    return { lastDay, lastHour };
  }

  /** Whether the rules (and emergency policy) in force at `at` still grant all the grant holds. */
  private async covered(grant: Grant, at: Instant): Promise<boolean> {
    const rules: StoredRule[] = [];
    const { start, end } = partialKeyRange(OBJECT_TYPES.rule, [grant.patientId]);
    for await (const rule of this.state.range(this.chaincodeName, start, end))
      rules.push(JSON.parse(decoder.decode(rule.value)) as StoredRule);
    const policy = grant.emergency
      ? await this.get<EmergencyPolicy>(compositeKey(OBJECT_TYPES.policy, [grant.patientId]))
      : undefined;
    const country = memberOf(await this.registry(), grant.requester.mspId)?.country;
    return grantCovered(grant, rules, policy, country, at);
  }

  private grant(grantId: string): Promise<Grant | undefined> {
    return this.get<Grant>(compositeKey(OBJECT_TYPES.grant, [grantId]));
  }

  private async check(write: KeyedWrite, writes: readonly KeyedWrite[], tx: LoggedBy): Promise<void> {
    const { split } = write;
    if (!split || write.isDelete) return;
    const isLog = split.objectType === OBJECT_TYPES.accessLog && split.attributes.length === 1;
    const isDelivery = split.objectType === OBJECT_TYPES.delivery && split.attributes.length === 2;
    if (!isLog && !isDelivery) return;
    if (isLog) this.decisionsChecked += 1;
    else this.deliveriesChecked += 1;
    try {
      if (isLog) await this.checkLogEntry(write, writes, tx);
      else await this.checkDelivery(write, tx);
    } catch {
      // A value that decodes as JSON but not as the chaincode's shape makes the model functions throw.
      this.report([
        {
          kind: DISCREPANCY_KINDS.LOG_ENTRY_INCONSISTENT,
          block: tx.block,
          txId: tx.txId,
          detail: `${split.objectType} entry does not have the chaincode's shape`,
        },
      ]);
    }
  }

  private async checkLogEntry(
    write: DecodedWrite,
    writes: readonly DecodedWrite[],
    tx: LoggedBy,
  ): Promise<void> {
    const entry = parsed<AccessLogEntry>(write);
    if (!entry) throw new TypeError('undecodable access-log entry');
    const grantKey = compositeKey(OBJECT_TYPES.grant, [entry.entryId]);
    const grantWrite = writes.find((each) => each.key === grantKey && !each.isDelete);
    const rules: StoredRule[] = [];
    const { start, end } = partialKeyRange(OBJECT_TYPES.rule, [entry.patientId]);
    for await (const rule of this.state.range(this.chaincodeName, start, end)) {
      rules.push(JSON.parse(decoder.decode(rule.value)) as StoredRule);
    }
    const policy = await this.get<EmergencyPolicy>(compositeKey(OBJECT_TYPES.policy, [entry.patientId]));
    this.report(
      checkAdmission(
        `entry ${entry.entryId}`,
        entry.requester,
        entry.patientId,
        {
          registry: await this.registry(),
          disabled: await this.disabled(entry.requester),
          patient: await this.patient(entry.patientId),
        },
        tx,
      ),
    );
    this.report(
      checkAccessDecision(
        entry,
        grantWrite && parsed<Grant>(grantWrite),
        { rules, ...(policy && { policy }) },
        tx,
        entry.emergency ? await this.emergencyUse(entry.requester, tx.at) : undefined,
      ),
    );
    this.report(
      missingIndexes(entry, new Set(writes.filter((each) => !each.isDelete).map((each) => each.key)), tx),
    );
  }

  private async checkDelivery(write: DecodedWrite, tx: LoggedBy): Promise<void> {
    const delivery = parsed<Delivery>(write);
    if (!delivery) throw new TypeError('undecodable delivery');
    const grant = await this.grant(delivery.grantId);
    this.report(
      checkAdmission(
        `delivery ${delivery.deliveryId}`,
        delivery.requester,
        delivery.patientId,
        {
          registry: await this.registry(),
          disabled: await this.disabled(delivery.requester),
          patient: await this.patient(delivery.patientId),
        },
        tx,
      ),
    );
    this.report(
      checkDelivery(delivery, grant, tx, grant !== undefined && (await this.covered(grant, tx.at))),
    );
    this.deliveries.push({
      block: tx.block,
      txId: tx.txId,
      grantId: delivery.grantId,
      manifestHash: delivery.manifestHash,
      deliveredAt: tx.at,
      ...(grant && { grant: { patientId: grant.patientId, granted: grant.granted } }),
    });
  }
}

export interface ReplayOptions {
  /** The chaincode whose namespace holds Custodia's world state (the connection profile's chaincodeName). */
  readonly chaincodeName: string;
  /** Told after each block is verified, with the number of blocks verified so far. */
  readonly onBlock?: (blocksChecked: number) => void;
}

/**
 * Verifies the hash chain and replays the chaincode's world state over `blocks`, which must start at block 0
 * and follow in order.
 */
export async function replayChain(
  blocks: AsyncIterable<common.Block> | Iterable<common.Block>,
  options: ReplayOptions,
): Promise<ReplayOutcome> {
  const chain = new HashChainVerifier();
  const signatures = new BlockSignatureVerifier();
  const replay = new ChainReplay(options.chaincodeName);
  let blocksChecked = 0;
  let lastBlock = -1;
  for await (const block of blocks) {
    replay.report(chain.check(block));
    replay.report(signatures.check(block));
    let decoded: DecodedBlock | undefined;
    try {
      decoded = decodeBlock(block);
    } catch {
      replay.report([
        {
          kind: DISCREPANCY_KINDS.MALFORMED_BLOCK,
          block: lastBlock + 1,
          txId: '',
          detail: 'block does not decode',
        },
      ]);
    }
    if (decoded) await replay.apply(decoded);
    blocksChecked += 1;
    lastBlock += 1;
    options.onBlock?.(blocksChecked);
  }
  return {
    blocksChecked,
    lastBlock,
    transactionsChecked: replay.transactionsChecked,
    decisionsChecked: replay.decisionsChecked,
    deliveriesChecked: replay.deliveriesChecked,
    discrepancies: replay.discrepancies,
    deliveries: replay.deliveries,
    registration: (recordId) => replay.get<RecordMeta>(compositeKey(OBJECT_TYPES.record, [recordId])),
  };
}
