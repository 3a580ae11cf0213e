import { failed, formatSummary, outcomeOf, summarise, uploadExitCode } from './upload-summary';

describe('upload summary', () => {
  const outcomes = [
    outcomeOf('a.json', { records: [{ outcome: 'created' }, { outcome: 'existing' }], skipped: [{}] }),
    outcomeOf('b.json', { records: [{ outcome: 'existing' }] }),
    failed('c.json', 'VALIDATION_FAILED'),
    failed('d.json', 'NETWORK_ERROR'),
    failed('e.json', 'VALIDATION_FAILED'),
  ];

  it('counts a file stored when it added records and skipped when all were already there', () => {
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'stored',
      'skipped',
      'failed',
      'failed',
      'failed',
    ]);
  });

  it('sums files, records and failures by problem code, and fails the run on any failure', () => {
    const summary = summarise(outcomes, 3);
    expect(summary).toEqual({
      files: 5,
      stored: 1,
      skipped: 1,
      failed: 3,
      recordsCreated: 1,
      recordsExisting: 2,
      entriesIgnored: 1,
      failures: { VALIDATION_FAILED: 2, NETWORK_ERROR: 1 },
      retries: 3,
    });
    expect(uploadExitCode(summary)).toBe(1);
    expect(uploadExitCode(summarise(outcomes.slice(0, 2), 0))).toBe(0);
  });

  it('names each failed file with its code', () => {
    const text = formatSummary(summarise(outcomes, 3), outcomes);
    expect(text).toContain('5 files: 1 stored, 1 skipped (already stored), 3 failed');
    expect(text).toContain('3 retries');
    expect(text).toContain('failed d.json: NETWORK_ERROR');
  });
});
