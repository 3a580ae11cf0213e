/**
 * Disabled identities are refused by the chaincode itself, on any network: their organisation's admin
 * disables them on-chain, and every transaction checks the caller against that list.
 */
import type { AccessLogEntry, Delivery, GrantView, IdentityStatus, StoredRule } from '../src';
import { at, harness, PATIENT_A } from './fixtures/ledger';
import type { Harness } from './fixtures/ledger';
import { accessRequest, ruleCreation } from './fixtures/requests';

const identity = (role: string, id: string) => JSON.stringify({ role, id });
const HASH = 'ab'.repeat(32);

let h: Harness;
beforeEach(async () => {
  h = await harness();
  await h.submit<StoredRule>(h.patientA, 'rules:createRule', [
    ruleCreation({
      effect: 'permit',
      grantee: { kind: 'role', role: 'clinician' },
      categories: ['allergies'],
      purposes: ['TREAT'],
    }),
  ]);
});

describe('identities: a disabled clinician', () => {
  it('is refused every transaction, and its live grants are revoked in the same transaction', async () => {
    const entry = await h.submit<AccessLogEntry>(h.clinician, 'access:requestAccess', [
      accessRequest(['allergies']),
    ]);
    const other = await h.submit<AccessLogEntry>(h.clinicianFr, 'access:requestAccess', [
      accessRequest(['allergies']),
    ]);
    const status = await h.submit<IdentityStatus>(
      h.admin,
      'identities:disableIdentity',
      [identity('clinician', 'dr-a')],
      at(1),
    );
    expect(status).toEqual({
      mspId: 'Org1MSP',
      role: 'clinician',
      id: 'dr-a',
      disabled: true,
      disabledAt: at(1).toISOString(),
      disabledBy: 'datalake',
      txId: expect.any(String),
    });
    expect(h.lastEvent()).toEqual({
      eventName: 'custodia.identity.disabled',
      payload: { mspId: 'Org1MSP', role: 'clinician', id: 'dr-a', revokedGrantIds: [entry.entryId] },
    });
    const later = at(1.5);
    for (const [fcn, args] of [
      ['access:requestAccess', [accessRequest(['allergies'])]],
      ['access:recordDelivery', [entry.entryId, HASH]],
      ['access:getGrant', [entry.entryId]],
      [
        'audit:listAccessLog',
        [JSON.stringify({ by: 'requester', mspId: 'Org1MSP', requesterId: 'dr-a' }), '10', ''],
      ],
    ] as [string, string[]][]) {
      expect(await h.rejects(h.clinician, fcn, args, 'FORBIDDEN', later)).toBe('identity is disabled');
    }
    const grant = await h.evaluate<GrantView>(h.auditor, 'access:getGrant', [entry.entryId], later);
    expect(grant.status).toBe('revoked');
    expect(grant.revoked?.ruleId).toBe('identity-disabled');
    // Another organisation's clinician, and the same id elsewhere, are unaffected.
    expect((await h.evaluate<GrantView>(h.auditor, 'access:getGrant', [other.entryId], later)).status).toBe(
      'active',
    );
  });

  it('works again once enabled, without getting its revoked grants back', async () => {
    const entry = await h.submit<AccessLogEntry>(h.clinician, 'access:requestAccess', [
      accessRequest(['allergies']),
    ]);
    await h.submit(h.admin, 'identities:disableIdentity', [identity('clinician', 'dr-a')], at(1));
    await h.submit(h.admin, 'identities:enableIdentity', [identity('clinician', 'dr-a')], at(2));
    expect(h.lastEvent()?.eventName).toBe('custodia.identity.enabled');
    await h.rejects(
      h.clinician,
      'access:recordDelivery',
      [entry.entryId, HASH],
      'FAILED_PRECONDITION',
      at(2),
    );
    const fresh = await h.submit<AccessLogEntry>(
      h.clinician,
      'access:requestAccess',
      [accessRequest(['allergies'])],
      at(2),
    );
    expect(
      await h.submit<Delivery>(h.clinician, 'access:recordDelivery', [fresh.entryId, HASH], at(2)),
    ).toMatchObject({
      grantId: fresh.entryId,
    });
  });
});

describe('identities: who disables whom', () => {
  it('lets an admin disable identities of its own organisation only', async () => {
    // Org2's admin names dr-a: that is Org2's dr-a, not Org1's.
    await h.submit(h.adminFr, 'identities:disableIdentity', [identity('clinician', 'dr-a')]);
    await h.submit(h.clinician, 'access:requestAccess', [accessRequest(['allergies'])]);
    await h.rejects(
      h.adminFr,
      'identities:disableIdentity',
      [JSON.stringify({ mspId: 'Org1MSP', role: 'clinician', id: 'dr-a' })],
      'INVALID_ARGUMENT',
    );
  });

  it('is for admins only; an admin cannot disable itself; states are not repeated', async () => {
    for (const who of [h.clinician, h.centre, h.auditor, h.patientA]) {
      await h.rejects(who, 'identities:disableIdentity', [identity('clinician', 'dr-nowhere')], 'FORBIDDEN');
    }
    await h.rejects(
      h.admin,
      'identities:disableIdentity',
      [identity('admin', 'datalake')],
      'FAILED_PRECONDITION',
    );
    await h.rejects(
      h.admin,
      'identities:enableIdentity',
      [identity('clinician', 'dr-a')],
      'FAILED_PRECONDITION',
    );
    await h.submit(h.admin, 'identities:disableIdentity', [identity('clinician', 'dr-a')]);
    await h.rejects(
      h.admin,
      'identities:disableIdentity',
      [identity('clinician', 'dr-a')],
      'FAILED_PRECONDITION',
    );
  });

  it('stops a disabled admin everywhere, the registry included; another admin of its organisation restores it', async () => {
    const second = await h.member('Org1MSP', 'admin-2', 'admin');
    await h.submit(second, 'identities:disableIdentity', [identity('admin', 'datalake')]);
    await h.rejects(h.admin, 'patients:registerPatient', [`pt-${'c'.repeat(26)}`], 'FORBIDDEN');
    await h.rejects(h.admin, 'identities:enableIdentity', [identity('admin', 'datalake')], 'FORBIDDEN');
    await h.rejects(
      h.admin,
      'organisations:approveChange',
      [JSON.stringify({ sequence: 2, kind: 'remove', mspId: 'Org3MSP' })],
      'FORBIDDEN',
    );
    await h.submit(second, 'identities:enableIdentity', [identity('admin', 'datalake')]);
    await h.submit(h.admin, 'patients:registerPatient', [`pt-${'c'.repeat(26)}`]);
  });

  it('stops a disabled patient from changing their rules', async () => {
    await h.submit(h.admin, 'identities:disableIdentity', [identity('patient', PATIENT_A)]);
    await h.rejects(h.patientA, 'rules:listMyRules', ['10', ''], 'FORBIDDEN');
  });

  it('shows an identity’s status to its organisation’s admins and to auditors', async () => {
    await h.submit(h.admin, 'identities:disableIdentity', [identity('clinician', 'dr-a')]);
    const query = JSON.stringify({ mspId: 'Org1MSP', role: 'clinician', id: 'dr-a' });
    expect(
      (await h.evaluate<IdentityStatus>(h.auditor, 'identities:getIdentityStatus', [query])).disabled,
    ).toBe(true);
    expect(
      (await h.evaluate<IdentityStatus>(h.admin, 'identities:getIdentityStatus', [query])).disabled,
    ).toBe(true);
    const other = JSON.stringify({ mspId: 'Org1MSP', role: 'clinician', id: 'dr-nowhere' });
    expect(await h.evaluate(h.admin, 'identities:getIdentityStatus', [other])).toEqual({
      mspId: 'Org1MSP',
      role: 'clinician',
      id: 'dr-nowhere',
      disabled: false,
    });
    await h.rejects(h.adminFr, 'identities:getIdentityStatus', [query], 'FORBIDDEN');
    await h.rejects(h.clinicianFr, 'identities:getIdentityStatus', [query], 'FORBIDDEN');
  });
});
