/**
 * The transaction catalogue against the real contracts (fabric-contract-api's own metadata, fabric-shim's real
 * stub): every transaction the chaincode exposes is in the catalogue with its kind and its parameters in the
 * contract's order, and every entry's encoder and decoder round-trip through the contract it names.
 */
import 'reflect-metadata';
import { argumentsOf, CONTRACT_NAMES, decodeAnswer, decodeEvent, functionName, TRANSACTIONS } from '../src';
import { contracts } from '../src/contracts';
import type { Transaction } from '../src';
import { at, FOUNDERS, harness, PATIENT_A, pseudonym, T0 } from './fixtures/ledger';
import type { Harness, Party } from './fixtures/ledger';

interface TransactionMetadata {
  readonly name: string;
  readonly tag: readonly string[];
  readonly parameters: readonly { readonly name: string }[];
}

function metadataOf(contract: (typeof contracts)[number]): readonly TransactionMetadata[] {
  const found: unknown = Reflect.getMetadata('fabric:transactions', contract.prototype);
  return Array.isArray(found) ? (found as TransactionMetadata[]) : [];
}

describe('the catalogue and the contracts', () => {
  it('names each contract by a catalogue section, and nothing else', () => {
    expect(contracts.map((contract) => new contract().getName()).sort()).toEqual([...CONTRACT_NAMES].sort());
  });

  it('lists exactly the transactions each contract exposes, with their kind and parameters in order', () => {
    for (const contract of contracts) {
      const name = new contract().getName() as keyof typeof TRANSACTIONS;
      const exposed = metadataOf(contract).map((transaction) => ({
        name: transaction.name,
        kind: transaction.tag.includes('SUBMIT') ? 'submit' : 'evaluate',
        parameters: transaction.parameters.map((parameter) => parameter.name),
      }));
      const catalogued = Object.values(TRANSACTIONS[name]).map(
        (transaction: Transaction<never, unknown>) => ({
          name: transaction.name,
          kind: transaction.kind,
          parameters: [...transaction.parameters],
        }),
      );
      const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
      expect({ contract: name, transactions: catalogued.sort(byName) }).toEqual({
        contract: name,
        transactions: exposed.sort(byName),
      });
    }
  });
});

describe('every entry round-trips through its contract', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });

  function call<I, O>(transaction: Transaction<I, O>, party: Party, input: I, time = T0): Promise<O> {
    return callOn(h, transaction, party, input, time);
  }

  it('rules, emergency, records, access, contributions and audit', async () => {
    const { rules, emergency, records, access, contributions, audit } = TRANSACTIONS;
    const page = { pageSize: 10 };
    const spec = {
      effect: 'permit',
      grantee: { kind: 'role', role: 'clinician' },
      categories: ['allergies', 'problems'],
      labels: [],
      purposes: ['TREAT'],
    } as const;
    const rule = await call(rules.createRule, h.patientA, { requestId: 'rule-1', rule: spec });
    expect(rule).toMatchObject({ patientId: PATIENT_A, version: 1, status: 'active' });
    const updated = await call(rules.updateRule, h.patientA, {
      ruleId: rule.ruleId,
      rule: { ...spec, categories: ['allergies'] },
    });
    expect(updated).toMatchObject({ ruleId: rule.ruleId, version: 2, categories: ['allergies'] });
    const restored = await call(rules.restoreRuleVersion, h.patientA, { ruleId: rule.ruleId, version: 1 });
    expect(restored).toMatchObject({ version: 3, categories: ['allergies', 'problems'] });
    expect(await call(rules.getRule, h.patientA, { ruleId: rule.ruleId })).toMatchObject({ version: 3 });
    expect((await call(rules.listMyRules, h.patientA, { page })).items).toHaveLength(1);
    expect(
      (await call(rules.listPatientRules, h.auditor, { patientId: PATIENT_A, page })).items,
    ).toHaveLength(1);
    const history = await call(rules.getRuleHistory, h.patientA, {
      ruleId: rule.ruleId,
      page: { pageSize: 2 },
    });
    expect(history.items.map((version) => version.change)).toEqual(['created', 'updated']);
    expect(
      (
        await call(rules.getRuleHistory, h.patientA, {
          ruleId: rule.ruleId,
          page: { pageSize: 2, bookmark: history.bookmark },
        })
      ).items.map((version) => version.change),
    ).toEqual(['restored']);

    const policy = {
      enabled: true,
      roles: ['clinician'],
      countries: [],
      categories: ['allergies'],
      labels: [],
      maxDurationMinutes: 60,
    } as const;
    expect(await call(emergency.setEmergencyPolicy, h.patientA, policy)).toMatchObject({ version: 1 });
    expect(await call(emergency.getEmergencyPolicy, h.auditor, { patientId: PATIENT_A })).toMatchObject({
      maxDurationMinutes: 60,
    });
    expect(
      (await call(emergency.getEmergencyPolicyHistory, h.patientA, { patientId: PATIENT_A, page })).items,
    ).toHaveLength(1);

    const registration = {
      recordId: 'rec-1',
      patientId: PATIENT_A,
      categories: ['allergies'],
      labels: [],
      contentHash: 'ab'.repeat(32),
      effectiveDate: '2030-01-01',
    } as const;
    expect(await call(records.registerRecord, h.centre, registration)).toMatchObject({
      sourceMspId: 'Org1MSP',
    });
    expect(await call(records.getRecordMeta, h.admin, { recordId: 'rec-1' })).toMatchObject({
      country: 'DE',
    });
    expect(
      (
        await call(records.listRecordMeta, h.patientA, {
          patientId: PATIENT_A,
          category: 'allergies',
          page,
        })
      ).items,
    ).toHaveLength(1);
    expect(
      (await call(records.listRecordMeta, h.patientA, { patientId: PATIENT_A, category: 'imaging', page }))
        .items,
    ).toHaveLength(0);

    const entry = await call(access.requestAccess, h.clinician, {
      patientId: PATIENT_A,
      categories: ['problems', 'allergies'],
      purpose: 'TREAT',
      reasonHash: '5a'.repeat(32),
      requestId: 'access-1',
    });
    expect(entry).toMatchObject({ reasonHash: '5a'.repeat(32), requested: ['allergies', 'problems'] });
    const grantId = entry.grantId ?? '';
    const emergencyEntry = await call(
      access.requestEmergencyAccess,
      h.clinicianFr,
      {
        patientId: PATIENT_A,
        categories: ['allergies'],
        reasonCode: 'unconscious',
        reasonHash: '6b'.repeat(32),
        requestId: 'emergency-1',
      },
      at(1),
    );
    expect(emergencyEntry).toMatchObject({
      emergency: true,
      purpose: 'ETREAT',
      reasonCode: 'unconscious',
      emergencyRequests24h: 1,
    });
    expect(await call(access.getGrant, h.clinician, { grantId })).toMatchObject({ status: 'active' });
    expect(
      await call(access.recordDelivery, h.clinician, { grantId, manifestHash: 'cd'.repeat(32) }),
    ).toMatchObject({ grantId });
    expect((await call(access.listDeliveries, h.patientA, { grantId, page })).items).toHaveLength(1);
    const emergencyGrantId = emergencyEntry.grantId ?? '';
    expect((await call(access.listMyGrants, h.patientA, { page })).items.map((g) => g.grantId)).toContain(
      emergencyGrantId,
    );
    expect(await call(access.endGrant, h.patientA, { grantId: emergencyGrantId })).toMatchObject({
      grantId: emergencyGrantId,
      status: 'revoked',
      revoked: { ruleId: 'ended-by-patient' },
    });
    const preview = await call(access.previewAccess, h.patientA, {
      requester: { mspId: 'Org2MSP', role: 'clinician', id: 'dr-x' },
      categories: ['problems'],
      purpose: 'TREAT',
    });
    expect(preview.decision.granted).toEqual(['problems']);

    const submission = {
      patientId: PATIENT_A,
      categories: ['problems'],
      labels: [],
      contentHash: 'ef'.repeat(32),
    } as const;
    const first = await call(contributions.submitContribution, h.clinician, {
      ...submission,
      requestId: 'contribution-1',
    });
    const second = await call(contributions.submitContribution, h.clinician, {
      ...submission,
      contentHash: '01'.repeat(32),
      requestId: 'contribution-2',
    });
    expect(
      await call(contributions.approveContribution, h.patientA, { contributionId: first.contributionId }),
    ).toMatchObject({
      status: 'approved',
      recordId: `contribution-${first.contributionId}`,
    });
    expect(
      await call(contributions.rejectContribution, h.patientA, { contributionId: second.contributionId }),
    ).toMatchObject({
      status: 'rejected',
    });
    expect(
      await call(contributions.getContribution, h.clinician, {
        patientId: PATIENT_A,
        contributionId: first.contributionId,
      }),
    ).toMatchObject({ status: 'approved' });
    expect(
      (await call(contributions.listContributions, h.patientA, { patientId: PATIENT_A, page })).items,
    ).toHaveLength(2);

    const log = await call(audit.listAccessLog, h.auditor, {
      query: { by: 'patient', patientId: PATIENT_A },
      page,
    });
    expect(log.items.map((item) => item.entryId)).toEqual([entry.entryId, emergencyEntry.entryId]);
    expect(await call(rules.revokeRule, h.patientA, { ruleId: rule.ruleId })).toMatchObject({
      status: 'revoked',
    });
  });

  it('organisations, patients and identities', async () => {
    const { organisations, patients, identities } = TRANSACTIONS;
    const founded = await harness({ registry: false });
    const as = <I, O>(transaction: Transaction<I, O>, party: Party, input: I) =>
      callOn(founded, transaction, party, input);
    const genesis = { sequence: 1, kind: 'genesis', members: FOUNDERS } as const;
    expect(await as(organisations.getRegistry, founded.auditor, {})).toEqual({ version: 0, members: [] });
    for (const admin of [founded.admin, founded.adminFr]) {
      expect(await as(organisations.approveChange, admin, genesis)).toMatchObject({ sequence: 1 });
    }
    expect(await as(organisations.checkCommitReadiness, founded.admin, genesis)).toMatchObject({
      required: 3,
      ready: false,
    });
    await as(organisations.approveChange, founded.adminIt, genesis);
    expect(await as(organisations.commitChange, founded.adminIt, genesis)).toMatchObject({
      version: 1,
      members: FOUNDERS,
    });

    const patientId = pseudonym('c');
    expect(await as(patients.registerPatient, founded.adminFr, { patientId })).toMatchObject({
      patientId,
      mspId: 'Org2MSP',
    });
    expect(await as(patients.getPatient, founded.auditor, { patientId })).toMatchObject({ mspId: 'Org2MSP' });
    expect(await as(patients.markPatientErased, founded.adminFr, { patientId })).toMatchObject({
      erased: { at: T0.toISOString() },
    });

    const target = { role: 'clinician', id: 'dr-a' } as const;
    expect(await as(identities.disableIdentity, founded.admin, target)).toMatchObject({ disabled: true });
    expect(
      await as(identities.getIdentityStatus, founded.auditor, { ...target, mspId: 'Org1MSP' }),
    ).toMatchObject({ disabled: true, disabledBy: 'datalake' });
    expect(await as(identities.enableIdentity, founded.admin, target)).toEqual({
      ...target,
      mspId: 'Org1MSP',
      disabled: false,
    });
  });
});

/** Calls `transaction` as `party` with the catalogue's encoding; the answer must decode with its decoder. */
async function callOn<I, O>(
  h: Harness,
  transaction: Transaction<I, O>,
  party: Party,
  input: I,
  time = T0,
): Promise<O> {
  const run = transaction.kind === 'submit' ? h.ledger.submit : h.ledger.evaluate;
  const result = await run(party.identity, functionName(transaction), argumentsOf(transaction, input), {
    timestamp: time,
  });
  if (result.status !== 200) throw new Error(`${functionName(transaction)} failed: ${result.message}`);
  if (result.event) expect(decodeEvent(result.event.eventName, result.event.payload).ok).toBe(true);
  const decoded = decodeAnswer(transaction, result.payload);
  if (!decoded.ok) throw new Error(`${functionName(transaction)}: ${decoded.error.message}`);
  return decoded.value;
}
