import { logEntry, refusedEntry } from '../../test/support/ledger';
import { makeFormat } from '../i18n/format';
import { overviewOf, periodStart } from './overview';

const NOW = '2026-11-23T12:00:00.000Z';
const { dayKey } = makeFormat('en-GB', 'UTC');

describe('overviewOf', () => {
  it('totals a period by outcome and patient, and lists emergencies, refusals and recent requests newest first', () => {
    const entries = [
      logEntry({ entryId: 'a', timestamp: '2026-11-20T10:00:00.000Z' }),
      refusedEntry({ entryId: 'b', timestamp: '2026-11-21T10:00:00.000Z', patientId: 'patient-2' }),
      logEntry({
        entryId: 'c',
        timestamp: '2026-11-22T10:00:00.000Z',
        emergency: true,
        purpose: 'ETREAT',
        requester: { mspId: 'HospitalITMSP', id: 'er-1', role: 'clinician', country: 'IT' },
      }),
      refusedEntry({
        entryId: 'd',
        timestamp: '2026-11-23T10:00:00.000Z',
        emergency: true,
        purpose: 'ETREAT',
      }),
    ];
    const overview = overviewOf(entries, 7, NOW, dayKey);
    expect(overview.totals).toEqual({ requests: 4, granted: 1, refused: 1, emergency: 2, patients: 2 });
    expect(overview.emergencies.map((e) => e.entryId)).toEqual(['d', 'c']);
    expect(overview.refusals.map((e) => e.entryId)).toEqual(['d', 'b']);
    expect(overview.recent.map((e) => e.entryId)).toEqual(['d', 'c', 'b', 'a']);
    expect(overview.days).toHaveLength(7);
    expect(overview.days.at(-1)).toEqual({ day: '2026-11-23', granted: 0, refused: 0, emergency: 1 });
    expect(overview.organisations.map((o) => [o.mspId, o.total])).toEqual([
      ['HospitalFRMSP', 3],
      ['HospitalITMSP', 1],
    ]);
  });
});

describe('periodStart', () => {
  it('is the given number of days before now', () => {
    expect(periodStart(NOW, 30)).toBe('2026-10-24T12:00:00.000Z');
  });
});
