/**
 * Replay & verify and the block explorer against the started embedded network: real users enrolled through the
 * CA, real transactions through connect(), and the auditor reading the chain back through qscc.
 */
import type { AccessLogEntry, Delivery, StoredRule } from '@custodia/chaincode';
import { manifestHash } from '@custodia/datalake';
import type { Manifest } from '@custodia/datalake';
import { sealBlock } from '@custodia/network';
import { validationCodesOf } from '@custodia/ledger';
import type { LedgerClientError, LedgerConnection } from '@custodia/ledger';
import { json, ORG_DE, ORG_FR, startTestNetwork } from '../../network/test/fixtures/embedded-network';
import type { TestNetwork } from '../../network/test/fixtures/embedded-network';
import { AuditService, QsccChainReader, reportCsv } from '../src/audit';
import type { ChainReader, ManifestSource, ReplayReport } from '../src/audit';
import { GatewayError } from '../src/errors';

const RECORD = { recordId: 'rec-allergy-1', contentHash: '5a'.repeat(32) };

let net: TestNetwork;
let auditor: LedgerConnection;
const manifests = new Map<string, Manifest>();
const source: ManifestSource = {
  getManifest: (grantId, hash) => Promise.resolve(manifests.get(`${grantId}/${hash}`)),
};
let grantTxId: string;
let replayed: ReplayReport;
/** The concurrent rule updates: transaction id and the validation code the client was told at commit. */
let updates: { txId: string; code: string }[] = [];

async function submit<T>(connection: LedgerConnection, fcn: string, args: string[]): Promise<T> {
  return json<T>((await connection.submit(fcn, { arguments: args })).payload);
}

beforeAll(async () => {
  net = await startTestNetwork();
  // One at a time: the CA's registrar is enrolled on first use.
  const patient = await net.enrol(ORG_DE, 'patient-audit', 'patient');
  const clinician = await net.enrol(ORG_DE, 'dr-audit-de', 'clinician', 'DE');
  const clinicianFr = await net.enrol(ORG_FR, 'dr-audit-fr', 'clinician', 'FR');
  const centre = await net.enrol(ORG_DE, 'centre-audit', 'centre', 'DE');
  const auditorIdentity = await net.enrol(ORG_DE, 'auditor-audit', 'auditor');
  const [asPatient, asClinician, asClinicianFr, asCentre] = await Promise.all(
    [patient, clinician, clinicianFr, centre].map((identity) => net.connect(identity)),
  );
  auditor = await net.connect(auditorIdentity);

  const rule = await submit<StoredRule>(asPatient, 'rules:createRule', [
    JSON.stringify({
      effect: 'permit',
      grantee: { kind: 'role', role: 'clinician', countries: ['DE'] },
      categories: ['allergies', 'medications'],
      purposes: ['TREAT'],
    }),
  ]);
  await submit(asPatient, 'emergency:setEmergencyPolicy', [
    JSON.stringify({
      enabled: true,
      roles: ['clinician'],
      categories: ['allergies'],
      maxDurationMinutes: 30,
    }),
  ]);
  await submit(asCentre, 'records:registerRecord', [
    JSON.stringify({
      ...RECORD,
      patientId: 'patient-audit',
      categories: ['allergies'],
      effectiveDate: '2025-03-01',
    }),
  ]);
  const ask = (connection: LedgerConnection) =>
    submit<AccessLogEntry>(connection, 'access:requestAccess', [
      'patient-audit',
      '["allergies","problems"]',
      'TREAT',
      '',
    ]);
  const granted = await ask(asClinician);
  grantTxId = granted.entryId;
  const manifest: Manifest = {
    grantId: granted.grantId ?? '',
    patientId: 'patient-audit',
    assembledAt: new Date().toISOString(),
    included: [RECORD],
    excluded: [],
  };
  const delivery = await submit<Delivery>(asClinician, 'access:recordDelivery', [
    manifest.grantId,
    manifestHash(manifest),
  ]);
  manifests.set(`${delivery.grantId}/${delivery.manifestHash}`, manifest);
  await ask(asClinicianFr); // refused: the rule is limited to Germany
  await submit(asClinicianFr, 'access:requestEmergencyAccess', [
    'patient-audit',
    '["allergies"]',
    'unconscious',
  ]);
  await submit(asPatient, 'rules:revokeRule', [rule.ruleId]);
  await ask(asClinician); // refused: the rule is revoked

  // Concurrent updates of one rule: those that read a version another one replaced are committed as
  // MVCC_READ_CONFLICT, and replay must apply only the valid one(s) for the last request to re-derive.
  const results = await submit<StoredRule>(asPatient, 'rules:createRule', [
    JSON.stringify({
      effect: 'permit',
      grantee: { kind: 'role', role: 'clinician' },
      categories: ['results'],
      purposes: ['TREAT'],
    }),
  ]);
  const variants = [
    ['results'],
    ['results', 'medications'],
    ['procedures'],
    ['medications'],
    ['results', 'procedures'],
  ];
  const settled = await Promise.allSettled(
    variants.map((categories) =>
      asPatient.submit('rules:updateRule', {
        arguments: [
          results.ruleId,
          JSON.stringify({
            effect: 'permit',
            grantee: { kind: 'role', role: 'clinician' },
            categories,
            purposes: ['TREAT'],
          }),
        ],
      }),
    ),
  );
  updates = settled.map((outcome) =>
    outcome.status === 'fulfilled'
      ? { txId: outcome.value.transactionId, code: 'VALID' }
      : {
          txId: (outcome.reason as LedgerClientError).details.transactionId ?? '',
          code: (outcome.reason as LedgerClientError).details.validationCode ?? '',
        },
  );
  await submit(asClinician, 'access:requestAccess', [
    'patient-audit',
    '["results","medications","procedures"]',
    'TREAT',
    '',
  ]);

  replayed = await AuditService.forConnection(auditor, source).replay();
}, 120_000);

afterAll(async () => {
  await net?.destroy();
});

describe('replay & verify on the embedded network', () => {
  it('replays the real chain from block 0 to ok, re-deriving every decision and checking every delivery', async () => {
    const page = await AuditService.forConnection(auditor).listBlocks(0, 100);
    expect(replayed.discrepancies).toEqual([]);
    expect(replayed).toMatchObject({
      ok: true,
      range: { from: 0, to: page.height - 1 },
      blocksChecked: page.height,
      // the genesis configuration transaction and the sixteen submitted above, valid or not
      transactionsChecked: 17,
      decisionsChecked: 5,
      deliveriesChecked: 1,
      manifestsChecked: 1,
    });
    expect(reportCsv(replayed)).toBe('kind,block,txId,detail\r\n');
  });

  it('names a delivery whose manifest the data lake no longer has', async () => {
    const report = await AuditService.forConnection(auditor, {
      getManifest: () => Promise.resolve(undefined),
    }).replay();
    expect(report.ok).toBe(false);
    expect(report.discrepancies).toEqual([expect.objectContaining({ kind: 'MANIFEST_UNAVAILABLE' })]);
  });

  it('verifies the orderer signature of every block served: a block stripped of it is named', async () => {
    const peerReader = new QsccChainReader(auditor);
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
      chaincodeName: auditor.profile.chaincodeName,
    }).replay();
    expect(report.discrepancies).toEqual([
      { kind: 'BLOCK_SIGNATURE_INVALID', block: 2, txId: '', detail: 'block carries no orderer signature' },
    ]);
  });

  it('replays up to a chosen block', async () => {
    const report = await AuditService.forConnection(auditor).replay({ toBlock: 0 });
    expect(report).toMatchObject({
      ok: true,
      range: { from: 0, to: 0 },
      blocksChecked: 1,
      decisionsChecked: 0,
    });
  });
});

describe('block explorer on the embedded network', () => {
  it('lists hash-chained blocks and shows a transaction with its function, creator, code and writes', async () => {
    const audit = AuditService.forConnection(auditor);
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
      functionName: 'access:requestAccess',
      validationCode: 'VALID',
    });
    const grantWrite = tx.writes.find((write) => write.objectType === 'grant');
    expect(grantWrite?.attributes).toEqual([grantTxId]);
    expect(JSON.parse(grantWrite?.value ?? '{}')).toMatchObject({
      grantId: grantTxId,
      patientId: 'patient-audit',
    });

    const block = await audit.getBlock(tx.blockNumber);
    expect(block.transactions.map((each) => each.txId)).toContain(grantTxId);
  });

  it('shows each transaction with the validation code its client was told at commit', async () => {
    const audit = AuditService.forConnection(auditor);
    const shown = await Promise.all(
      updates.map(async ({ txId }) => (await audit.getTransaction(txId)).validationCode),
    );
    expect(shown).toEqual(updates.map(({ code }) => code));
    expect(shown).toContain('VALID');
  });

  it('answers NOT_FOUND for a block not yet committed and an unknown transaction', async () => {
    const audit = AuditService.forConnection(auditor);
    const { height } = await audit.listBlocks(0, 1);
    await expect(audit.getBlock(height)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(audit.getTransaction('0'.repeat(64))).rejects.toBeInstanceOf(GatewayError);
    await expect(audit.getTransaction('0'.repeat(64))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
