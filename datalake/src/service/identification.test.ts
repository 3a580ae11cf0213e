import { isDatalakeError } from '../errors';
import { decodeIdentification } from './identification';

const NOW = new Date('2030-01-01T00:00:00Z');
const ANNA = { given: ['Anna', 'Maria'], family: 'Keller', birthDate: '1981-03-14', gender: 'female' };

function refusal(value: unknown): string | undefined {
  try {
    decodeIdentification(value, NOW);
    return undefined;
  } catch (error) {
    if (!isDatalakeError(error, 'INVALID_INPUT')) throw error;
    return (error.details as { field?: string } | undefined)?.field;
  }
}

describe('the identification set at the lake’s edge', () => {
  it('takes a full identification set with the home organisation’s identifiers', () => {
    const identifiers = [{ system: 'urn:oid:1.2.276.0.76.4.8', value: 'A123456789' }];
    expect(decodeIdentification({ ...ANNA, identifiers }, NOW)).toEqual({ ...ANNA, identifiers });
  });

  it('refuses what is not an identification set, naming the field and never the value', () => {
    expect(refusal({ ...ANNA, given: [] })).toBe('given');
    expect(refusal({ ...ANNA, family: '   ' })).toBe('family');
    expect(refusal({ ...ANNA, family: 'Kel\u0000ler' })).toBe('family');
    expect(refusal({ ...ANNA, given: ['Anna\n<script>'] })).toBe('given[0]');
    expect(refusal({ ...ANNA, birthDate: '1981-02-30' })).toBe('birthDate');
    expect(refusal({ ...ANNA, birthDate: '2031-01-01' })).toBe('birthDate');
    expect(refusal({ ...ANNA, gender: 'F' })).toBe('gender');
    expect(refusal({ ...ANNA, notes: 'free text' })).toBe('notes');
    expect(refusal({ ...ANNA, identifiers: [{ system: 'not a uri', value: 'x' }] })).toBe('identifiers[0]');
    expect(refusal(null)).toBe('');
    const attempt = () => decodeIdentification({ ...ANNA, family: 'Kel\u0000ler' }, NOW);
    expect(attempt).toThrow(/identification\.family/);
    expect(attempt).not.toThrow(/Kel/);
  });
});
