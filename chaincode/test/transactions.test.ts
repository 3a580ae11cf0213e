/** What holds for every transaction: coded errors for unknown calls, identities and oversize arguments. */
import 'reflect-metadata';
import { ChaincodeEngine, createSignedProposal } from '@custodia/network/engine';
import { contracts } from '../src/contracts';
import { at, harness } from './fixtures/ledger';
import type { Harness, Party } from './fixtures/ledger';
import { accessRequest, ruleCreation } from './fixtures/requests';

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
    await h.rejects(badCountry, 'access:requestAccess', [accessRequest(['allergies'])], 'FORBIDDEN');
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
        // A transaction without arguments (organisations:getRegistry) has nothing to refuse.
        if (transaction.parameters.length === 0) continue;
        const args = transaction.parameters.map(() => big);
        await h.rejects(h.patientA, `${name}:${transaction.name}`, args, 'INVALID_ARGUMENT');
        checked++;
      }
    }
    expect(checked).toBe(37);
  });

  it('is deterministic: the same proposal twice gives the same reads, writes, answer and event', async () => {
    const permit = { effect: 'permit', grantee: { kind: 'role', role: 'clinician' }, purposes: ['TREAT'] };
    await h.submit(h.patientA, 'rules:createRule', [
      ruleCreation({ ...permit, categories: ['allergies', 'problems', 'results'], labels: ['HIV'] }),
    ]);
    await h.submit(h.clinician, 'access:requestAccess', [accessRequest(['allergies'])]);
    const engine = new ChaincodeEngine({ contracts, chaincodeName: 'custodia', channelName: 'custodia' });
    const cases: [Party, string, string[]][] = [
      [h.clinician, 'access:requestAccess', [accessRequest(['results', 'problems', 'allergies'])]],
      // A deny that also revokes the earlier grant.
      [
        h.patientA,
        'rules:createRule',
        [ruleCreation({ ...permit, effect: 'deny', categories: ['allergies'] })],
      ],
    ];
    for (const [caller, fcn, args] of cases) {
      const { signedProposal } = createSignedProposal(caller.identity, {
        channelName: 'custodia',
        chaincodeName: 'custodia',
        transactionName: fcn,
        arguments: args,
        timestamp: at(1),
      });
      const first = await engine.execute(signedProposal, h.ledger.state);
      const second = await engine.execute(signedProposal, h.ledger.state);
      expect(first.status).toBe(200);
      expect(first.rwset.writes.length).toBeGreaterThan(2);
      expect(second.rwset).toEqual(first.rwset);
      expect(Buffer.from(second.payload).equals(Buffer.from(first.payload))).toBe(true);
      expect(second.event).toEqual(first.event);
    }
  });
});
