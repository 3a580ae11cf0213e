import type { Contribution, Page } from '../src';
import { at, harness } from './fixtures/ledger';
import type { Harness } from './fixtures/ledger';

const submission = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    patientId: 'patient-a',
    categories: ['vital-signs'],
    contentHash: 'e5'.repeat(32),
    ...overrides,
  });

let h: Harness;
beforeEach(async () => {
  h = await harness();
});

describe('contributions', () => {
  it('are held as pending until the patient approves them, once', async () => {
    const pending = await h.submit<Contribution>(h.clinician, 'contributions:submitContribution', [
      submission(),
    ]);
    expect(pending).toMatchObject({
      patientId: 'patient-a',
      status: 'pending',
      labels: [],
      submitter: { mspId: 'Org1MSP', role: 'clinician', id: 'dr-a', country: 'DE' },
    });
    expect(h.lastEvent()).toEqual({
      eventName: 'custodia.contribution.submitted',
      payload: { contributionId: pending.contributionId, patientId: 'patient-a', status: 'pending' },
    });
    const approved = await h.submit<Contribution>(
      h.patientA,
      'contributions:approveContribution',
      [pending.contributionId],
      at(1),
    );
    expect(approved).toMatchObject({ status: 'approved', decidedAt: at(1).toISOString() });
    expect(h.lastEvent()?.payload).toEqual({
      contributionId: pending.contributionId,
      patientId: 'patient-a',
      status: 'approved',
    });
    await h.rejects(
      h.patientA,
      'contributions:approveContribution',
      [pending.contributionId],
      'FAILED_PRECONDITION',
    );
    await h.rejects(
      h.patientA,
      'contributions:rejectContribution',
      [pending.contributionId],
      'FAILED_PRECONDITION',
    );
  });

  it('can be rejected by the patient', async () => {
    const pending = await h.submit<Contribution>(h.clinician, 'contributions:submitContribution', [
      submission(),
    ]);
    expect(
      (await h.submit<Contribution>(h.patientA, 'contributions:rejectContribution', [pending.contributionId]))
        .status,
    ).toBe('rejected');
  });

  it('are decided by their patient only and submitted by clinicians only', async () => {
    const pending = await h.submit<Contribution>(h.clinician, 'contributions:submitContribution', [
      submission(),
    ]);
    await h.rejects(h.patientB, 'contributions:approveContribution', [pending.contributionId], 'NOT_FOUND');
    await h.rejects(h.clinician, 'contributions:approveContribution', [pending.contributionId], 'FORBIDDEN');
    await h.rejects(h.auditor, 'contributions:rejectContribution', [pending.contributionId], 'FORBIDDEN');
    await h.rejects(h.centre, 'contributions:submitContribution', [submission()], 'FORBIDDEN');
    await h.rejects(h.patientA, 'contributions:submitContribution', [submission()], 'FORBIDDEN');
  });

  it('are readable by submitter, patient, auditors and the data lake; listed per patient', async () => {
    const pending = await h.submit<Contribution>(h.clinician, 'contributions:submitContribution', [
      submission(),
    ]);
    await h.submit(h.clinicianFr, 'contributions:submitContribution', [
      submission({ categories: ['problems'] }),
    ]);
    for (const reader of [h.clinician, h.patientA, h.auditor, h.admin]) {
      expect(
        await h.evaluate(reader, 'contributions:getContribution', ['patient-a', pending.contributionId]),
      ).toEqual(pending);
    }
    await h.rejects(
      h.clinicianFr,
      'contributions:getContribution',
      ['patient-a', pending.contributionId],
      'FORBIDDEN',
    );
    await h.rejects(
      h.patientB,
      'contributions:getContribution',
      ['patient-a', pending.contributionId],
      'FORBIDDEN',
    );
    const list = await h.evaluate<Page<Contribution>>(h.patientA, 'contributions:listContributions', [
      'patient-a',
      '10',
      '',
    ]);
    expect(list.items).toHaveLength(2);
    await h.rejects(h.clinician, 'contributions:listContributions', ['patient-a', '10', ''], 'FORBIDDEN');
  });

  it.each([
    ['a malformed hash', submission({ contentHash: 'xyz' })],
    ['no category', submission({ categories: [] })],
    ['an unknown label', submission({ labels: ['GOSSIP'] })],
    ['free text', submission({ note: 'patient says…' })],
  ])('rejects %s with INVALID_ARGUMENT', async (_name, arg) => {
    await h.rejects(h.clinician, 'contributions:submitContribution', [arg], 'INVALID_ARGUMENT');
  });
});
