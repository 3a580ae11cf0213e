import type { LedgerSession } from '@custodia/ledger';
import type { IdentityService } from '../identity';
import { createPatient } from './registration';

const person = { name: [{ family: 'Quastorf', given: ['Wilhelmina'] }], birthDate: '1957-08-19' };
const actor = { mspId: 'HospitalDEMSP', id: 'admin-de', role: 'admin' as const, country: 'DE' };

/** A registration whose steps note themselves; the ledger's step answers `ledgerAnswer`. */
function steps(ledgerAnswer: () => Promise<unknown>) {
  const done: string[] = [];
  const ledger = {
    patients: {
      register: async () => {
        done.push('ledger');
        return ledgerAnswer();
      },
    },
  } as unknown as LedgerSession;
  const datalake = {
    registerPatient: () => {
      done.push('lake');
      return Promise.resolve();
    },
  };
  const identity = {
    createUser: () => {
      done.push('account');
      return Promise.resolve({ userId: 'u-1' });
    },
  } as unknown as IdentityService;
  return { done, deps: { identity, datalake }, registrar: { ledger, actor } };
}

const input = {
  username: 'w.quastorf',
  password: 'a-long-enough-password',
  displayName: 'W. Q.',
  mspId: 'HospitalDEMSP',
  country: 'DE',
  person,
};

it('registers the pseudonym on-chain before the lake learns the identification set, then the account', async () => {
  const { done, deps, registrar } = steps(() => Promise.resolve({}));
  await createPatient(deps, registrar, input as never);
  expect(done).toEqual(['ledger', 'lake', 'account']);
});

it('gives the lake nothing when the ledger refuses: no identification set is left that the ledger could not erase', async () => {
  const { done, deps, registrar } = steps(() => Promise.reject(new Error('ledger unreachable')));
  await expect(createPatient(deps, registrar, input as never)).rejects.toThrow('ledger unreachable');
  expect(done).toEqual(['ledger']);
});
