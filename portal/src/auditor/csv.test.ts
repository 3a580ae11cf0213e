import { logEntry } from '../../test/support/ledger';
import { accessLogCsv, csvCell, toCsv } from './csv';

describe('csv', () => {
  it('quotes commas, quotes and line breaks, and defuses spreadsheet formulas', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell(undefined)).toBe('');
    expect(toCsv(['a', 'b'], [[1, true]])).toBe('a,b\r\n1,true\r\n');
  });

  it('writes one line per access-log entry with the deciding rules', () => {
    const lines = accessLogCsv([logEntry()]).trim().split('\r\n');
    expect(lines[0]?.split(',')).toHaveLength(15);
    expect(lines[1]).toBe(
      '2026-11-20T09:30:00.000Z,entry-1,patient-1,HospitalFRMSP,dr-2,clinician,FR,TREAT,false,allergies medications,allergies,medications,rule-1@1:permit,grant-1,2026-11-20T10:30:00.000Z',
    );
  });
});
