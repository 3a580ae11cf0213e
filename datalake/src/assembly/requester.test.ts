import type { Caller } from '@custodia/chaincode';
import { checkRequester } from './requester';

const clinician: Caller = { mspId: 'HospitalFRMSP', id: 'dr-1', role: 'clinician', country: 'FR' };
const grant = { requester: clinician };

function codeOf(run: () => void): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('checkRequester', () => {
  it('releases to the requester whose certificate is in the grant’s country', () => {
    expect(codeOf(() => checkRequester(grant, clinician, clinician))).toBeUndefined();
  });

  it('refuses a certificate now in another country, or none', () => {
    const moved = { ...clinician, country: 'DE' };
    expect(codeOf(() => checkRequester(grant, moved, moved))).toBe('COUNTRY_NOT_ALLOWED');
    const stateless: Caller = { mspId: clinician.mspId, id: clinician.id, role: clinician.role };
    expect(codeOf(() => checkRequester(grant, stateless, stateless))).toBe('COUNTRY_NOT_ALLOWED');
  });

  it('refuses a gateway claim that disagrees with the certificate', () => {
    expect(codeOf(() => checkRequester(grant, clinician, { ...clinician, country: 'DE' }))).toBe(
      'COUNTRY_NOT_ALLOWED',
    );
    expect(codeOf(() => checkRequester(grant, clinician, { ...clinician, id: 'dr-2' }))).toBe('FORBIDDEN');
  });

  it('refuses another party of the same country', () => {
    const colleague = { ...clinician, id: 'dr-2' };
    expect(codeOf(() => checkRequester(grant, colleague, colleague))).toBe('NOT_REQUESTER');
  });
});
