import type { Page, RecordMeta } from '../src';
import { allPages, harness, PATIENT_A, PATIENT_B, pseudonym } from './fixtures/ledger';
import type { Harness, Party } from './fixtures/ledger';

const record = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    recordId: 'rec-1',
    patientId: PATIENT_A,
    categories: ['results'],
    labels: ['HIV'],
    contentHash: 'c0'.repeat(32),
    effectiveDate: '2030-05-30',
    ...overrides,
  });

let h: Harness;
beforeEach(async () => {
  h = await harness();
});

describe('records', () => {
  it('registers metadata with source organisation and country from the registry', async () => {
    const meta = await h.submit<RecordMeta>(h.centre, 'records:registerRecord', [record()]);
    expect(meta).toMatchObject({
      recordId: 'rec-1',
      patientId: PATIENT_A,
      sourceMspId: 'Org1MSP',
      country: 'DE',
      registeredBy: 'centre-1',
      categories: ['results'],
      labels: ['HIV'],
    });
    expect(h.lastEvent()).toEqual({
      eventName: 'custodia.record.registered',
      payload: { recordId: 'rec-1', patientId: PATIENT_A, sourceMspId: 'Org1MSP' },
    });
    for (const reader of [h.centre, h.patientA, h.auditor, h.admin]) {
      expect(await h.evaluate(reader, 'records:getRecordMeta', ['rec-1'])).toEqual(meta);
    }
    for (const other of [h.centreFr, h.patientB, h.clinician]) {
      await h.rejects(other, 'records:getRecordMeta', ['rec-1'], 'FORBIDDEN');
    }
    await h.rejects(h.centre, 'records:getRecordMeta', ['rec-2'], 'NOT_FOUND');
  });

  it('is idempotent for a retried upload and refuses a different record under the same id', async () => {
    const meta = await h.submit<RecordMeta>(h.centre, 'records:registerRecord', [record()]);
    const before = h.ledger.dump();
    expect(await h.submit(h.centre, 'records:registerRecord', [record()])).toEqual(meta);
    expect(h.ledger.dump()).toEqual(before);
    await h.rejects(
      h.centre,
      'records:registerRecord',
      [record({ contentHash: 'd1'.repeat(32) })],
      'CONFLICT',
    );
    await h.rejects(h.centreFr, 'records:registerRecord', [record()], 'CONFLICT');
  });

  it('registers a new version that supersedes the previous one, in the same transaction', async () => {
    await h.submit(h.centre, 'records:registerRecord', [record()]);
    const v2 = await h.submit<RecordMeta>(h.centre, 'records:registerRecord', [
      record({ recordId: 'rec-2', contentHash: 'd1'.repeat(32), supersedes: 'rec-1' }),
    ]);
    expect(v2).toMatchObject({ recordId: 'rec-2', supersedes: 'rec-1' });
    expect(h.lastEvent()).toEqual({
      eventName: 'custodia.record.registered',
      payload: { recordId: 'rec-2', patientId: PATIENT_A, sourceMspId: 'Org1MSP', supersedes: 'rec-1' },
    });
    expect(await h.evaluate(h.auditor, 'records:getRecordMeta', ['rec-1'])).toMatchObject({
      recordId: 'rec-1',
      supersededBy: 'rec-2',
    });
    // A retry of the same registration changes nothing.
    const before = h.ledger.dump();
    expect(
      await h.submit(h.centre, 'records:registerRecord', [
        record({ recordId: 'rec-2', contentHash: 'd1'.repeat(32), supersedes: 'rec-1' }),
      ]),
    ).toEqual(v2);
    expect(h.ledger.dump()).toEqual(before);
  });

  it('refuses to supersede what is not the centre’s own current record of that patient', async () => {
    await h.submit(h.centre, 'records:registerRecord', [record()]);
    const version = (overrides: Record<string, unknown>) =>
      record({ recordId: 'rec-9', contentHash: 'e2'.repeat(32), ...overrides });
    // Another organisation cannot retire this centre's record.
    await h.rejects(h.centreFr, 'records:registerRecord', [version({ supersedes: 'rec-1' })], 'FORBIDDEN');
    // Nor can a record of another patient replace it.
    await h.rejects(
      h.centre,
      'records:registerRecord',
      [version({ supersedes: 'rec-1', patientId: PATIENT_B })],
      'INVALID_ARGUMENT',
    );
    await h.rejects(h.centre, 'records:registerRecord', [version({ supersedes: 'rec-404' })], 'NOT_FOUND');
    await h.rejects(
      h.centre,
      'records:registerRecord',
      [version({ recordId: 'rec-1', supersedes: 'rec-1' })],
      'CONFLICT',
    );
    await h.rejects(
      h.centre,
      'records:registerRecord',
      [version({ supersedes: 'rec 1' })],
      'INVALID_ARGUMENT',
    );
    await h.submit(h.centre, 'records:registerRecord', [version({ supersedes: 'rec-1' })]);
    // Once replaced, a second, different new version is a conflict, not a fork.
    await h.rejects(
      h.centre,
      'records:registerRecord',
      [record({ recordId: 'rec-10', contentHash: 'f3'.repeat(32), supersedes: 'rec-1' })],
      'CONFLICT',
    );
    await h.rejects(
      h.centre,
      'records:registerRecord',
      [record({ recordId: 'rec-11', contentHash: 'f4'.repeat(32), supersedes: 'rec-11' })],
      'INVALID_ARGUMENT',
    );
  });

  it('is registered by centres only, never taking source or country from arguments', async () => {
    await h.rejects(h.clinician, 'records:registerRecord', [record()], 'FORBIDDEN');
    await h.rejects(h.patientA, 'records:registerRecord', [record()], 'FORBIDDEN');
    await h.rejects(h.auditor, 'records:registerRecord', [record()], 'FORBIDDEN');
    // Without a certificate country, the organisation's country in the registry.
    const stateless = await h.member('Org2MSP', 'centre-x', 'centre');
    expect(
      await h.submit(stateless, 'records:registerRecord', [record({ recordId: 'rec-x' })]),
    ).toMatchObject({
      sourceMspId: 'Org2MSP',
      country: 'FR',
    });
    await h.rejects(
      h.centre,
      'records:registerRecord',
      [record({ sourceMspId: 'Org2MSP' })],
      'INVALID_ARGUMENT',
    );
    await h.rejects(h.centre, 'records:registerRecord', [record({ country: 'FR' })], 'INVALID_ARGUMENT');
  });

  it.each([
    ['a missing hash', record({ contentHash: undefined })],
    ['an uppercase hash', record({ contentHash: 'C0'.repeat(32) })],
    ['an unknown category', record({ categories: ['gossip'] })],
    ['an impossible date', record({ effectiveDate: '2030-13-01' })],
    ['content in the registration', record({ content: 'Jane Doe, HIV positive' })],
    ['a readable patient id', record({ patientId: 'patient-anna' })],
    ['a record id reserved for contributions', record({ recordId: `contribution-${'ab'.repeat(32)}` })],
  ])('rejects %s with INVALID_ARGUMENT', async (_name, arg) => {
    await h.rejects(h.centre, 'records:registerRecord', [arg], 'INVALID_ARGUMENT');
  });

  it('is refused for an unregistered patient, and nothing is kept', async () => {
    await h.rejects(h.centre, 'records:registerRecord', [record({ patientId: pseudonym('z') })], 'NOT_FOUND');
  });

  it('lists by patient and category; a centre sees only its organisation’s registrations', async () => {
    const register = (who: Party, recordId: string, patientId: string, categories: string[]) =>
      h.submit(who, 'records:registerRecord', [record({ recordId, patientId, categories })]);
    await register(h.centre, 'a-1', PATIENT_A, ['results']);
    await register(h.centre, 'a-2', PATIENT_A, ['allergies', 'results']);
    await register(h.centreFr, 'a-3', PATIENT_A, ['results']);
    await register(h.centre, 'b-1', PATIENT_B, ['results']);
    const ids = async (who: Party, patientId: string, category: string) =>
      (
        await allPages((bookmark) =>
          h.evaluate<Page<RecordMeta>>(who, 'records:listRecordMeta', [patientId, category, '1', bookmark]),
        )
      ).items.map((m) => m.recordId);

    expect(await ids(h.patientA, PATIENT_A, '')).toEqual(['a-1', 'a-2', 'a-3']);
    expect(await ids(h.admin, PATIENT_A, 'allergies')).toEqual(['a-2']);
    expect(await ids(h.centre, PATIENT_A, '')).toEqual(['a-1', 'a-2']);
    expect(await ids(h.centreFr, PATIENT_A, 'results')).toEqual(['a-3']);
    expect(await ids(h.auditor, PATIENT_B, 'results')).toEqual(['b-1']);
    await h.rejects(h.patientB, 'records:listRecordMeta', [PATIENT_A, '', '10', ''], 'FORBIDDEN');
    await h.rejects(h.clinician, 'records:listRecordMeta', [PATIENT_A, '', '10', ''], 'FORBIDDEN');
    await h.rejects(h.patientA, 'records:listRecordMeta', [PATIENT_A, 'tarot', '10', ''], 'INVALID_ARGUMENT');
  });
});
