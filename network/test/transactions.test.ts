/**
 * Every chaincode transaction family through the production client path: users registered and enrolled with
 * fabric-ca-client, transactions endorsed, ordered and committed through @hyperledger/fabric-gateway (connect()).
 */
import { randomUUID } from 'node:crypto';
import { EndorseError, GatewayError } from '@hyperledger/fabric-gateway';
import { status as GrpcStatus } from '@grpc/grpc-js';
import type {
  AccessLogEntry,
  Contribution,
  Delivery,
  EmergencyPolicy,
  GrantView,
  Page,
  RecordMeta,
  RuleVersion,
  StoredRule,
} from '@custodia/chaincode';
import { parseChaincodeError } from '@custodia/chaincode';
import { ChaincodeCallError } from '@custodia/ledger';
import type { LedgerConnection, TransactionOptions } from '@custodia/ledger';
import { json, ORG_DE, ORG_FR, pseudonym, startTestNetwork } from './fixtures/test-network';
import type { TestNetwork } from './fixtures/test-network';

let net: TestNetwork;
let patient: LedgerConnection;
let clinician: LedgerConnection;
let clinicianFr: LedgerConnection;
let centre: LedgerConnection;
let auditor: LedgerConnection;

const HASH = 'ab'.repeat(32);
const PATIENT = pseudonym('a');

async function submit<T>(connection: LedgerConnection, fcn: string, ...args: string[]): Promise<T> {
  return json<T>((await connection.submit(fcn, { arguments: args })).payload);
}

async function evaluate<T>(connection: LedgerConnection, fcn: string, ...args: string[]): Promise<T> {
  return json<T>(await connection.evaluate(fcn, { arguments: args }));
}

/** The chaincode's error code a call failed with (the typed error the client raises). */
async function chaincodeCode(call: Promise<unknown>): Promise<string> {
  const error: unknown = await call.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  if (!(error instanceof ChaincodeCallError))
    throw new Error(`expected a chaincode error, got ${String(error)}`);
  return error.code;
}

const permitSpec = (overrides: Record<string, unknown> = {}) => ({
  effect: 'permit',
  grantee: { kind: 'practitioner', id: 'dr-a', mspId: ORG_DE },
  categories: ['allergies', 'problems'],
  purposes: ['TREAT'],
  ...overrides,
});
/** `rules:createRule`'s argument: a new request each time. */
const permit = (overrides: Record<string, unknown> = {}): string =>
  JSON.stringify({ requestId: randomUUID(), rule: permitSpec(overrides) });

// Starting the network and enrolling five users takes a few seconds, more on a loaded machine.
beforeAll(async () => {
  net = await startTestNetwork();
  patient = await net.connect(await net.enrolPatient(ORG_DE, PATIENT));
  clinician = await net.connect(await net.enrol(ORG_DE, 'dr-a', 'clinician', 'DE'));
  clinicianFr = await net.connect(await net.enrol(ORG_FR, 'dr-fr', 'clinician', 'FR'));
  centre = await net.connect(await net.enrol(ORG_DE, 'centre-1', 'centre', 'DE'));
  auditor = await net.connect(await net.enrol(ORG_FR, 'auditor-1', 'auditor'));
}, 120_000);

afterAll(async () => {
  await net.destroy();
});

describe('rules', () => {
  it('creates, reads, updates, revokes and restores a rule, keeping every version on-chain', async () => {
    const created = await submit<StoredRule>(patient, 'rules:createRule', permit());
    expect(created).toMatchObject({ patientId: PATIENT, version: 1, status: 'active' });
    expect(await evaluate<StoredRule>(patient, 'rules:getRule', created.ruleId)).toEqual(created);

    const updated = await submit<StoredRule>(
      patient,
      'rules:updateRule',
      created.ruleId,
      JSON.stringify(permitSpec({ categories: ['allergies'] })),
    );
    expect(updated).toMatchObject({ version: 2, categories: ['allergies'] });
    const revoked = await submit<StoredRule>(patient, 'rules:revokeRule', created.ruleId);
    expect(revoked).toMatchObject({ version: 3, status: 'revoked' });
    const restored = await submit<StoredRule>(patient, 'rules:restoreRuleVersion', created.ruleId, '1');
    expect(restored).toMatchObject({ version: 4, status: 'active', categories: ['allergies', 'problems'] });

    const history = await evaluate<Page<RuleVersion>>(
      auditor,
      'rules:getRuleHistory',
      created.ruleId,
      '10',
      '',
    );
    expect(history.items.map((version) => version.version).sort()).toEqual([1, 2, 3, 4]);
    const mine = await evaluate<Page<StoredRule>>(patient, 'rules:listMyRules', '10', '');
    expect(mine.items.map((rule) => rule.ruleId)).toContain(created.ruleId);
    const listed = await evaluate<Page<StoredRule>>(auditor, 'rules:listPatientRules', PATIENT, '10', '');
    expect(listed.items.map((rule) => rule.ruleId)).toContain(created.ruleId);
  });

  it("refuses another patient's rule to a clinician with the chaincode's FORBIDDEN code", async () => {
    expect(await chaincodeCode(submit(clinician, 'rules:createRule', permit()))).toBe('FORBIDDEN');
  });
});

describe('access, deliveries and the access log', () => {
  it('grants what a rule permits, logs the request, records the delivery and lists it for the auditor', async () => {
    await submit(patient, 'rules:createRule', permit({ grantee: { kind: 'role', role: 'clinician' } }));
    const entry = await submit<AccessLogEntry>(
      clinician,
      'access:requestAccess',
      JSON.stringify({
        patientId: PATIENT,
        categories: ['allergies'],
        purpose: 'TREAT',
        reasonHash: 'fe'.repeat(32),
        requestId: randomUUID(),
      }),
    );
    expect(entry.decision.granted).toEqual(['allergies']);
    expect(entry.grantId).toBe(entry.entryId);
    const grant = await evaluate<GrantView>(clinician, 'access:getGrant', entry.entryId);
    expect(grant.status).toBe('active');

    const delivery = await submit<Delivery>(clinician, 'access:recordDelivery', entry.entryId, HASH);
    expect(delivery).toMatchObject({ grantId: entry.entryId, manifestHash: HASH });
    const deliveries = await evaluate<Page<Delivery>>(
      auditor,
      'access:listDeliveries',
      entry.entryId,
      '10',
      '',
    );
    expect(deliveries.items.map((item) => item.deliveryId)).toEqual([delivery.deliveryId]);

    const log = await evaluate<Page<AccessLogEntry>>(
      auditor,
      'audit:listAccessLog',
      JSON.stringify({ by: 'patient', patientId: PATIENT }),
      '50',
      '',
    );
    expect(log.items.map((item) => item.entryId)).toContain(entry.entryId);
  });

  it('logs a refused request too, granting nothing outside the rule', async () => {
    const entry = await submit<AccessLogEntry>(
      clinicianFr,
      'access:requestAccess',
      JSON.stringify({
        patientId: PATIENT,
        categories: ['medications'],
        purpose: 'TREAT',
        requestId: randomUUID(),
      }),
    );
    expect(entry.grantId).toBeUndefined();
    expect(entry.decision.denied).toEqual(['medications']);
    expect(await chaincodeCode(evaluate(clinicianFr, 'access:getGrant', entry.entryId))).toBe('NOT_FOUND');
  });
});

describe('emergency access', () => {
  it("grants an emergency clinician the patient's emergency categories and keeps the policy's history", async () => {
    const policy = JSON.stringify({
      enabled: true,
      roles: ['clinician'],
      countries: ['DE'],
      categories: ['allergies', 'medications'],
      maxDurationMinutes: 30,
    });
    const set = await submit<EmergencyPolicy>(patient, 'emergency:setEmergencyPolicy', policy);
    expect(set).toMatchObject({ patientId: PATIENT, version: 1 });
    expect(await evaluate<EmergencyPolicy>(patient, 'emergency:getEmergencyPolicy', PATIENT)).toEqual(set);
    const history = await evaluate<Page<EmergencyPolicy>>(
      patient,
      'emergency:getEmergencyPolicyHistory',
      PATIENT,
      '10',
      '',
    );
    expect(history.items).toHaveLength(1);

    const entry = await submit<AccessLogEntry>(
      clinician,
      'access:requestEmergencyAccess',
      JSON.stringify({
        patientId: PATIENT,
        categories: ['allergies'],
        reasonCode: 'unconscious',
        reasonHash: 'fe'.repeat(32),
        requestId: randomUUID(),
      }),
    );
    expect(entry).toMatchObject({ emergency: true, purpose: 'ETREAT', reasonCode: 'unconscious' });
    expect(entry.decision.granted).toEqual(['allergies']);
  });
});

describe('records', () => {
  it('registers a record by its hash (never its content) and lets the patient and its centre read it', async () => {
    const record = JSON.stringify({
      recordId: 'rec-1',
      patientId: PATIENT,
      categories: ['results'],
      labels: [],
      contentHash: 'c0'.repeat(32),
      effectiveDate: '2030-05-30',
    });
    const meta = await submit<RecordMeta>(centre, 'records:registerRecord', record);
    expect(meta).toMatchObject({ recordId: 'rec-1', sourceMspId: ORG_DE, country: 'DE' });
    expect(await evaluate<RecordMeta>(patient, 'records:getRecordMeta', 'rec-1')).toEqual(meta);
    const listed = await evaluate<Page<RecordMeta>>(
      centre,
      'records:listRecordMeta',
      PATIENT,
      'results',
      '10',
      '',
    );
    expect(listed.items).toEqual([meta]);
    expect(await chaincodeCode(submit(patient, 'records:registerRecord', record))).toBe('FORBIDDEN');
  });
});

describe('contributions', () => {
  it("holds a clinician's contribution until the patient approves it, once", async () => {
    const pending = await submit<Contribution>(
      clinician,
      'contributions:submitContribution',
      JSON.stringify({
        patientId: PATIENT,
        categories: ['vital-signs'],
        contentHash: 'e5'.repeat(32),
        requestId: randomUUID(),
      }),
    );
    expect(pending.status).toBe('pending');
    const approved = await submit<Contribution>(
      patient,
      'contributions:approveContribution',
      pending.contributionId,
    );
    expect(approved.status).toBe('approved');
    expect(
      await evaluate<Contribution>(
        clinician,
        'contributions:getContribution',
        PATIENT,
        pending.contributionId,
      ),
    ).toEqual(approved);
    const listed = await evaluate<Page<Contribution>>(
      patient,
      'contributions:listContributions',
      PATIENT,
      '10',
      '',
    );
    expect(listed.items.map((item) => item.contributionId)).toContain(pending.contributionId);
    expect(
      await chaincodeCode(submit(patient, 'contributions:rejectContribution', pending.contributionId)),
    ).toBe('FAILED_PRECONDITION');
  });
});

describe('chaincode errors on the wire', () => {
  it('reach fabric-gateway as an EndorseError whose details carry the coded body, and evaluate errors too', async () => {
    const network = patient.network();
    const contract = network.getContract(patient.profile.chaincodeName);
    const endorseError: unknown = await contract
      .submitTransaction('rules:getRule', 'no-such-rule')
      .catch((error: unknown) => error);
    expect(endorseError).toBeInstanceOf(EndorseError);
    const endorse = endorseError as EndorseError;
    expect(endorse.code).toBe(GrpcStatus.ABORTED);
    expect(endorse.details).toHaveLength(1);
    expect(endorse.details[0]?.mspId).toBe(ORG_DE);
    expect(parseChaincodeError(endorse.details[0]?.message ?? '')).toEqual({
      code: 'NOT_FOUND',
      message: expect.any(String) as string,
    });

    const evaluateError: unknown = await contract
      .evaluateTransaction('rules:getRule', 'no-such-rule')
      .catch((error: unknown) => error);
    expect(evaluateError).toBeInstanceOf(GatewayError);
    expect((evaluateError as GatewayError).code).toBe(GrpcStatus.UNKNOWN);
    expect(parseChaincodeError((evaluateError as GatewayError).message)?.code).toBe('NOT_FOUND');
  });

  it('are raised by connect() helpers as ChaincodeCallError with the code and the transaction id', async () => {
    const options: TransactionOptions = { arguments: ['not json'] };
    const error: unknown = await patient
      .submit('rules:createRule', options)
      .catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(ChaincodeCallError);
    expect(error).toMatchObject({
      code: 'INVALID_ARGUMENT',
      transactionId: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });
});
