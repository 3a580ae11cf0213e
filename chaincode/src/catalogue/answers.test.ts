/**
 * Answers a client must not trust: a peer — or a chaincode of another version — that answers something other than
 * the transaction's shape is refused before any caller reads a field of it.
 */
import { TRANSACTIONS } from './transactions';
import { decodeAnswer } from './transaction';
import { decodeEvent } from './events';

const requester = { mspId: 'Org1MSP', role: 'clinician', id: 'dr-a', country: 'DE' };
const grant = {
  grantId: 'g1',
  patientId: 'patient-a',
  requester,
  purpose: 'TREAT',
  emergency: false,
  requested: ['allergies'],
  granted: [{ category: 'allergies', labels: [] }],
  denied: [],
  rules: [],
  issuedAt: '2030-01-01T00:00:00.000Z',
  expiresAt: '2030-01-02T00:00:00.000Z',
  status: 'active',
};
const getGrant = TRANSACTIONS.access.getGrant;

function refused(payload: string, transaction: Parameters<typeof decodeAnswer>[0] = getGrant): string {
  const decoded = decodeAnswer(transaction, payload);
  if (decoded.ok) throw new Error('accepted');
  return decoded.error.message;
}

describe('answer decoders', () => {
  it('accept the answer the contract gives, as it is', () => {
    const decoded = decodeAnswer(getGrant, JSON.stringify(grant));
    expect(decoded).toEqual({ ok: true, value: grant });
  });

  it('refuse a grant whose status is not one the model knows, or is missing', () => {
    expect(refused(JSON.stringify({ ...grant, status: 'granted' }))).toMatch(/status: unknown value/);
    expect(refused(JSON.stringify({ ...grant, status: undefined }))).toMatch(/status/);
  });

  it('accept a narrowed grant and an emergency one with its reason code and hash', () => {
    const emergency = { ...grant, emergency: true, reasonCode: 'unconscious', reasonHash: 'ab'.repeat(32) };
    expect(decodeAnswer(getGrant, JSON.stringify({ ...grant, status: 'narrowed' })).ok).toBe(true);
    expect(decodeAnswer(getGrant, JSON.stringify(emergency)).ok).toBe(true);
  });

  it('refuse a reason code outside the closed list, and a reason hash that is not a string', () => {
    expect(refused(JSON.stringify({ ...grant, reasonCode: 'bored' }))).toMatch(/reasonCode: unknown value/);
    expect(refused(JSON.stringify({ ...grant, reasonHash: 42 }))).toMatch(/reasonHash/);
  });

  it('refuse a registry whose members are not organisations', () => {
    const getRegistry = TRANSACTIONS.organisations.getRegistry;
    const registry = { version: 1, members: [{ mspId: 'Org1MSP', country: 'DE' }] };
    expect(decodeAnswer(getRegistry, JSON.stringify(registry)).ok).toBe(true);
    expect(refused(JSON.stringify({ ...registry, members: [{ mspId: 'Org1MSP' }] }), getRegistry)).toMatch(
      /members\[0\]/,
    );
    expect(refused(JSON.stringify({ ...registry, members: 'Org1MSP' }), getRegistry)).toMatch(
      /must be a list/,
    );
  });

  it('refuse a grant naming no requester, or one with a role outside the vocabulary', () => {
    expect(refused(JSON.stringify({ ...grant, requester: undefined }))).toMatch(/requester/);
    expect(refused(JSON.stringify({ ...grant, requester: { ...requester, role: 'root' } }))).toMatch(/role/);
  });

  it('refuse a field of the wrong type, a list where an object is due, and what is not JSON', () => {
    expect(refused(JSON.stringify({ ...grant, expiresAt: 1_900_000_000 }))).toMatch(
      /expiresAt: must be a string/,
    );
    expect(refused(JSON.stringify({ ...grant, denied: [1] }))).toMatch(/denied: must be a list of strings/);
    expect(refused(JSON.stringify([grant]))).toMatch(/must be a grant/);
    expect(refused('{"grantId":')).toMatch(/not JSON/);
    expect(refused('null')).toMatch(/must be a grant/);
  });

  it('refuse a page without a bookmark, or with one malformed item among good ones', () => {
    const listAccessLog = TRANSACTIONS.audit.listAccessLog;
    expect(refused(JSON.stringify({ items: [] }), listAccessLog)).toMatch(/page/);
    const entry = {
      entryId: 'e1',
      timestamp: '2030-01-01T00:00:00.000Z',
      patientId: 'patient-a',
      requester,
      purpose: 'TREAT',
      emergency: false,
      requested: ['allergies'],
      decision: { purpose: 'TREAT', categories: [], granted: [], denied: ['allergies'], rules: [] },
    };
    expect(decodeAnswer(listAccessLog, JSON.stringify({ items: [entry], bookmark: '' })).ok).toBe(true);
    expect(
      refused(
        JSON.stringify({ items: [entry, { ...entry, decision: 'granted' }], bookmark: '' }),
        listAccessLog,
      ),
    ).toMatch(/items\[1\]/);
  });
});

describe('event decoders', () => {
  it('type a known event and refuse an unknown name or a malformed payload', () => {
    const payload = { patientId: 'p', ruleId: 'r', version: 2, change: 'revoked', revokedGrantIds: ['g1'] };
    expect(decodeEvent('custodia.rule.changed', JSON.stringify(payload))).toEqual({
      ok: true,
      value: { name: 'custodia.rule.changed', payload },
    });
    expect(decodeEvent('custodia.rule.deleted', JSON.stringify(payload)).ok).toBe(false);
    expect(
      decodeEvent(
        'custodia.rule.changed',
        JSON.stringify({ ...payload, revokedGrantIds: [{ grantId: 'g1' }] }),
      ).ok,
    ).toBe(false);
    expect(decodeEvent('custodia.rule.changed', 'not json').ok).toBe(false);
  });
});
