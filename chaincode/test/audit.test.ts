import type { AccessLogEntry, Page } from '../src';
import { allPages, at, harness, PATIENT_A, PATIENT_B, pseudonym } from './fixtures/ledger';
import type { Harness, Party } from './fixtures/ledger';
import { accessRequest } from './fixtures/requests';

let h: Harness;
const entries: AccessLogEntry[] = [];

const ask = (who: Party, patientId: string, hours: number) =>
  h.submit<AccessLogEntry>(
    who,
    'access:requestAccess',
    [accessRequest(['allergies'], { patientId })],
    at(hours),
  );
const byPatient = (patientId: string, order?: string) =>
  JSON.stringify({ by: 'patient', patientId, ...(order === undefined ? {} : { order }) });
const byRequester = (mspId: string, requesterId: string, order?: string) =>
  JSON.stringify({ by: 'requester', mspId, requesterId, ...(order === undefined ? {} : { order }) });
const byTime = (from: number, to?: number) =>
  JSON.stringify({
    by: 'time',
    from: at(from).toISOString(),
    ...(to === undefined ? {} : { to: at(to).toISOString() }),
  });

async function list(who: Party, query: string, pageSize = 2): Promise<{ ids: string[]; pages: number }> {
  const { items, pages } = await allPages((bookmark) =>
    h.evaluate<Page<AccessLogEntry>>(who, 'audit:listAccessLog', [query, String(pageSize), bookmark]),
  );
  return { ids: items.map((e) => e.entryId), pages };
}
const ids = (...picked: number[]) => picked.map((i) => entries[i]?.entryId);

beforeAll(async () => {
  h = await harness();
  entries.push(await ask(h.clinician, PATIENT_A, 1)); // 0
  entries.push(await ask(h.clinicianFr, PATIENT_A, 2)); // 1
  entries.push(await ask(h.clinician, PATIENT_B, 3)); // 2
  entries.push(await ask(h.clinician, PATIENT_A, 4)); // 3
  entries.push(await ask(h.clinicianFr, PATIENT_B, 5)); // 4
});

describe('audit: listAccessLog', () => {
  it('lists by patient, by requester and by time range, oldest first, across pages', async () => {
    expect(await list(h.auditor, byPatient(PATIENT_A))).toEqual({ ids: ids(0, 1, 3), pages: 2 });
    expect((await list(h.auditor, byRequester('Org2MSP', 'dr-fr'))).ids).toEqual(ids(1, 4));
    expect((await list(h.auditor, byTime(2, 5))).ids).toEqual(ids(1, 2, 3));
    expect((await list(h.auditor, byTime(0))).ids).toEqual(ids(0, 1, 2, 3, 4));
    expect(await list(h.auditor, byTime(4), 1)).toEqual({ ids: ids(3, 4), pages: 2 });
  });

  it('lists a patient’s and a requester’s log newest first when asked, across pages', async () => {
    expect(await list(h.patientA, byPatient(PATIENT_A, 'newest-first'))).toEqual({
      ids: ids(3, 1, 0),
      pages: 2,
    });
    expect((await list(h.auditor, byRequester('Org1MSP', 'dr-a', 'newest-first'))).ids).toEqual(ids(3, 2, 0));
    expect((await list(h.auditor, byPatient(PATIENT_A, 'oldest-first'))).ids).toEqual(ids(0, 1, 3));
    await h.rejects(
      h.auditor,
      'audit:listAccessLog',
      [byPatient(PATIENT_A, 'sideways'), '10', ''],
      'INVALID_ARGUMENT',
    );
    // A bookmark of one patient's newest-first log does not page through another's, nor through the other order.
    const first = await h.evaluate<Page<AccessLogEntry>>(h.patientA, 'audit:listAccessLog', [
      byPatient(PATIENT_A, 'newest-first'),
      '1',
      '',
    ]);
    await h.rejects(
      h.patientB,
      'audit:listAccessLog',
      [byPatient(PATIENT_B, 'newest-first'), '1', first.bookmark],
      'INVALID_ARGUMENT',
    );
    await h.rejects(
      h.patientA,
      'audit:listAccessLog',
      [byPatient(PATIENT_A), '1', first.bookmark],
      'INVALID_ARGUMENT',
    );
    // Another patient cannot read hers in either order.
    await h.rejects(
      h.patientB,
      'audit:listAccessLog',
      [byPatient(PATIENT_A, 'newest-first'), '10', ''],
      'FORBIDDEN',
    );
  });

  it('answers an empty page when nothing matches', async () => {
    expect(
      await h.evaluate<Page<AccessLogEntry>>(h.auditor, 'audit:listAccessLog', [
        byPatient(pseudonym('z')),
        '10',
        '',
      ]),
    ).toEqual({ items: [], bookmark: '' });
  });

  it('shows patients their own entries and clinicians their own requests only', async () => {
    expect((await list(h.patientB, byPatient(PATIENT_B))).ids).toEqual(ids(2, 4));
    expect((await list(h.clinician, byRequester('Org1MSP', 'dr-a'))).ids).toEqual(ids(0, 2, 3));
    await h.rejects(h.patientB, 'audit:listAccessLog', [byPatient(PATIENT_A), '10', ''], 'FORBIDDEN');
    await h.rejects(h.patientA, 'audit:listAccessLog', [byTime(0), '10', ''], 'FORBIDDEN');
    await h.rejects(
      h.clinician,
      'audit:listAccessLog',
      [byRequester('Org2MSP', 'dr-fr'), '10', ''],
      'FORBIDDEN',
    );
    await h.rejects(h.clinician, 'audit:listAccessLog', [byPatient(PATIENT_A), '10', ''], 'FORBIDDEN');
    await h.rejects(h.centre, 'audit:listAccessLog', [byPatient(PATIENT_A), '10', ''], 'FORBIDDEN');
    await h.rejects(h.admin, 'audit:listAccessLog', [byTime(0), '10', ''], 'FORBIDDEN');
  });

  it('refuses malformed queries and bookmarks taken from another query', async () => {
    await h.rejects(
      h.auditor,
      'audit:listAccessLog',
      [JSON.stringify({ by: 'everything' }), '10', ''],
      'INVALID_ARGUMENT',
    );
    await h.rejects(h.auditor, 'audit:listAccessLog', [byTime(3, 2), '10', ''], 'INVALID_ARGUMENT');
    const first = await h.evaluate<Page<AccessLogEntry>>(h.patientA, 'audit:listAccessLog', [
      byPatient(PATIENT_A),
      '1',
      '',
    ]);
    await h.rejects(
      h.patientB,
      'audit:listAccessLog',
      [byPatient(PATIENT_B), '1', first.bookmark],
      'INVALID_ARGUMENT',
    );
    const timed = await h.evaluate<Page<AccessLogEntry>>(h.auditor, 'audit:listAccessLog', [
      byTime(0, 3),
      '1',
      '',
    ]);
    expect(timed.bookmark).not.toBe('');
    await h.rejects(h.auditor, 'audit:listAccessLog', [byTime(3), '1', timed.bookmark], 'INVALID_ARGUMENT');
  });
});
