import { peer } from '@hyperledger/fabric-protos';
import type { common } from '@hyperledger/fabric-protos';
import { grantedCategories, timeIndexKey, TRANSACTIONS } from '@custodia/chaincode';
import type { Delivery, EmergencyPolicySpec, Grant, Label, RuleSpec } from '@custodia/chaincode';
import { manifestHash } from '@custodia/datalake';
import type { Manifest } from '@custodia/datalake';
import { sealBlock } from '@custodia/network';
import { blockDataHash, validationCodesOf } from '@custodia/ledger';
import type { KeyWrite } from '@custodia/ledger';
import {
  at,
  blockSignerOf,
  buildTestChain,
  CHAINCODE,
  copyBlock,
  editJson,
  newRequestId,
  PATIENT_A,
  PATIENT_B,
  requestAccess,
  seal,
  T0,
} from '../../test/audit-chain';
import type { Party, SubmitOptions, TestChain } from '../../test/audit-chain';
import { DISCREPANCY_KINDS } from './discrepancy';
import type { Discrepancy, DiscrepancyKind } from './discrepancy';
import { checkAccessDecision } from './decision-check';
import type { LoggedBy } from './decision-check';
import { verifyManifests } from './manifests';
import type { ManifestSource } from './manifests';
import { replayChain } from './replay';
import { compositeKey, splitKey } from './world-keys';

const { rules, emergency, records, access } = TRANSACTIONS;
const PERMIT_DE_CLINICIANS: RuleSpec = {
  effect: 'permit',
  grantee: { kind: 'role', role: 'clinician', countries: ['DE'] },
  categories: ['allergies', 'medications'],
  labels: [],
  purposes: ['TREAT'],
};
const EMERGENCY_POLICY: EmergencyPolicySpec = {
  enabled: true,
  roles: ['clinician'],
  countries: [],
  categories: ['allergies'],
  labels: [],
  maxDurationMinutes: 60,
};
const RECORD = { recordId: 'rec-1', contentHash: 'ab'.repeat(32) };
/** A clinician's reason, as its salted hash (the words stay off-chain). */
const REASON_HASH = '5a'.repeat(32);

interface Story {
  readonly chain: TestChain;
  readonly ruleId: string;
  /** The clinician's granted request (block 4) and its delivery (block 5). */
  readonly grantId: string;
  readonly deliveryTxId: string;
  readonly manifest: Manifest;
}

/**
 * A clean history: a rule, an emergency policy, a record, a granted request and its delivery, a request refused
 * by country, an emergency access, the rule revoked (revoking the grant) and a request refused afterwards.
 */
async function story(): Promise<Story> {
  const chain = await buildTestChain();
  const { patient, clinician, clinicianFr, centre } = chain;
  const rule = await chain.submit(patient, rules.createRule, {
    requestId: newRequestId(),
    rule: PERMIT_DE_CLINICIANS,
  });
  await chain.submit(patient, emergency.setEmergencyPolicy, EMERGENCY_POLICY);
  await chain.submit(centre, records.registerRecord, {
    ...RECORD,
    patientId: PATIENT_A,
    categories: ['allergies'],
    labels: [],
    effectiveDate: '2030-01-01',
  });
  const granted = await requestAccess(chain, clinician, { categories: ['allergies', 'problems'], time: T0 });
  const grantId = granted.result.grantId ?? '';
  const manifest: Manifest = {
    grantId,
    patientId: PATIENT_A,
    assembledAt: at(1).toISOString(),
    included: [RECORD],
    excluded: [],
  };
  const delivery = await chain.submit(
    clinician,
    access.recordDelivery,
    { grantId, manifestHash: manifestHash(manifest) },
    {
      time: at(1),
    },
  );
  await requestAccess(chain, clinicianFr, { categories: ['allergies'], time: at(1) });
  await chain.submit(
    clinicianFr,
    access.requestEmergencyAccess,
    {
      patientId: PATIENT_A,
      categories: ['allergies'],
      reasonCode: 'unconscious',
      reasonHash: REASON_HASH,
      requestId: newRequestId(),
    },
    {
      time: at(2),
    },
  );
  await chain.submit(patient, rules.revokeRule, { ruleId: rule.result.ruleId }, { time: at(3) });
  await requestAccess(chain, clinician, { categories: ['allergies'], time: at(4) });
  return { chain, ruleId: rule.result.ruleId, grantId, deliveryTxId: delivery.txId, manifest };
}

const kinds = (found: readonly Discrepancy[]) => found.map((each) => each.kind);

/** Replays the chain and expects exactly one discrepancy, of `kind`, in transaction `txId`. */
async function onlyDiscrepancy(chain: TestChain, kind: DiscrepancyKind, txId: string): Promise<Discrepancy> {
  const outcome = await replayChain(chain.blocks, { chaincodeName: CHAINCODE });
  expect(outcome.discrepancies).toEqual([expect.objectContaining({ kind, txId })]);
  return outcome.discrepancies[0] as Discrepancy;
}

/** A delivery write for `grantId` planted into a transaction of `by`. */
function plantDelivery(grantId: string, by: Party, role = 'clinician', country = 'DE') {
  return (writes: readonly KeyWrite[], tx: { txId: string; at: string }): KeyWrite[] => {
    const delivery: Delivery = {
      deliveryId: tx.txId,
      grantId,
      patientId: PATIENT_A,
      requester: { mspId: by.mspId, role: role as 'clinician', id: by.id, country },
      manifestHash: 'cd'.repeat(32),
      deliveredAt: tx.at,
    };
    return [
      ...writes,
      {
        key: compositeKey('delivery', [grantId, tx.txId]),
        isDelete: false,
        value: Buffer.from(JSON.stringify(delivery)),
      },
    ];
  };
}

describe('replay of a clean chain', () => {
  it('re-derives every decision and checks every delivery without a discrepancy', async () => {
    const { chain } = await story();
    const outcome = await replayChain(chain.blocks, { chaincodeName: CHAINCODE });
    expect(outcome.discrepancies).toEqual([]);
    expect(outcome).toMatchObject({
      blocksChecked: 14,
      lastBlock: 13,
      // the genesis config transaction and one transaction per block after it
      transactionsChecked: 14,
      decisionsChecked: 4,
      deliveriesChecked: 1,
    });
    expect(outcome.deliveries).toHaveLength(1);
  });

  it('ignores what a transaction marked invalid wrote, as the committing peer did', async () => {
    const { chain, grantId } = await story();
    await requestAccess(chain, chain.clinicianFr, {
      time: at(5),
      tamper: editJson('access-log', (entry) => ({ ...entry, grantId: 'forged' })),
      validationCode: peer.TxValidationCode.MVCC_READ_CONFLICT,
    });
    await requestAccess(chain, chain.clinician, {
      time: at(6),
      tamper: plantDelivery(grantId, chain.clinician),
      validationCode: peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE,
    });
    const outcome = await replayChain(chain.blocks, { chaincodeName: CHAINCODE });
    expect(outcome.discrepancies).toEqual([]);
    expect(outcome.transactionsChecked).toBe(16);
    expect(outcome.decisionsChecked).toBe(4);
  });
});

describe('replay finds planted discrepancies', () => {
  it('an access-log entry granting what the rules in force deny', async () => {
    const { chain } = await story();
    // The French clinician is outside the rule's countries: a forged endorsement logs a grant anyway.
    const { txId } = await requestAccess(chain, chain.clinicianFr, {
      time: at(0.5),
      tamper: editJson('access-log', (entry) => ({
        ...entry,
        decision: { ...(entry.decision as object), granted: ['allergies'], denied: [] },
      })),
    });
    const found = await onlyDiscrepancy(chain, DISCREPANCY_KINDS.DECISION_MISMATCH, txId);
    expect(found.detail).toContain('granted: logged ["allergies"], derived []');
  });

  it('a logged decision naming a rule version that did not decide it', async () => {
    const { chain, ruleId } = await story();
    // After revocation nothing is granted; the forged entry claims version 1 of the rule still decided.
    const { txId } = await requestAccess(chain, chain.clinician, {
      time: at(5),
      tamper: editJson('access-log', (entry) => ({
        ...entry,
        decision: { ...(entry.decision as object), rules: [{ ruleId, version: 1, effect: 'permit' }] },
      })),
    });
    const found = await onlyDiscrepancy(chain, DISCREPANCY_KINDS.DECISION_MISMATCH, txId);
    expect(found.detail).toMatch(/rules: logged .*, derived/);
  });

  it('an emergency access logged as granted after the patient disabled emergency access', async () => {
    const { chain } = await story();
    await chain.submit(chain.patient, emergency.setEmergencyPolicy, { ...EMERGENCY_POLICY, enabled: false });
    const { txId } = await chain.submit(
      chain.clinicianFr,
      access.requestEmergencyAccess,
      {
        patientId: PATIENT_A,
        categories: ['allergies'],
        reasonCode: 'unconscious',
        reasonHash: REASON_HASH,
        requestId: newRequestId(),
      },
      {
        time: at(6),
        tamper: editJson('access-log', (entry) => ({
          ...entry,
          decision: { ...(entry.decision as object), granted: ['allergies'], denied: [] },
        })),
      },
    );
    await onlyDiscrepancy(chain, DISCREPANCY_KINDS.DECISION_MISMATCH, txId);
  });

  it('a grant whose expiry outlives its decision', async () => {
    const chain = await buildTestChain();
    await chain.submit(chain.patient, rules.createRule, {
      requestId: newRequestId(),
      rule: PERMIT_DE_CLINICIANS,
    });
    await requestAccess(chain, chain.clinician, { categories: ['allergies'], time: T0 });
    const { txId } = await requestAccess(chain, chain.clinician, {
      time: at(1),
      tamper: editJson('grant', (grant) => ({ ...grant, expiresAt: at(500).toISOString() })),
    });
    const found = await onlyDiscrepancy(chain, DISCREPANCY_KINDS.GRANT_MISMATCH, txId);
    expect(found.detail).toContain('expiresAt');
  });

  it('a delivery for a grant that never existed', async () => {
    const { chain } = await story();
    const { txId } = await requestAccess(chain, chain.clinician, {
      time: at(5),
      tamper: plantDelivery('no-such-grant', chain.clinician),
    });
    await onlyDiscrepancy(chain, DISCREPANCY_KINDS.DELIVERY_WITHOUT_GRANT, txId);
  });

  it('a delivery after the grant expired', async () => {
    const chain = await buildTestChain();
    await chain.submit(chain.patient, rules.createRule, {
      requestId: newRequestId(),
      rule: PERMIT_DE_CLINICIANS,
    });
    const granted = await requestAccess(chain, chain.clinician, { categories: ['allergies'], time: T0 });
    // Regular grants last 24 hours at most.
    const { txId } = await requestAccess(chain, chain.clinician, {
      time: at(30),
      tamper: plantDelivery(granted.result.grantId ?? '', chain.clinician),
    });
    const found = await onlyDiscrepancy(chain, DISCREPANCY_KINDS.DELIVERY_AFTER_EXPIRY, txId);
    expect(found.block).toBe(7);
  });

  it('a delivery after the grant was revoked', async () => {
    const { chain, grantId } = await story();
    const { txId } = await requestAccess(chain, chain.clinician, {
      time: at(5),
      tamper: plantDelivery(grantId, chain.clinician),
    });
    await onlyDiscrepancy(chain, DISCREPANCY_KINDS.DELIVERY_AFTER_REVOCATION, txId);
  });

  it('a delivery taken by someone other than the grant requester', async () => {
    const chain = await buildTestChain();
    await chain.submit(chain.patient, rules.createRule, {
      requestId: newRequestId(),
      rule: PERMIT_DE_CLINICIANS,
    });
    const granted = await requestAccess(chain, chain.clinician, { categories: ['allergies'], time: T0 });
    const { txId } = await requestAccess(chain, chain.clinicianFr, {
      time: at(1),
      tamper: plantDelivery(granted.result.grantId ?? '', chain.clinicianFr, 'clinician', 'FR'),
    });
    const found = await onlyDiscrepancy(chain, DISCREPANCY_KINDS.DELIVERY_REQUESTER_MISMATCH, txId);
    expect(found.detail).toContain('submitted by Org2MSP/clinician/dr-fr');
  });

  it('an access-log entry naming a requester other than the certificate that submitted it', async () => {
    const { chain } = await story();
    const { txId } = await requestAccess(chain, chain.clinicianFr, {
      time: at(0.5),
      tamper: editJson('access-log', (entry) => ({
        ...entry,
        requester: { mspId: 'Org1MSP', role: 'clinician', id: 'dr-a', country: 'DE' },
      })),
    });
    const outcome = await replayChain(chain.blocks, { chaincodeName: CHAINCODE });
    expect(outcome.discrepancies).toContainEqual({
      kind: DISCREPANCY_KINDS.LOG_ENTRY_INCONSISTENT,
      block: 14,
      txId,
      detail: 'access-log entry: requester Org1MSP/clinician/dr-a (submitted by Org2MSP/clinician/dr-fr)',
    });
  });

  it('an access-log time index entry deleted, hiding the entry from searches by time', async () => {
    const { chain, grantId } = await story();
    const { txId } = await requestAccess(chain, chain.clinician, {
      time: at(5),
      tamper: (writes) => [
        ...writes,
        { key: timeIndexKey(T0.toISOString(), grantId), isDelete: true, value: new Uint8Array(0) },
      ],
    });
    const found = await onlyDiscrepancy(chain, DISCREPANCY_KINDS.LEDGER_ENTRY_REWRITTEN, txId);
    expect(found.detail).toBe('access-log time index entry was deleted');
  });

  it('an earlier access-log entry overwritten', async () => {
    const { chain, grantId } = await story();
    const { txId } = await requestAccess(chain, chain.clinician, {
      time: at(5),
      tamper: (writes) => [
        ...writes,
        { key: compositeKey('access-log', [grantId]), isDelete: false, value: Buffer.from('{}') },
      ],
    });
    const outcome = await replayChain(chain.blocks, { chaincodeName: CHAINCODE });
    expect(outcome.discrepancies).toContainEqual({
      kind: DISCREPANCY_KINDS.LEDGER_ENTRY_REWRITTEN,
      block: 14,
      txId,
      detail: `access-log ${grantId} was overwritten`,
    });
  });

  it('an access-log entry written without its patient index, so the patient never sees it', async () => {
    const { chain } = await story();
    const { txId } = await requestAccess(chain, chain.clinician, {
      time: at(5),
      tamper: (writes) =>
        writes.filter((write) => splitKey(write.key)?.objectType !== 'access-log-by-patient'),
    });
    const found = await onlyDiscrepancy(chain, DISCREPANCY_KINDS.ACCESS_LOG_UNINDEXED, txId);
    expect(found.detail).toBe(`entry ${txId} has no patient index entry`);
  });

  it('an access-log entry that does not decode as the chaincode wrote it', async () => {
    const chain = await buildTestChain();
    const { txId } = await requestAccess(chain, chain.clinician, {
      tamper: editJson('access-log', (entry) => ({ ...entry, requested: 'allergies', requester: null })),
    });
    await onlyDiscrepancy(chain, DISCREPANCY_KINDS.LOG_ENTRY_INCONSISTENT, txId);
  });
});

describe('revocation at the next transaction', () => {
  const DENY_EMERGENCY: RuleSpec = {
    effect: 'deny',
    grantee: { kind: 'role', role: 'clinician' },
    categories: ['allergies'],
    labels: [],
    purposes: ['ETREAT'],
  };
  const withoutGrantWrites = (writes: readonly KeyWrite[]) =>
    writes.filter((write) => !['grant', 'grant-live'].includes(splitKey(write.key)?.objectType ?? ''));

  async function emergencyGranted(): Promise<TestChain> {
    const chain = await buildTestChain();
    await chain.submit(chain.patient, emergency.setEmergencyPolicy, EMERGENCY_POLICY);
    await chain.submit(chain.clinicianFr, access.requestEmergencyAccess, {
      patientId: PATIENT_A,
      categories: ['allergies'],
      reasonCode: 'unconscious',
      reasonHash: REASON_HASH,
      requestId: newRequestId(),
    });
    return chain;
  }

  it('accepts a deny rule that revokes the live grant it cuts, in its own transaction', async () => {
    const chain = await emergencyGranted();
    await chain.submit(
      chain.patient,
      rules.createRule,
      { requestId: newRequestId(), rule: DENY_EMERGENCY },
      { time: at(0.5) },
    );
    const outcome = await replayChain(chain.blocks, { chaincodeName: CHAINCODE });
    expect(outcome.discrepancies).toEqual([]);
  });

  it('names a grant a new deny rule left active', async () => {
    const chain = await emergencyGranted();
    const { txId } = await chain.submit(
      chain.patient,
      rules.createRule,
      { requestId: newRequestId(), rule: DENY_EMERGENCY },
      {
        time: at(0.5),
        tamper: withoutGrantWrites,
      },
    );
    const found = await onlyDiscrepancy(chain, DISCREPANCY_KINDS.GRANT_NOT_REVOKED, txId);
    expect(found.detail).toContain('cuts it');
  });

  it('names a grant a revoked rule left active', async () => {
    const chain = await buildTestChain();
    const rule = await chain.submit(chain.patient, rules.createRule, {
      requestId: newRequestId(),
      rule: PERMIT_DE_CLINICIANS,
    });
    const granted = await requestAccess(chain, chain.clinician);
    const { txId } = await chain.submit(
      chain.patient,
      rules.revokeRule,
      { ruleId: rule.result.ruleId },
      {
        time: at(1),
        tamper: withoutGrantWrites,
      },
    );
    const found = await onlyDiscrepancy(chain, DISCREPANCY_KINDS.GRANT_NOT_REVOKED, txId);
    expect(found.detail).toBe(
      `grant ${granted.txId} stayed active although rule ${rule.result.ruleId} that decided it was revoked (version 2)`,
    );
  });

  it('names a grant revoked by a change that does not concern it', async () => {
    const chain = await buildTestChain();
    await chain.submit(chain.patient, rules.createRule, {
      requestId: newRequestId(),
      rule: PERMIT_DE_CLINICIANS,
    });
    const granted = await requestAccess(chain, chain.clinician);
    const entry = granted.result;
    const grant: Grant = {
      grantId: granted.txId,
      patientId: entry.patientId,
      requester: entry.requester,
      purpose: entry.purpose,
      emergency: false,
      requested: entry.requested,
      granted: grantedCategories(entry.decision),
      denied: entry.decision.denied,
      rules: entry.decision.rules,
      issuedAt: entry.timestamp,
      expiresAt: entry.expiresAt ?? '',
    };
    const unrelated: RuleSpec = { ...PERMIT_DE_CLINICIANS, categories: ['results'] };
    const { txId } = await chain.submit(
      chain.patient,
      rules.createRule,
      { requestId: newRequestId(), rule: unrelated },
      {
        time: at(1),
        tamper: (writes, tx) => [
          ...writes,
          {
            key: compositeKey('grant', [grant.grantId]),
            isDelete: false,
            value: Buffer.from(
              JSON.stringify({ ...grant, revoked: { at: tx.at, txId: tx.txId, ruleId: 'x' } }),
            ),
          },
        ],
      },
    );
    await onlyDiscrepancy(chain, DISCREPANCY_KINDS.GRANT_REVOKED_WITHOUT_CAUSE, txId);
  });
});

describe('a grant its patient ended', () => {
  async function withGrant(): Promise<{ chain: TestChain; grant: Grant }> {
    const chain = await buildTestChain();
    await chain.submit(chain.patient, rules.createRule, {
      requestId: newRequestId(),
      rule: PERMIT_DE_CLINICIANS,
    });
    const granted = await requestAccess(chain, chain.clinician);
    const entry = granted.result;
    const grant: Grant = {
      grantId: granted.txId,
      patientId: entry.patientId,
      requester: entry.requester,
      purpose: entry.purpose,
      emergency: false,
      requested: entry.requested,
      granted: grantedCategories(entry.decision),
      denied: entry.decision.denied,
      rules: entry.decision.rules,
      issuedAt: entry.timestamp,
      expiresAt: entry.expiresAt ?? '',
    };
    return { chain, grant };
  }

  it('replays clean when the patient ended it themself', async () => {
    const { chain, grant } = await withGrant();
    await chain.submit(chain.patient, access.endGrant, { grantId: grant.grantId }, { time: at(1) });
    const outcome = await replayChain(chain.blocks, { chaincodeName: CHAINCODE });
    expect(outcome.discrepancies).toEqual([]);
  });

  it('names a grant another party wrote as "ended by the patient"', async () => {
    const { chain, grant } = await withGrant();
    // The clinician's own transaction plants the revocation the patient alone may make.
    const { txId } = await chain.submit(
      chain.clinician,
      access.requestAccess,
      { patientId: PATIENT_A, categories: ['allergies'], purpose: 'TREAT', requestId: newRequestId() },
      {
        time: at(1),
        tamper: (writes, tx) => [
          ...writes,
          {
            key: compositeKey('grant', [grant.grantId]),
            isDelete: false,
            value: Buffer.from(
              JSON.stringify({ ...grant, revoked: { at: tx.at, txId: tx.txId, ruleId: 'ended-by-patient' } }),
            ),
          },
        ],
      },
    );
    await onlyDiscrepancy(chain, DISCREPANCY_KINDS.GRANT_REVOKED_WITHOUT_CAUSE, txId);
  });
});

describe('registries, erasure, disabled identities and who the chaincode admits', () => {
  const { organisations, patients, identities } = TRANSACTIONS;
  const json = (key: string, value: unknown): KeyWrite => ({
    key,
    isDelete: false,
    value: Buffer.from(JSON.stringify(value)),
  });

  async function granted(): Promise<{ chain: TestChain; grantId: string }> {
    const chain = await buildTestChain();
    await chain.submit(chain.patient, rules.createRule, {
      requestId: newRequestId(),
      rule: PERMIT_DE_CLINICIANS,
    });
    const entry = await requestAccess(chain, chain.clinician, { categories: ['allergies'], time: at(0.1) });
    return { chain, grantId: entry.result.grantId ?? '' };
  }

  it('accepts a patient’s erasure and a clinician disabled, each revoking the grants it ends', async () => {
    const { chain } = await granted();
    await chain.submit(chain.admin, patients.registerPatient, { patientId: PATIENT_B }, { time: at(0.2) });
    await chain.submit(
      chain.admin,
      identities.disableIdentity,
      { role: 'clinician', id: 'dr-a' },
      { time: at(0.3) },
    );
    await chain.submit(chain.adminFr, organisations.approveChange, {
      sequence: 2,
      kind: 'add',
      mspId: 'Org3MSP',
      country: 'IT',
    });
    await chain.submit(chain.admin, patients.markPatientErased, { patientId: PATIENT_A }, { time: at(0.4) });
    const outcome = await replayChain(chain.blocks, { chaincodeName: CHAINCODE });
    expect(outcome.discrepancies).toEqual([]);
  });

  it('names an erasure that left a grant of the patient active', async () => {
    const { chain } = await granted();
    const { txId } = await chain.submit(
      chain.admin,
      patients.markPatientErased,
      { patientId: PATIENT_A },
      {
        time: at(0.2),
        tamper: (writes) =>
          writes.filter(
            (write) =>
              !['grant', 'grant-live', 'grant-by-requester'].includes(splitKey(write.key)?.objectType ?? ''),
          ),
      },
    );
    const found = await onlyDiscrepancy(chain, DISCREPANCY_KINDS.GRANT_NOT_REVOKED, txId);
    expect(found.detail).toContain('its patient was erased');
  });

  it('accepts the erasure of a patient whose grant was delivered, and names a delivery planted after it', async () => {
    const { chain, grantId } = await granted();
    await chain.submit(
      chain.clinician,
      access.recordDelivery,
      { grantId, manifestHash: 'ab'.repeat(32) },
      { time: at(0.15) },
    );
    await chain.submit(chain.admin, patients.registerPatient, { patientId: PATIENT_B }, { time: at(0.2) });
    await chain.submit(chain.admin, patients.markPatientErased, { patientId: PATIENT_A }, { time: at(0.3) });
    expect((await replayChain(chain.blocks, { chaincodeName: CHAINCODE })).discrepancies).toEqual([]);

    // The clinician's next transaction (a request about another patient) also writes a delivery of the erased
    // patient's revoked grant.
    const { txId } = await chain.submit(
      chain.clinician,
      access.requestAccess,
      { patientId: PATIENT_B, categories: ['allergies'], purpose: 'TREAT', requestId: newRequestId() },
      { time: at(0.4), tamper: plantDelivery(grantId, chain.clinician) },
    );
    const { discrepancies } = await replayChain(chain.blocks, { chaincodeName: CHAINCODE });
    expect(discrepancies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: DISCREPANCY_KINDS.DELIVERY_AFTER_REVOCATION, txId }),
      ]),
    );
    expect(discrepancies.every((found) => found.txId === txId)).toBe(true);
  });

  it('names a disabled clinician whose grant stayed active', async () => {
    const { chain, grantId } = await granted();
    const disabled = await chain.submit(
      chain.admin,
      identities.disableIdentity,
      { role: 'clinician', id: 'dr-a' },
      {
        time: at(0.2),
        tamper: (writes) =>
          writes.filter(
            (write) =>
              !['grant', 'grant-live', 'grant-by-requester'].includes(splitKey(write.key)?.objectType ?? ''),
          ),
      },
    );
    const outcome = await replayChain(chain.blocks, { chaincodeName: CHAINCODE });
    expect(outcome.discrepancies).toEqual([
      expect.objectContaining({
        kind: DISCREPANCY_KINDS.GRANT_NOT_REVOKED,
        txId: disabled.txId,
        detail: `grant ${grantId} stayed active although its requester was disabled`,
      }),
    ]);
  });

  it('names a request logged with a country other than the registry gives the requester’s organisation', async () => {
    const chain = await buildTestChain();
    await chain.submit(chain.patient, rules.createRule, {
      requestId: newRequestId(),
      rule: PERMIT_DE_CLINICIANS,
    });
    const { txId } = await requestAccess(chain, chain.clinician, {
      time: at(0.1),
      tamper: editJson('access-log', (entry) => ({
        ...entry,
        requester: { ...(entry.requester as object), country: 'FR' },
      })),
    });
    const outcome = await replayChain(chain.blocks, { chaincodeName: CHAINCODE });
    expect(outcome.discrepancies).toContainEqual(
      expect.objectContaining({
        kind: DISCREPANCY_KINDS.CALLER_NOT_ADMITTED,
        txId,
        detail: expect.stringContaining('logged with country FR, the registry gives DE'),
      }),
    );
  });

  it('names a patient registration forged into another organisation’s transaction', async () => {
    const chain = await buildTestChain();
    const { txId } = await requestAccess(chain, chain.clinicianFr, {
      time: at(0.1),
      tamper: (writes, tx) => [
        ...writes,
        json(compositeKey('patient', [PATIENT_B]), {
          patientId: PATIENT_B,
          mspId: 'Org2MSP',
          registeredBy: 'dr-fr',
          registeredAt: tx.at,
          txId: tx.txId,
        }),
      ],
    });
    const found = await onlyDiscrepancy(chain, DISCREPANCY_KINDS.REGISTRATION_INCONSISTENT, txId);
    expect(found.detail).toContain('written by Org2MSP/clinician/dr-fr');
  });

  it('names a registry version committed without the majority of its members', async () => {
    const chain = await buildTestChain();
    // Org1 alone approves adding an organisation (two members: both are needed), then commits by forging the write.
    const add = { sequence: 2, kind: 'add', mspId: 'Org3MSP', country: 'IT' } as const;
    await chain.submit(chain.admin, organisations.approveChange, add);
    const { txId } = await chain.submit(chain.admin, organisations.approveChange, add, {
      tamper: (writes, tx) => [
        ...writes,
        json(compositeKey('registry', []), {
          version: 2,
          members: [
            { mspId: 'Org1MSP', country: 'DE' },
            { mspId: 'Org2MSP', country: 'FR' },
            { mspId: 'Org3MSP', country: 'IT' },
          ],
          changeHash: 'ab'.repeat(32),
          updatedAt: tx.at,
          txId: tx.txId,
        }),
      ],
    });
    const found = await onlyDiscrepancy(chain, DISCREPANCY_KINDS.REGISTRY_CHANGE_UNAPPROVED, txId);
    expect(found.detail).toContain('0 of the 2 approvals needed');
  });

  it('names a break-glass entry whose count of the day is not the requester’s, and one past the hourly limit', async () => {
    const chain = await buildTestChain();
    await chain.submit(chain.patient, emergency.setEmergencyPolicy, EMERGENCY_POLICY);
    const breakGlass = (time: Date, tamper?: SubmitOptions['tamper']) =>
      chain.submit(
        chain.clinicianFr,
        access.requestEmergencyAccess,
        {
          patientId: PATIENT_A,
          categories: ['allergies'],
          reasonCode: 'unconscious',
          reasonHash: REASON_HASH,
          requestId: newRequestId(),
        },
        { time, ...(tamper === undefined ? {} : { tamper }) },
      );
    const first = await breakGlass(at(0.1));
    const undercounted = await breakGlass(
      at(0.2),
      editJson('access-log', (entry) => ({ ...entry, emergencyRequests24h: 1 })),
    );
    const found = await onlyDiscrepancy(chain, DISCREPANCY_KINDS.DECISION_MISMATCH, undercounted.txId);
    expect(found.detail).toContain('emergencyRequests24h');

    // The chaincode refuses a sixth request in the hour (RESOURCE_EXHAUSTED), so only a forged entry can carry one:
    // the check names an entry logged when its requester already had five.
    const logged: LoggedBy = { block: 9, txId: first.txId, at: first.result.timestamp, creator: undefined };
    const state = {
      rules: [],
      policy: { ...EMERGENCY_POLICY, patientId: PATIENT_A, version: 1, updatedAt: '', txId: '' },
    };
    const past = checkAccessDecision({ ...first.result, emergencyRequests24h: 6 }, undefined, state, logged, {
      lastDay: 5,
      lastHour: 5,
    });
    expect(kinds(past)).toContain(DISCREPANCY_KINDS.EMERGENCY_LIMIT_EXCEEDED);
    expect(
      kinds(checkAccessDecision(first.result, undefined, state, logged, { lastDay: 0, lastHour: 0 })),
    ).not.toContain(DISCREPANCY_KINDS.EMERGENCY_LIMIT_EXCEEDED);
  });

  it('names an emergency refusal logged with a reason the policy does not give', async () => {
    const chain = await buildTestChain();
    await chain.submit(chain.patient, emergency.setEmergencyPolicy, EMERGENCY_POLICY);
    // The policy admits French clinicians but does not cover problems: the chaincode logs `not-covered`; a forged
    // entry that says the patient has no policy at all misleads the clinician and is named.
    const forged = await chain.submit(
      chain.clinicianFr,
      access.requestEmergencyAccess,
      {
        patientId: PATIENT_A,
        categories: ['problems'],
        reasonCode: 'unconscious',
        reasonHash: REASON_HASH,
        requestId: newRequestId(),
      },
      {
        time: at(0.1),
        tamper: editJson('access-log', (entry) => ({ ...entry, emergencyRefusal: 'no-policy' })),
      },
    );
    const found = await onlyDiscrepancy(chain, DISCREPANCY_KINDS.DECISION_MISMATCH, forged.txId);
    expect(found.detail).toContain('emergencyRefusal');
  });

  it('names a delivery of a grant the rules in force no longer covered', async () => {
    const { chain, grantId } = await granted();
    // A deny of the category from 0.5 h on: the grant issued at 0.1 h is narrowed from then on.
    await chain.submit(
      chain.patient,
      rules.createRule,
      {
        requestId: newRequestId(),
        rule: { ...PERMIT_DE_CLINICIANS, effect: 'deny', notBefore: at(0.5).toISOString() },
      },
      { time: at(0.2) },
    );
    const { txId } = await requestAccess(chain, chain.clinician, {
      categories: ['medications'],
      time: at(1),
      tamper: plantDelivery(grantId, chain.clinician),
    });
    const found = await onlyDiscrepancy(chain, DISCREPANCY_KINDS.DELIVERY_OF_NARROWED_GRANT, txId);
    expect(found.detail).toContain(grantId);
  });
});

describe('hash chain verification', () => {
  const replay = (blocks: readonly common.Block[]) => replayChain(blocks, { chaincodeName: CHAINCODE });

  it('names a block whose transactions were replaced after it was hashed', async () => {
    const { chain } = await story();
    const blocks = [...chain.blocks];
    const altered = copyBlock(blocks[8] as common.Block);
    // Block 8's granted request swapped for block 13's refused one: the header no longer covers the data.
    altered.getData()?.setDataList((blocks[13] as common.Block).getData()?.getDataList_asU8() ?? []);
    blocks[8] = altered;
    const outcome = await replay(blocks);
    expect(outcome.discrepancies).toContainEqual(
      expect.objectContaining({ kind: DISCREPANCY_KINDS.DATA_HASH_MISMATCH, block: 8, txId: '' }),
    );
    expect(kinds(outcome.discrepancies)).not.toContain(DISCREPANCY_KINDS.HASH_CHAIN_BROKEN);
  });

  it('names the block after a header that was re-hashed to cover altered data', async () => {
    const { chain } = await story();
    const blocks = [...chain.blocks];
    const altered = copyBlock(blocks[8] as common.Block);
    altered.getData()?.setDataList((blocks[13] as common.Block).getData()?.getDataList_asU8() ?? []);
    altered
      .getHeader()
      ?.setDataHash((blocks[13] as common.Block).getHeader()?.getDataHash_asU8() ?? new Uint8Array());
    blocks[8] = altered;
    const outcome = await replay(blocks);
    expect(outcome.discrepancies).toContainEqual(
      expect.objectContaining({ kind: DISCREPANCY_KINDS.HASH_CHAIN_BROKEN, block: 9 }),
    );
    expect(kinds(outcome.discrepancies)).not.toContain(DISCREPANCY_KINDS.DATA_HASH_MISMATCH);
  });

  it('names a transaction marked VALID that does not decode', async () => {
    const { chain } = await story();
    const blocks = [...chain.blocks];
    const garbage = Uint8Array.from([0xff, 0xff, 0xff, 0x01]);
    const altered = copyBlock(blocks[10] as common.Block);
    altered.getData()?.setDataList([garbage]);
    altered.getHeader()?.setDataHash(blockDataHash([garbage]));
    blocks[10] = altered;
    const outcome = await replay(blocks);
    expect(outcome.discrepancies).toContainEqual({
      kind: DISCREPANCY_KINDS.MALFORMED_BLOCK,
      block: 10,
      txId: '',
      detail: 'transaction 0 is marked VALID but does not decode',
    });
  });

  it('names the last block rewritten with a consistent header, which only the orderer signature can show', async () => {
    const { chain } = await story();
    const blocks = [...chain.blocks];
    const last = blocks.length - 1;
    const altered = copyBlock(blocks[last] as common.Block);
    const forged = (blocks[8] as common.Block).getData()?.getDataList_asU8() ?? [];
    altered.getData()?.setDataList(forged);
    altered.getHeader()?.setDataHash(blockDataHash(forged));
    blocks[last] = altered;
    const found = (await replay(blocks)).discrepancies;
    expect(found).toContainEqual({
      kind: DISCREPANCY_KINDS.BLOCK_SIGNATURE_INVALID,
      block: last,
      txId: '',
      detail: 'no signature of an ordering organisation of the channel verifies over the block header',
    });
    expect(kinds(found)).not.toContain(DISCREPANCY_KINDS.HASH_CHAIN_BROKEN);
    expect(kinds(found)).not.toContain(DISCREPANCY_KINDS.DATA_HASH_MISMATCH);
  });

  it('names a block signed by an identity outside the ordering organisations, and an unsigned block', async () => {
    const { chain } = await story();
    const blocks = [...chain.blocks];
    const resigned = copyBlock(blocks[8] as common.Block);
    seal(resigned, validationCodesOf(resigned), blockSignerOf(chain.clinician.identity));
    const unsigned = copyBlock(blocks[9] as common.Block);
    sealBlock(unsigned, {
      lastConfig: 0,
      validationCodes: validationCodesOf(unsigned),
      commitHash: new Uint8Array(32),
    });
    blocks[8] = resigned;
    blocks[9] = unsigned;
    expect((await replay(blocks)).discrepancies).toEqual([
      expect.objectContaining({ kind: DISCREPANCY_KINDS.BLOCK_SIGNATURE_INVALID, block: 8 }),
      {
        kind: DISCREPANCY_KINDS.BLOCK_SIGNATURE_INVALID,
        block: 9,
        txId: '',
        detail: 'block carries no orderer signature',
      },
    ]);
  });

  it('names a block whose previous hash was changed, and a missing block', async () => {
    const { chain } = await story();
    const tampered = [...chain.blocks];
    const altered = copyBlock(tampered[11] as common.Block);
    altered.getHeader()?.setPreviousHash(new Uint8Array(32));
    tampered[11] = altered;
    // Block 11 no longer links to block 10 nor carries the orderer's signature over its header, and its header
    // hash (which covers previous_hash) no longer matches block 8's.
    expect((await replay(tampered)).discrepancies).toEqual([
      expect.objectContaining({ kind: DISCREPANCY_KINDS.HASH_CHAIN_BROKEN, block: 11 }),
      expect.objectContaining({ kind: DISCREPANCY_KINDS.BLOCK_SIGNATURE_INVALID, block: 11 }),
      expect.objectContaining({ kind: DISCREPANCY_KINDS.HASH_CHAIN_BROKEN, block: 12 }),
    ]);

    const missing = chain.blocks.filter((_, index) => index !== 7);
    const found = (await replay(missing)).discrepancies;
    expect(found).toEqual([
      expect.objectContaining({ kind: DISCREPANCY_KINDS.BLOCK_NUMBER_MISMATCH, block: 7 }),
      expect.objectContaining({ kind: DISCREPANCY_KINDS.HASH_CHAIN_BROKEN, block: 8 }),
    ]);
  });
});

describe('manifest verification', () => {
  function source(manifests: Record<string, Manifest | undefined>): ManifestSource {
    return { getManifest: (grantId) => Promise.resolve(manifests[grantId]) };
  }

  it('accepts a manifest that hashes to the delivery and whose records match their registrations', async () => {
    const { chain, grantId, manifest } = await story();
    const outcome = await replayChain(chain.blocks, { chaincodeName: CHAINCODE });
    const checked = await verifyManifests(
      outcome.deliveries,
      source({ [grantId]: manifest }),
      outcome.registration,
    );
    expect(checked).toEqual({ manifestsChecked: 1, discrepancies: [] });
  });

  it('names an altered manifest, a record hash that differs from its registration and an unregistered record', async () => {
    const { chain, grantId, manifest, deliveryTxId } = await story();
    const outcome = await replayChain(chain.blocks, { chaincodeName: CHAINCODE });
    const altered: Manifest = {
      ...manifest,
      included: [
        { recordId: 'rec-1', contentHash: 'ef'.repeat(32) },
        { recordId: 'rec-unknown', contentHash: 'ab'.repeat(32) },
      ],
    };
    const checked = await verifyManifests(
      outcome.deliveries,
      source({ [grantId]: altered }),
      outcome.registration,
    );
    expect(checked.discrepancies).toEqual([
      expect.objectContaining({
        kind: DISCREPANCY_KINDS.MANIFEST_HASH_MISMATCH,
        block: 9,
        txId: deliveryTxId,
      }),
      expect.objectContaining({ kind: DISCREPANCY_KINDS.RECORD_HASH_MISMATCH, txId: deliveryTxId }),
      expect.objectContaining({ kind: DISCREPANCY_KINDS.RECORD_NOT_REGISTERED, txId: deliveryTxId }),
    ]);
  });

  it('names a delivered record the grant does not release: a label not granted, another patient', async () => {
    const { chain, grantId, manifest } = await story();
    const register = (recordId: string, patientId: string, labels: Label[]) =>
      chain.submit(chain.centre, records.registerRecord, {
        recordId,
        patientId,
        categories: ['allergies'],
        labels,
        contentHash: 'ab'.repeat(32),
        effectiveDate: '2030-01-01',
      });
    await register('rec-hiv', PATIENT_A, ['HIV']);
    await chain.submit(chain.admin, TRANSACTIONS.patients.registerPatient, { patientId: PATIENT_B });
    await register('rec-other', PATIENT_B, []);
    const outcome = await replayChain(chain.blocks, { chaincodeName: CHAINCODE });
    const overreaching: Manifest = {
      ...manifest,
      included: [
        ...manifest.included,
        ...['rec-hiv', 'rec-other'].map((recordId) => ({ recordId, contentHash: 'ab'.repeat(32) })),
      ],
    };
    const checked = await verifyManifests(
      outcome.deliveries,
      source({ [grantId]: overreaching }),
      outcome.registration,
    );
    expect(checked.discrepancies.map((each) => [each.kind, each.detail])).toEqual([
      [DISCREPANCY_KINDS.MANIFEST_HASH_MISMATCH, expect.any(String)],
      [
        DISCREPANCY_KINDS.RECORD_OUTSIDE_GRANT,
        `record rec-hiv (allergies, HIV) is not released by grant ${grantId}`,
      ],
      [
        DISCREPANCY_KINDS.RECORD_OUTSIDE_GRANT,
        `record rec-other (allergies) is not released by grant ${grantId}`,
      ],
    ]);
  });

  it('checks every delivery of a long day with several manifests in flight, and reports them in chain order', async () => {
    const { chain, grantId, manifest } = await story();
    const outcome = await replayChain(chain.blocks, { chaincodeName: CHAINCODE });
    const genuine = outcome.deliveries[0];
    if (genuine === undefined) throw new Error('the story has no delivery');
    // 40 deliveries; every third names a manifest hash the lake's manifest does not hash to (a forged log entry).
    const forgedHash = 'cd'.repeat(32);
    const deliveries = Array.from({ length: 40 }, (_, index) => ({
      ...genuine,
      block: 100 + index,
      txId: `tx-${index}`,
      ...(index % 3 === 0 && { manifestHash: forgedHash }),
    }));
    // The earliest deliveries answer last: completion order is the reverse of the chain's.
    let calls = 0;
    const slowFirst: ManifestSource = {
      getManifest: async (asked) => {
        const delay = 40 - calls;
        calls += 1;
        await new Promise((resolve) => setTimeout(resolve, delay));
        return asked === grantId ? manifest : undefined;
      },
    };
    const told: number[] = [];
    const checked = await verifyManifests(deliveries, slowFirst, outcome.registration, (count) =>
      told.push(count),
    );
    expect(checked.manifestsChecked).toBe(40);
    expect(checked.discrepancies.map((each) => [each.kind, each.txId])).toEqual(
      deliveries
        .filter((_, index) => index % 3 === 0)
        .map((each) => [DISCREPANCY_KINDS.MANIFEST_HASH_MISMATCH, each.txId]),
    );
    expect(told.at(-1)).toBe(40);
  });

  it('names a delivery whose manifest the data lake does not have or cannot give', async () => {
    const { chain } = await story();
    const outcome = await replayChain(chain.blocks, { chaincodeName: CHAINCODE });
    const missing = await verifyManifests(outcome.deliveries, source({}), outcome.registration);
    const failing: ManifestSource = {
      getManifest: () => Promise.reject(Object.assign(new Error('down'), { code: 'DATALAKE_UNAVAILABLE' })),
    };
    const unavailable = await verifyManifests(outcome.deliveries, failing, outcome.registration);
    expect(kinds(missing.discrepancies)).toEqual([DISCREPANCY_KINDS.MANIFEST_UNAVAILABLE]);
    expect(unavailable.discrepancies[0]?.detail).toContain('DATALAKE_UNAVAILABLE');
    expect(unavailable.manifestsChecked).toBe(0);
  });
});
