import { FORMATS } from '@custodia/chaincode';
import { newPatientId } from './pseudonym';

describe('patient pseudonyms', () => {
  it('have the form the chaincode accepts', () => {
    for (let i = 0; i < 200; i++) expect(newPatientId()).toMatch(FORMATS.patientId);
  });

  it('are never the same twice, and use the whole alphabet', () => {
    const ids = Array.from({ length: 2000 }, () => newPatientId());
    expect(new Set(ids).size).toBe(ids.length);
    const used = new Set(ids.flatMap((id) => [...id.slice(3)]));
    expect(used.size).toBe(32);
  });
});
