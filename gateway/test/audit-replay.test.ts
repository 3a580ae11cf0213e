/**
 * Replay & verify and the block explorer against a running network (the embedded one, or the local Fabric network
 * under test:fabric): real users enrolled through the CA, real transactions through one ledger client's typed
 * sessions, and the auditor reading the chain back through qscc with the same client.
 */
import { functionName, TRANSACTIONS } from '@custodia/chaincode';
import type { RuleSpec } from '@custodia/chaincode';
import { manifestHash } from '@custodia/datalake';
import type { Manifest } from '@custodia/datalake';
import { sealBlock } from '@custodia/network';
import { LedgerClient, LedgerClientError, validationCodesOf } from '@custodia/ledger';
import type { LedgerSession } from '@custodia/ledger';
import { ORG_DE, ORG_FR, pseudonym, startTestNetwork } from '../../network/test/fixtures/test-network';
import type { TestNetwork } from '../../network/test/fixtures/test-network';
import { AuditService, reportCsv } from '../src/audit';
import type { ChainReader, ManifestSource, ReplayProgress, ReplayReport } from '../src/audit';
import { GatewayError } from '../src/errors';

const RECORD = { recordId: 'rec-allergy-1', contentHash: '5a'.repeat(32) };
const PATIENT = pseudonym('audit');
let requests = 0;
/** A client request id of its own for every creating call. */
const requestId = (): string => `audit-${(requests += 1)}`;

let net: TestNetwork;
let client: LedgerClient;
let auditor: LedgerSession;
const manifests = new Map<string, Manifest>();
const source: ManifestSource = {
  getManifest: (grantId, hash) => Promise.resolve(manifests.get(`${grantId}/${hash}`)),
};
let grantTxId: string;
let replayed: ReplayReport;
/** What replay found before the test's transactions: the genesis block, and on Fabric the chaincode's lifecycle. */
let baseline: ReplayReport;
/** The concurrent rule updates: transaction id and the validation code the client was told at commit. */
let updates: { txId: string; code: string }[] = [];

const permitClinicians = (categories: RuleSpec['categories'], countries?: string[]): RuleSpec => ({
  effect: 'permit',
  grantee: { kind: 'role', role: 'clinician', ...(countries === undefined ? {} : { countries }) },
  categories,
  labels: [],
  purposes: ['TREAT'],
});

beforeAll(async () => {
  net = await startTestNetwork();
  // No retry of read conflicts: the concurrent updates below must reach the chain as MVCC_READ_CONFLICT.
  client = new LedgerClient({
    config: { ...net.ledgerConfig, failover: { ...net.ledgerConfig.failover, conflictRetries: 0 } },
    profile: net.profile,
  });
  // One at a time: the CA's registrar is enrolled on first use.
  const patient = client.as(await net.enrolPatient(ORG_DE, PATIENT));
  const clinician = client.as(await net.enrol(ORG_DE, 'dr-audit-de', 'clinician', 'DE'));
  const clinicianFr = client.as(await net.enrol(ORG_FR, 'dr-audit-fr', 'clinician', 'FR'));
  const centre = client.as(await net.enrol(ORG_DE, 'centre-audit', 'centre', 'DE'));
  auditor = client.as(await net.enrol(ORG_DE, 'auditor-audit', 'auditor'));
  baseline = await (await AuditService.forSession(auditor, source)).replay();

  const rule = await patient.rules.create({
    requestId: requestId(),
    rule: permitClinicians(['allergies', 'medications'], ['DE']),
  });
  await patient.emergency.setPolicy({
    enabled: true,
    roles: ['clinician'],
    countries: [],
    categories: ['allergies'],
    labels: [],
    maxDurationMinutes: 30,
  });
  await centre.records.register({
    ...RECORD,
    patientId: PATIENT,
    categories: ['allergies'],
    labels: [],
    effectiveDate: '2025-03-01',
  });
  const ask = (session: LedgerSession) =>
    session.access.request({
      patientId: PATIENT,
      categories: ['allergies', 'problems'],
      purpose: 'TREAT',
      requestId: requestId(),
    });
  const granted = await ask(clinician);
  grantTxId = granted.entryId;
  const manifest: Manifest = {
    grantId: granted.grantId ?? '',
    patientId: PATIENT,
    assembledAt: new Date().toISOString(),
    included: [RECORD],
    excluded: [],
  };
  const delivery = await clinician.access.recordDelivery(manifest.grantId, manifestHash(manifest));
  manifests.set(`${delivery.grantId}/${delivery.manifestHash}`, manifest);
  await ask(clinicianFr); // refused: the rule is limited to Germany
  await clinicianFr.access.requestEmergency({
    patientId: PATIENT,
    categories: ['allergies'],
    reasonCode: 'unconscious',
    reasonHash: '6c'.repeat(32),
    requestId: requestId(),
  });
  await patient.rules.revoke(rule.ruleId);
  await ask(clinician); // refused: the rule is revoked

  // Concurrent updates of one rule: those that read a version another one replaced are committed as
  // MVCC_READ_CONFLICT, and replay must apply only the valid one(s) for the last request to re-derive.
  const results = await patient.rules.create({ requestId: requestId(), rule: permitClinicians(['results']) });
  const variants: RuleSpec['categories'][] = [
    ['results'],
    ['results', 'medications'],
    ['procedures'],
    ['medications'],
    ['results', 'procedures'],
  ];
  const settled = await Promise.allSettled(
    variants.map((categories) =>
      patient.submit(TRANSACTIONS.rules.updateRule, {
        ruleId: results.ruleId,
        rule: permitClinicians(categories),
      }),
    ),
  );
  updates = settled.map((outcome) => {
    if (outcome.status === 'fulfilled') return { txId: outcome.value.transactionId, code: 'VALID' };
    if (!(outcome.reason instanceof LedgerClientError)) throw outcome.reason;
    return {
      txId: outcome.reason.details.transactionId ?? '',
      code: outcome.reason.details.validationCode ?? '',
    };
  });
  await clinician.access.request({
    patientId: PATIENT,
    categories: ['results', 'medications', 'procedures'],
    purpose: 'TREAT',
    requestId: requestId(),
  });

  replayed = await (await AuditService.forSession(auditor, source)).replay();
}, 120_000);

afterAll(async () => {
  client?.close();
  await net?.destroy();
});

describe('replay & verify', () => {
  it('replays the real chain from block 0 to ok, re-deriving every decision and checking every delivery', async () => {
    const page = await (await AuditService.forSession(auditor)).listBlocks(0, 100);
    expect(baseline.discrepancies).toEqual([]);
    expect(replayed.discrepancies).toEqual([]);
    expect(replayed).toMatchObject({
      ok: true,
      range: { from: 0, to: page.height - 1 },
      blocksChecked: page.height,
      // those on the chain before (the genesis configuration, the registry's genesis, the patient's registration, …)
      // and the sixteen submitted above, valid or not
      transactionsChecked: baseline.transactionsChecked + 16,
      decisionsChecked: 5,
      deliveriesChecked: 1,
      manifestsChecked: 1,
    });
    expect(reportCsv(replayed)).toBe('kind,block,txId,detail\r\n');
  });

  it('tells its progress through the blocks and then through the delivery manifests, ending at both totals', async () => {
    const seen: ReplayProgress[] = [];
    const report = await (
      await AuditService.forSession(auditor, source)
    ).replay({ onProgress: (progress) => seen.push(progress) });
    expect(report.ok).toBe(true);
    const blocks = seen.filter((each) => each.totalDeliveries === undefined);
    const deliveries = seen.filter((each) => each.totalDeliveries !== undefined);
    expect(blocks.at(-1)).toEqual({
      blocksVerified: report.blocksChecked,
      totalBlocks: report.blocksChecked,
    });
    expect(deliveries).toEqual([
      {
        blocksVerified: report.blocksChecked,
        totalBlocks: report.blocksChecked,
        deliveriesVerified: 1,
        totalDeliveries: 1,
      },
    ]);
    // Blocks first, then deliveries: never back.
    expect(seen.indexOf(deliveries[0] as ReplayProgress)).toBe(seen.length - 1);
  });

  it('names a delivery whose manifest the data lake no longer has', async () => {
    const report = await (
      await AuditService.forSession(auditor, {
        getManifest: () => Promise.resolve(undefined),
      })
    ).replay();
    expect(report.ok).toBe(false);
    expect(report.discrepancies).toEqual([expect.objectContaining({ kind: 'MANIFEST_UNAVAILABLE' })]);
  });

  it('verifies the orderer signature of every block served: a block stripped of it is named', async () => {
    const peerReader = auditor.chain;
    const stripping: ChainReader = {
      height: () => peerReader.height(),
      blockOfTransaction: (txId) => peerReader.blockOfTransaction(txId),
      block: async (number) => {
        const block = await peerReader.block(number);
        if (number === 2) {
          sealBlock(block, {
            lastConfig: 0,
            validationCodes: validationCodesOf(block),
            commitHash: new Uint8Array(32),
          });
        }
        return block;
      },
    };
    const report = await new AuditService({
      reader: stripping,
      chaincodeName: (await auditor.profile()).chaincodeName,
    }).replay();
    expect(report.discrepancies).toEqual([
      { kind: 'BLOCK_SIGNATURE_INVALID', block: 2, txId: '', detail: 'block carries no orderer signature' },
    ]);
  });

  it('replays up to a chosen block', async () => {
    const report = await (await AuditService.forSession(auditor)).replay({ toBlock: 0 });
    expect(report).toMatchObject({
      ok: true,
      range: { from: 0, to: 0 },
      blocksChecked: 1,
      decisionsChecked: 0,
    });
  });
});

describe('block explorer', () => {
  it('lists hash-chained blocks and shows a transaction with its function, creator, code and writes', async () => {
    const audit = await AuditService.forSession(auditor);
    const { height, blocks } = await audit.listBlocks(0, 100);
    expect(blocks).toHaveLength(height);
    blocks.slice(1).forEach((block, index) => {
      expect(block.previousHash).toBe(blocks[index]?.hash);
    });
    expect(blocks[0]?.transactions[0]?.type).toBe('CONFIG');

    const tx = await audit.getTransaction(grantTxId);
    expect(tx).toMatchObject({
      txId: grantTxId,
      type: 'ENDORSER_TRANSACTION',
      creatorMspId: ORG_DE,
      functionName: functionName(TRANSACTIONS.access.requestAccess),
      validationCode: 'VALID',
    });
    const grantWrite = tx.writes.find((write) => write.objectType === 'grant');
    expect(grantWrite?.attributes).toEqual([grantTxId]);
    expect(JSON.parse(grantWrite?.value ?? '{}')).toMatchObject({
      grantId: grantTxId,
      patientId: PATIENT,
    });

    const block = await audit.getBlock(tx.blockNumber);
    expect(block.transactions.map((each) => each.txId)).toContain(grantTxId);
  });

  it('shows each transaction with the validation code its client was told at commit', async () => {
    const audit = await AuditService.forSession(auditor);
    const shown = await Promise.all(
      updates.map(async ({ txId }) => (await audit.getTransaction(txId)).validationCode),
    );
    expect(shown).toEqual(updates.map(({ code }) => code));
    expect(shown).toContain('VALID');
  });

  it('answers NOT_FOUND for a block not yet committed and an unknown transaction', async () => {
    const audit = await AuditService.forSession(auditor);
    const { height } = await audit.listBlocks(0, 1);
    await expect(audit.getBlock(height)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(audit.getTransaction('0'.repeat(64))).rejects.toBeInstanceOf(GatewayError);
    await expect(audit.getTransaction('0'.repeat(64))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
