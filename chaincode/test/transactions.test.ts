/** What holds for every transaction: coded errors for unknown calls, identities and oversize arguments. */
import 'reflect-metadata';
import { contracts } from '../src';
import { harness } from './fixtures/ledger';
import type { Harness } from './fixtures/ledger';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});

describe('every transaction', () => {
  it('answers an unknown transaction with a coded error', async () => {
    await h.rejects(h.patientA, 'rules:dropAllRules', [], 'NOT_FOUND');
  });

  it('refuses a certificate with an invalid Custodia identity', async () => {
    const badRole = await h.party('Org1MSP', 'root', { 'custodia.role': 'root', 'custodia.id': 'root' });
    const noId = await h.party('Org1MSP', 'anon', { 'custodia.role': 'auditor' });
    const badCountry = await h.party('Org1MSP', 'dr-x', {
      'custodia.role': 'clinician',
      'custodia.id': 'dr-x',
      'custodia.country': 'Germany',
    });
    const message = await h.rejects(
      badRole,
      'audit:listAccessLog',
      ['{"by":"time","from":"2030-01-01T00:00:00Z"}', '10', ''],
      'FORBIDDEN',
    );
    expect(message).toContain('custodia.role');
    await h.rejects(
      noId,
      'audit:listAccessLog',
      ['{"by":"time","from":"2030-01-01T00:00:00Z"}', '10', ''],
      'FORBIDDEN',
    );
    await h.rejects(
      badCountry,
      'access:requestAccess',
      ['patient-a', '["allergies"]', 'TREAT', ''],
      'FORBIDDEN',
    );
  });

  it('refuses an argument over 64 KiB on every transaction, before anything else', async () => {
    const big = 'x'.repeat(64 * 1024 + 1);
    let checked = 0;
    for (const contract of contracts) {
      const name = new contract().getName();
      const transactions = Reflect.getMetadata('fabric:transactions', contract.prototype) as {
        name: string;
        parameters: unknown[];
      }[];
      for (const transaction of transactions) {
        const args = transaction.parameters.map(() => big);
        await h.rejects(h.patientA, `${name}:${transaction.name}`, args, 'INVALID_ARGUMENT');
        checked++;
      }
    }
    expect(checked).toBe(26);
  });
});
