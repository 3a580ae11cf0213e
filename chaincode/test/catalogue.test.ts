/**
 * The transaction catalogue against the real contracts (fabric-contract-api's own metadata, fabric-shim's real
 * stub): every transaction the chaincode exposes is in the catalogue with its kind and its parameters in the
 * contract's order, and every entry's encoder and decoder round-trip through the contract it names.
 */
import 'reflect-metadata';
import {
  argumentsOf,
  CONTRACT_NAMES,
  contracts,
  decodeAnswer,
  decodeEvent,
  functionName,
  TRANSACTIONS,
} from '../src';
import type { Transaction } from '../src';
import { at, harness, T0 } from './fixtures/ledger';
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

  /** Calls `transaction` as `party` with the catalogue's encoding; the answer must decode with its decoder. */
  async function call<I, O>(transaction: Transaction<I, O>, party: Party, input: I, time = T0): Promise<O> {
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
    const rule = await call(rules.createRule, h.patientA, spec);
    expect(rule).toMatchObject({ patientId: 'patient-a', version: 1, status: 'active' });
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
      (await call(rules.listPatientRules, h.auditor, { patientId: 'patient-a', page })).items,
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
    expect(await call(emergency.getEmergencyPolicy, h.auditor, { patientId: 'patient-a' })).toMatchObject({
      maxDurationMinutes: 60,
    });
    expect(
      (await call(emergency.getEmergencyPolicyHistory, h.patientA, { patientId: 'patient-a', page })).items,
    ).toHaveLength(1);

    const registration = {
      recordId: 'rec-1',
      patientId: 'patient-a',
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
          patientId: 'patient-a',
          category: 'allergies',
          page,
        })
      ).items,
    ).toHaveLength(1);
    expect(
      (await call(records.listRecordMeta, h.patientA, { patientId: 'patient-a', category: 'imaging', page }))
        .items,
    ).toHaveLength(0);

    const entry = await call(access.requestAccess, h.clinician, {
      patientId: 'patient-a',
      categories: ['problems', 'allergies'],
      purpose: 'TREAT',
      reason: 'follow-up',
    });
    expect(entry).toMatchObject({ reason: 'follow-up', requested: ['allergies', 'problems'] });
    const grantId = entry.grantId ?? '';
    const emergencyEntry = await call(
      access.requestEmergencyAccess,
      h.clinicianFr,
      {
        patientId: 'patient-a',
        categories: ['allergies'],
        reason: 'unconscious',
      },
      at(1),
    );
    expect(emergencyEntry).toMatchObject({ emergency: true, purpose: 'ETREAT' });
    expect(await call(access.getGrant, h.clinician, { grantId })).toMatchObject({ status: 'active' });
    expect(
      await call(access.recordDelivery, h.clinician, { grantId, manifestHash: 'cd'.repeat(32) }),
    ).toMatchObject({ grantId });
    expect((await call(access.listDeliveries, h.patientA, { grantId, page })).items).toHaveLength(1);
    const preview = await call(access.previewAccess, h.patientA, {
      requester: { mspId: 'Org2MSP', role: 'clinician', id: 'dr-x' },
      categories: ['problems'],
      purpose: 'TREAT',
    });
    expect(preview.decision.granted).toEqual(['problems']);

    const submission = {
      patientId: 'patient-a',
      categories: ['problems'],
      labels: [],
      contentHash: 'ef'.repeat(32),
    } as const;
    const first = await call(contributions.submitContribution, h.clinician, submission);
    const second = await call(contributions.submitContribution, h.clinician, {
      ...submission,
      contentHash: '01'.repeat(32),
    });
    expect(
      await call(contributions.approveContribution, h.patientA, { contributionId: first.contributionId }),
    ).toMatchObject({
      status: 'approved',
    });
    expect(
      await call(contributions.rejectContribution, h.patientA, { contributionId: second.contributionId }),
    ).toMatchObject({
      status: 'rejected',
    });
    expect(
      await call(contributions.getContribution, h.clinician, {
        patientId: 'patient-a',
        contributionId: first.contributionId,
      }),
    ).toMatchObject({ status: 'approved' });
    expect(
      (await call(contributions.listContributions, h.patientA, { patientId: 'patient-a', page })).items,
    ).toHaveLength(2);

    const log = await call(audit.listAccessLog, h.auditor, {
      query: { by: 'patient', patientId: 'patient-a' },
      page,
    });
    expect(log.items.map((item) => item.entryId)).toEqual([entry.entryId, emergencyEntry.entryId]);
    expect(await call(rules.revokeRule, h.patientA, { ruleId: rule.ruleId })).toMatchObject({
      status: 'revoked',
    });
  });
});
