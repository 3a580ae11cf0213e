import { logEntry } from '../../test/support/ledger';
import { dailyCounts, emergencyAccesses } from './timeline';

describe('dailyCounts', () => {
  it('counts shared, refused and emergency accesses per day over the period, oldest first', () => {
    const refused = logEntry({
      entryId: 'r',
      timestamp: '2026-11-23T08:00:00.000Z',
      decision: { purpose: 'TREAT', categories: [], granted: [], denied: ['allergies'], rules: [] },
    });
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
    );
    expect(days).toEqual([
      { day: '2026-11-21', granted: 1, refused: 0, emergency: 0 },
      { day: '2026-11-22', granted: 0, refused: 0, emergency: 0 },
      { day: '2026-11-23', granted: 1, refused: 1, emergency: 1 },
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
