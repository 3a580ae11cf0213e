/**
 * The organisation registry: no organisation changes it alone, and a caller's country is its
 * organisation's — never what its own certificate says.
 */
import type {
  AccessLogEntry,
  CommitReadiness,
  GrantView,
  OrganisationRegistry,
  RegistryApproval,
} from '../src';
import { at, FOUNDERS, harness, PATIENT_A } from './fixtures/ledger';
import type { Harness, Party } from './fixtures/ledger';
import { accessRequest, ruleCreation } from './fixtures/requests';

const change = (body: Record<string, unknown>) => JSON.stringify(body);
const genesis = (members = FOUNDERS) => change({ sequence: 1, kind: 'genesis', members });

let h: Harness;

function approve(who: Party, arg: string, time?: Date): Promise<RegistryApproval> {
  return h.submit<RegistryApproval>(who, 'organisations:approveChange', [arg], time);
}
function commit(who: Party, arg: string, time?: Date): Promise<OrganisationRegistry> {
  return h.submit<OrganisationRegistry>(who, 'organisations:commitChange', [arg], time);
}
function registry(who: Party = h.stranger): Promise<OrganisationRegistry> {
  return h.evaluate<OrganisationRegistry>(who, 'organisations:getRegistry', []);
}

describe('organisations: genesis', () => {
  beforeEach(async () => {
    h = await harness({ registry: false });
  });

  it('is committed only once every organisation it lists approved it', async () => {
    expect(await registry()).toEqual({ version: 0, members: [] });
    const arg = genesis();
    await approve(h.admin, arg);
    await approve(h.adminFr, arg);
    await h.rejects(h.admin, 'organisations:commitChange', [arg], 'FAILED_PRECONDITION');
    const readiness = await h.evaluate<CommitReadiness>(h.stranger, 'organisations:checkCommitReadiness', [
      arg,
    ]);
    expect(readiness).toMatchObject({
      sequence: 1,
      required: 3,
      ready: false,
      approvals: [
        { mspId: 'Org1MSP', approved: true },
        { mspId: 'Org2MSP', approved: true },
        { mspId: 'Org3MSP', approved: false },
      ],
    });
    await approve(h.adminIt, arg);
    const founded = await commit(h.adminFr, arg, at(1));
    expect(founded).toMatchObject({ version: 1, members: FOUNDERS, changeHash: readiness.changeHash });
    expect(h.lastEvent()).toEqual({
      eventName: 'custodia.registry.changed',
      payload: {
        version: 1,
        changeHash: readiness.changeHash,
        kind: 'genesis',
        mspIds: ['Org1MSP', 'Org2MSP', 'Org3MSP'],
      },
    });
    expect(await registry()).toEqual(founded);
    await h.rejects(
      h.admin,
      'organisations:approveChange',
      [change({ sequence: 2, kind: 'genesis', members: FOUNDERS })],
      'FAILED_PRECONDITION',
    );
  });

  it('counts an organisation once, whoever of its admins approves, and only for exactly that change', async () => {
    const arg = genesis(FOUNDERS.slice(0, 2));
    await approve(h.admin, arg);
    const secondAdmin = await h.member('Org1MSP', 'admin-2', 'admin');
    await approve(secondAdmin, arg);
    // Org2 approves a different genesis (another country for itself): it does not count for this one.
    await approve(h.adminFr, genesis([FOUNDERS[0]!, { mspId: 'Org2MSP', country: 'ES' }]));
    await h.rejects(h.admin, 'organisations:commitChange', [arg], 'FAILED_PRECONDITION');
    // A later approval by the same organisation replaces its earlier one.
    await approve(h.adminFr, arg);
    await commit(h.admin, arg);
    expect((await registry()).members).toEqual(FOUNDERS.slice(0, 2));
  });

  it('refuses approvals and commits from anyone but an organisation admin, and commits from outsiders', async () => {
    const arg = genesis(FOUNDERS.slice(0, 2));
    const clinician = await h.member('Org1MSP', 'dr-x', 'clinician');
    await h.rejects(clinician, 'organisations:approveChange', [arg], 'FORBIDDEN');
    await h.rejects(h.stranger, 'organisations:approveChange', [arg], 'FORBIDDEN');
    await approve(h.admin, arg);
    await approve(h.adminFr, arg);
    // Org3 is not a founder of this registry: it does not commit it.
    await h.rejects(h.adminIt, 'organisations:commitChange', [arg], 'FORBIDDEN');
    await h.rejects(clinician, 'organisations:commitChange', [arg], 'FORBIDDEN');
  });

  it('refuses every other transaction while no registry exists', async () => {
    await h.rejects(h.admin, 'patients:registerPatient', [PATIENT_A], 'FORBIDDEN');
    await h.rejects(h.clinician, 'access:requestAccess', [accessRequest(['allergies'])], 'FORBIDDEN');
    await h.rejects(
      h.auditor,
      'audit:listAccessLog',
      [JSON.stringify({ by: 'time', from: at(0).toISOString() }), '10', ''],
      'FORBIDDEN',
    );
  });
});

describe('organisations: changes after the genesis', () => {
  beforeEach(async () => {
    h = await harness();
  });

  it('no organisation changes a country alone; a strict majority of members does', async () => {
    const arg = change({ sequence: 2, kind: 'change-country', mspId: 'Org2MSP', country: 'IT' });
    await approve(h.adminFr, arg);
    await h.rejects(h.adminFr, 'organisations:commitChange', [arg], 'FAILED_PRECONDITION');
    expect((await registry()).members).toEqual(FOUNDERS);
    await approve(h.admin, arg);
    const next = await commit(h.adminFr, arg, at(1));
    expect(next.version).toBe(2);
    expect(next.members).toContainEqual({ mspId: 'Org2MSP', country: 'IT' });
    // The same change cannot be committed twice, nor old approvals reused for a later sequence.
    await h.rejects(h.adminFr, 'organisations:commitChange', [arg], 'FAILED_PRECONDITION');
  });

  it('moves the countries callers get: rules limited by country follow the registry, and grants are re-decided', async () => {
    await h.submit(h.patientA, 'rules:createRule', [
      ruleCreation({
        effect: 'permit',
        grantee: { kind: 'role', role: 'clinician', countries: ['FR'] },
        categories: ['allergies'],
        purposes: ['TREAT'],
      }),
    ]);
    const granted = await h.submit<AccessLogEntry>(h.clinicianFr, 'access:requestAccess', [
      accessRequest(['allergies']),
    ]);
    expect(granted.decision.granted).toEqual(['allergies']);
    const arg = change({ sequence: 2, kind: 'change-country', mspId: 'Org2MSP', country: 'BE' });
    await approve(h.admin, arg);
    await approve(h.adminIt, arg);
    await commit(h.admin, arg, at(1));
    const grant = await h.evaluate<GrantView>(h.auditor, 'access:getGrant', [granted.entryId], at(1));
    expect(grant.status).toBe('narrowed');
    // Org2's staff now hold certificates saying FR, which the registry contradicts.
    await h.rejects(
      h.clinicianFr,
      'access:requestAccess',
      [accessRequest(['allergies'])],
      'FORBIDDEN',
      at(1),
    );
    const fresh = await h.member('Org2MSP', 'dr-be', 'clinician');
    const denied = await h.submit<AccessLogEntry>(
      fresh,
      'access:requestAccess',
      [accessRequest(['allergies'])],
      at(1),
    );
    expect(denied.requester.country).toBe('BE');
    expect(denied.decision.granted).toEqual([]);
  });

  it('admits a new organisation by majority; its approval before then does not count', async () => {
    h = await harness({ registry: FOUNDERS.slice(0, 2) });
    const arg = change({ sequence: 2, kind: 'add', mspId: 'Org3MSP', country: 'IT' });
    const applicant = await h.member('Org3MSP', 'dr-it', 'clinician');
    await h.rejects(applicant, 'access:requestAccess', [accessRequest(['allergies'])], 'FORBIDDEN');
    await h.rejects(h.adminIt, 'patients:registerPatient', [`pt-${'c'.repeat(26)}`], 'FORBIDDEN');
    // The applicant may approve its own admission, and read the registry, but that is not a majority.
    await approve(h.adminIt, arg);
    await approve(h.admin, arg);
    expect(
      (await h.evaluate<CommitReadiness>(h.adminIt, 'organisations:checkCommitReadiness', [arg])).ready,
    ).toBe(false);
    await h.rejects(h.admin, 'organisations:commitChange', [arg], 'FAILED_PRECONDITION');
    await approve(h.adminFr, arg);
    await commit(h.admin, arg);
    const entry = await h.submit<AccessLogEntry>(applicant, 'access:requestAccess', [
      accessRequest(['allergies']),
    ]);
    expect(entry.requester).toEqual({ mspId: 'Org3MSP', role: 'clinician', id: 'dr-it', country: 'IT' });
  });

  it('removes an organisation by majority: from then on its identities are refused', async () => {
    const arg = change({ sequence: 2, kind: 'remove', mspId: 'Org3MSP' });
    await approve(h.admin, arg);
    await approve(h.adminFr, arg);
    await commit(h.admin, arg);
    const italian = await h.member('Org3MSP', 'dr-it', 'clinician');
    await h.rejects(italian, 'access:requestAccess', [accessRequest(['allergies'])], 'FORBIDDEN');
    await h.rejects(h.adminIt, 'patients:registerPatient', [`pt-${'c'.repeat(26)}`], 'FORBIDDEN');
  });

  it('never empties the registry, which would reopen the genesis to whoever asks first', async () => {
    h = await harness({ registry: FOUNDERS.slice(0, 1) });
    const arg = change({ sequence: 2, kind: 'remove', mspId: 'Org1MSP' });
    await h.rejects(h.admin, 'organisations:approveChange', [arg], 'FAILED_PRECONDITION');
  });

  it.each([
    ['a stale sequence', { sequence: 1, kind: 'add', mspId: 'Org9MSP', country: 'ES' }],
    ['a future sequence', { sequence: 3, kind: 'add', mspId: 'Org9MSP', country: 'ES' }],
    ['adding a member', { sequence: 2, kind: 'add', mspId: 'Org2MSP', country: 'FR' }],
    ['removing a stranger', { sequence: 2, kind: 'remove', mspId: 'Org9MSP' }],
    ['a country it already has', { sequence: 2, kind: 'change-country', mspId: 'Org2MSP', country: 'FR' }],
  ])('refuses to approve %s with FAILED_PRECONDITION', async (_name, body) => {
    await h.rejects(h.admin, 'organisations:approveChange', [change(body)], 'FAILED_PRECONDITION');
  });
});

describe('organisations: the country of a caller', () => {
  beforeEach(async () => {
    h = await harness();
  });

  it('refuses a German clinician whose certificate claims France, before any French-only rule is consulted', async () => {
    await h.submit(h.patientA, 'rules:createRule', [
      ruleCreation({
        effect: 'permit',
        grantee: { kind: 'role', role: 'clinician', countries: ['FR'] },
        categories: ['allergies'],
        purposes: ['TREAT'],
      }),
    ]);
    const impostor = await h.member('Org1MSP', 'dr-de', 'clinician', 'FR');
    const message = await h.rejects(
      impostor,
      'access:requestAccess',
      [accessRequest(['allergies'])],
      'FORBIDDEN',
    );
    expect(message).toContain('registry');
    // The same clinician without the claim is German, and the rule does not let it in.
    const honest = await h.member('Org1MSP', 'dr-de', 'clinician');
    const entry = await h.submit<AccessLogEntry>(honest, 'access:requestAccess', [
      accessRequest(['allergies']),
    ]);
    expect(entry.requester.country).toBe('DE');
    expect(entry.decision.granted).toEqual([]);
  });

  it('refuses a mismatching country claim on every role, reads included', async () => {
    const centre = await h.member('Org1MSP', 'centre-x', 'centre', 'FR');
    await h.rejects(centre, 'records:listRecordMeta', [PATIENT_A, '', '10', ''], 'FORBIDDEN');
    const admin = await h.member('Org1MSP', 'admin-x', 'admin', 'IT');
    await h.rejects(
      admin,
      'organisations:approveChange',
      [change({ sequence: 2, kind: 'remove', mspId: 'Org3MSP' })],
      'FORBIDDEN',
    );
  });
});
