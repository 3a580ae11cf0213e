import { DISCREPANCY_KINDS } from './discrepancy';
import { csvField, reportCsv } from './report';

describe('CSV export', () => {
  it('writes a header and one RFC 4180 line per discrepancy, quoting commas, quotes and line breaks', () => {
    const csv = reportCsv({
      discrepancies: [
        {
          kind: DISCREPANCY_KINDS.HASH_CHAIN_BROKEN,
          block: 7,
          txId: '',
          detail: 'previous_hash 00 is not ab',
        },
        {
          kind: DISCREPANCY_KINDS.DECISION_MISMATCH,
          block: 12,
          txId: 'f'.repeat(64),
          detail: 'granted: logged ["allergies","problems"], derived []\nsecond line',
        },
      ],
    });
    expect(csv.split('\r\n')).toEqual([
      'kind,block,txId,detail',
      'HASH_CHAIN_BROKEN,7,,previous_hash 00 is not ab',
      `DECISION_MISMATCH,12,${'f'.repeat(64)},"granted: logged [""allergies"",""problems""], derived []\nsecond line"`,
      '',
    ]);
  });

  it('keeps a spreadsheet from running a field as a formula', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('-1+2')).toBe("'-1+2");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField(-1)).toBe('-1');
  });

  it('is only the header for a report without discrepancies', () => {
    expect(reportCsv({ discrepancies: [] })).toBe('kind,block,txId,detail\r\n');
  });
});
