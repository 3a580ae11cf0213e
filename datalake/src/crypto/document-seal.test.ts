import { randomBytes } from 'node:crypto';
import { isDatalakeError } from '../errors';
import { documentHeader, openDocument, sealDocument } from './document-seal';

const key = randomBytes(32);
const plain = Buffer.from('{"categories":["problems"],"labels":["PSY"]}');
const place = 'DE\0structured\0records/patient-1/rec-1.json';

function fails(run: () => unknown): boolean {
  try {
    run();
    return false;
  } catch (error) {
    return isDatalakeError(error, 'INTEGRITY_FAILED');
  }
}

describe('sealed documents', () => {
  it('round-trips, hides the content and names its owner in an authenticated header', () => {
    const sealed = sealDocument(key, { owner: 'HospitalDEMSP', patientId: 'patient-1' }, place, plain);
    expect(sealed.includes(Buffer.from('PSY'))).toBe(false);
    expect(documentHeader(sealed)).toEqual({ owner: 'HospitalDEMSP', patientId: 'patient-1' });
    expect(openDocument(key, sealed, place).equals(plain)).toBe(true);
  });

  it('refuses a changed byte anywhere, another key, and the same document moved to another place', () => {
    const sealed = sealDocument(key, { owner: 'HospitalDEMSP' }, place, plain);
    for (let at = 0; at < sealed.length; at += 7) {
      const changed = Buffer.from(sealed);
      changed[at] = (changed[at] as number) ^ 0x01;
      expect(fails(() => openDocument(key, changed, place))).toBe(true);
    }
    expect(fails(() => openDocument(randomBytes(32), sealed, place))).toBe(true);
    expect(fails(() => openDocument(key, sealed, 'DE\0structured\0records/patient-1/rec-2.json'))).toBe(true);
    expect(fails(() => openDocument(key, sealed, 'FR\0structured\0records/patient-1/rec-1.json'))).toBe(true);
  });

  it('refuses a header rewritten to name another owner or patient (the header is authenticated)', () => {
    const sealed = sealDocument(key, { owner: 'HospitalDEMSP', patientId: 'patient-1' }, place, plain);
    const text = sealed.toString('latin1').replace('patient-1', 'patient-2');
    expect(documentHeader(Buffer.from(text, 'latin1')).patientId).toBe('patient-2');
    expect(fails(() => openDocument(key, Buffer.from(text, 'latin1'), place))).toBe(true);
    expect(fails(() => documentHeader(Buffer.from('{"plain":"json"}')))).toBe(true);
  });
});
