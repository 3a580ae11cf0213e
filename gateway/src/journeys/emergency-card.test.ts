import { randomBytes } from 'node:crypto';
import { EmergencyCards } from './emergency-card';

describe('EmergencyCards', () => {
  const cards = new EmergencyCards(randomBytes(32));

  it('finds the patient a genuine code names', () => {
    expect(cards.patientOf(cards.codeFor('patient-7f3a'))).toBe('patient-7f3a');
  });

  it('finds no one for a forged, altered or foreign code', () => {
    const code = cards.codeFor('patient-7f3a');
    const [id = '', tag = ''] = code.split('.');
    const other = `${Buffer.from('patient-0000').toString('base64url')}.${tag}`;
    expect(cards.patientOf(other)).toBeUndefined();
    expect(cards.patientOf(`${id}.${tag.slice(0, -1)}${tag.endsWith('A') ? 'B' : 'A'}`)).toBeUndefined();
    expect(cards.patientOf(new EmergencyCards(randomBytes(32)).codeFor('patient-7f3a'))).toBeUndefined();
    expect(cards.patientOf('not a card')).toBeUndefined();
  });
});
