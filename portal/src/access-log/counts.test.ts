import { logEntry } from '../../test/support/ledger';
import { makeFormat } from '../i18n/format';
import { addDays, countsByOrganisation, dailyCounts, emergencyAccesses } from './counts';

const utc = makeFormat('en-GB', 'UTC');
const refused = logEntry({
  entryId: 'r',
  timestamp: '2026-11-23T08:00:00.000Z',
  decision: { purpose: 'TREAT', categories: [], granted: [], denied: ['allergies'], rules: [] },
});

describe('dailyCounts', () => {
  it('counts shared, refused and emergency accesses per day over the period, oldest first', () => {
    const days = dailyCounts(
      [
        logEntry({ timestamp: '2026-11-21T23:59:59.999Z' }),
        logEntry({ timestamp: '2026-11-23T00:00:00.000Z' }),
        refused,
        logEntry({ entryId: 'e', timestamp: '2026-11-23T09:00:00.000Z', emergency: true }),
        logEntry({ timestamp: '2026-11-01T10:00:00.000Z' }),
      ],
      3,
      '2026-11-23T12:00:00.000Z',
      utc.dayKey,
    );
    expect(days).toEqual([
      { day: '2026-11-21', granted: 1, refused: 0, emergency: 0 },
      { day: '2026-11-22', granted: 0, refused: 0, emergency: 0 },
      { day: '2026-11-23', granted: 1, refused: 1, emergency: 1 },
    ]);
  });

  it('counts by the reader’s own days: late evening in New York is still that day there', () => {
    const evening = logEntry({ timestamp: '2026-11-23T03:30:00.000Z' });
    const newYork = makeFormat('en-US', 'America/New_York');
    expect(dailyCounts([evening], 2, '2026-11-23T12:00:00.000Z', newYork.dayKey)).toEqual([
      { day: '2026-11-22', granted: 1, refused: 0, emergency: 0 },
      { day: '2026-11-23', granted: 0, refused: 0, emergency: 0 },
    ]);
  });
});

describe('addDays', () => {
  it('steps over month and year ends', () => {
    expect([addDays('2026-12-31', 1), addDays('2026-03-01', -1), addDays('2024-03-01', -1)]).toEqual([
      '2027-01-01',
      '2026-02-28',
      '2024-02-29',
    ]);
  });
});

describe('emergencyAccesses', () => {
  it('keeps emergency entries only, newest first', () => {
    const older = logEntry({ entryId: 'a', emergency: true, timestamp: '2026-11-01T00:00:00.000Z' });
    const newer = logEntry({ entryId: 'b', emergency: true, timestamp: '2026-11-02T00:00:00.000Z' });
    expect(emergencyAccesses([older, logEntry(), newer]).map((e) => e.entryId)).toEqual(['b', 'a']);
  });
});

describe('countsByOrganisation', () => {
  it('counts each organisation’s requests by outcome, busiest first', () => {
    const italy = { mspId: 'HospitalITMSP', id: 'er-1', role: 'clinician' as const, country: 'IT' };
    expect(
      countsByOrganisation([
        logEntry(),
        refused,
        logEntry({ entryId: 'e', emergency: true, requester: italy }),
        logEntry({ entryId: 'f', requester: italy }),
        logEntry({ entryId: 'g', requester: { ...italy, mspId: 'HospitalDEMSP' } }),
      ]),
    ).toEqual([
      { mspId: 'HospitalFRMSP', granted: 1, refused: 1, emergency: 0, total: 2 },
      { mspId: 'HospitalITMSP', granted: 1, refused: 0, emergency: 1, total: 2 },
      { mspId: 'HospitalDEMSP', granted: 1, refused: 0, emergency: 0, total: 1 },
    ]);
  });
});
