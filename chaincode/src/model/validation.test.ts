import fc from 'fast-check';
import { callerFromAttributes, decoders, pageSize, parseArgument } from './validation';
import type { Decoded } from './decode';

const {
  accessLogQuery,
  accessRequest,
  emergencyPolicySpec,
  emergencyRequest,
  identityRef,
  patientId,
  recordRegistration,
  registryChange,
  ruleSpec,
} = decoders;
const PATIENT = `pt-${'q'.repeat(26)}`;

const validRule = {
  effect: 'permit',
  grantee: { kind: 'practitioner', id: 'dr-a', mspId: 'Org1MSP', countries: ['FR', 'DE'] },
  categories: ['results', 'allergies'],
  labels: ['HIV'],
  purposes: ['TREAT'],
  notBefore: '2030-01-01T00:00:00+01:00',
  notAfter: '2030-02-01T00:00:00Z',
};

function errorOf<T>(decoded: Decoded<T>): { code: string; path: string; message: string } | undefined {
  return decoded.ok ? undefined : decoded.error;
}

describe('ruleSpec', () => {
  it('normalises a valid rule: canonical order, UTC instants, default labels', () => {
    const decoded = parseArgument(JSON.stringify(validRule), ruleSpec, 'rule');
    expect(decoded).toEqual({
      ok: true,
      value: {
        effect: 'permit',
        grantee: { kind: 'practitioner', id: 'dr-a', mspId: 'Org1MSP', countries: ['DE', 'FR'] },
        categories: ['allergies', 'results'],
        labels: ['HIV'],
        purposes: ['TREAT'],
        notBefore: '2029-12-31T23:00:00.000Z',
        notAfter: '2030-02-01T00:00:00.000Z',
      },
    });
    const withoutLabels = { ...validRule, labels: undefined };
    const minimal = parseArgument(
      JSON.stringify({ ...withoutLabels, categories: ['allergies'] }),
      ruleSpec,
      'rule',
    );
    expect(minimal.ok && minimal.value.labels).toEqual([]);
  });

  it.each([
    ['not JSON', '{', 'rule', 'must be valid JSON'],
    ['a missing field', { ...validRule, effect: undefined }, 'rule.effect', 'is required'],
    [
      'an unknown category',
      { ...validRule, categories: ['allergies', 'horoscope'] },
      'rule.categories[1]',
      'unknown category',
    ],
    [
      'a repeated category',
      { ...validRule, categories: ['allergies', 'allergies'] },
      'rule.categories',
      'repeat',
    ],
    ['no category', { ...validRule, categories: [] }, 'rule.categories', 'at least 1'],
    ['an unknown label', { ...validRule, labels: ['XYZ'] }, 'rule.labels[0]', 'unknown label'],
    ['an unknown purpose', { ...validRule, purposes: ['SPYING'] }, 'rule.purposes[0]', 'unknown purpose'],
    [
      'an unknown grantee kind',
      { ...validRule, grantee: { kind: 'anyone' } },
      'rule.grantee.kind',
      'unknown grantee kind',
    ],
    [
      'a practitioner without MSP',
      { ...validRule, grantee: { kind: 'practitioner', id: 'x' } },
      'rule.grantee.mspId',
      'required',
    ],
    [
      'a lowercase country',
      { ...validRule, grantee: { kind: 'role', role: 'clinician', countries: ['de'] } },
      'rule.grantee.countries[0]',
      'ISO 3166',
    ],
    [
      'notAfter before notBefore',
      { ...validRule, notAfter: '2029-06-01T00:00:00Z' },
      'rule.notAfter',
      'after notBefore',
    ],
    [
      'notAfter equal to notBefore',
      { ...validRule, notAfter: '2029-12-31T23:00:00Z' },
      'rule.notAfter',
      'after notBefore',
    ],
    [
      'an instant without zone',
      { ...validRule, notBefore: '2030-01-01T00:00:00' },
      'rule.notBefore',
      'time zone',
    ],
    [
      'an impossible date',
      { ...validRule, notBefore: '2030-02-30T00:00:00Z' },
      'rule.notBefore',
      'valid instant',
    ],
    [
      'an unknown property',
      { ...validRule, patientName: 'Jane Doe' },
      'rule.patientName',
      'not a known property',
    ],
    ['an array instead of an object', [validRule], 'rule', 'must be an object'],
  ])('rejects %s with INVALID_ARGUMENT naming the field', (_name, input, path, reason) => {
    const error = errorOf(
      parseArgument(typeof input === 'string' ? input : JSON.stringify(input), ruleSpec, 'rule'),
    );
    expect(error?.code).toBe('INVALID_ARGUMENT');
    expect(error?.path).toBe(path);
    expect(error?.message).toContain(reason);
  });

  it('never echoes submitted values in its messages', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 6 }).filter((s) => /^[A-Za-z]+$/.test(s)),
        (secret) => {
          const inputs = [
            { ...validRule, categories: [secret] },
            { ...validRule, grantee: { kind: secret } },
            { ...validRule, [secret]: 1 },
            { ...validRule, notBefore: secret },
          ];
          for (const input of inputs) {
            const error = errorOf(parseArgument(JSON.stringify(input), ruleSpec, 'rule'));
            expect(error).toBeDefined();
            // Property names are paths, so an unknown property is named; values never are.
            if (!(secret in input)) expect(error?.message).not.toContain(secret);
          }
        },
      ),
    );
  });
});

describe('emergencyPolicySpec', () => {
  const policy = { enabled: true, roles: ['clinician'], categories: ['allergies'], maxDurationMinutes: 120 };

  it('fills countries and labels with empty lists', () => {
    expect(emergencyPolicySpec(policy, 'policy')).toEqual({
      ok: true,
      value: { ...policy, countries: [], labels: [] },
    });
  });

  it('requires roles and categories when enabled, and bounds the duration', () => {
    expect(errorOf(emergencyPolicySpec({ ...policy, roles: [] }, 'policy'))?.path).toBe('policy.roles');
    expect(errorOf(emergencyPolicySpec({ ...policy, categories: [] }, 'policy'))?.path).toBe(
      'policy.categories',
    );
    expect(emergencyPolicySpec({ ...policy, enabled: false, roles: [], categories: [] }, 'policy').ok).toBe(
      true,
    );
    expect(errorOf(emergencyPolicySpec({ ...policy, maxDurationMinutes: 24 * 60 + 1 }, 'policy'))?.path).toBe(
      'policy.maxDurationMinutes',
    );
    expect(errorOf(emergencyPolicySpec({ ...policy, maxDurationMinutes: 1.5 }, 'policy'))?.path).toBe(
      'policy.maxDurationMinutes',
    );
  });
});

describe('recordRegistration', () => {
  const record = {
    recordId: 'rec-1',
    patientId: PATIENT,
    categories: ['results'],
    contentHash: 'a'.repeat(64),
    effectiveDate: '2024-02-29',
  };

  it('accepts a date or an instant as effective date', () => {
    expect(recordRegistration(record, 'record').ok).toBe(true);
    expect(recordRegistration({ ...record, effectiveDate: '2024-03-01T10:00:00Z' }, 'record').ok).toBe(true);
    expect(errorOf(recordRegistration({ ...record, effectiveDate: '2023-02-29' }, 'record'))?.path).toBe(
      'record.effectiveDate',
    );
  });

  it('rejects a hash that is not lowercase hex SHA-256 and ids with separators', () => {
    expect(errorOf(recordRegistration({ ...record, contentHash: 'A'.repeat(64) }, 'record'))?.path).toBe(
      'record.contentHash',
    );
    expect(errorOf(recordRegistration({ ...record, patientId: 'a\u0000b' }, 'record'))?.path).toBe(
      'record.patientId',
    );
    expect(errorOf(recordRegistration({ ...record, recordId: 'x'.repeat(129) }, 'record'))?.path).toBe(
      'record.recordId',
    );
  });
});

describe('patientId', () => {
  it('accepts only opaque pseudonyms: pt- and 26 base32 characters', () => {
    expect(patientId(`pt-${'abcdefghijklmnopqrstuvwxyz'}`, 'patientId').ok).toBe(true);
    expect(patientId('pt-234567234567234567234567ab', 'patientId').ok).toBe(true);
    for (const readable of ['patient-anna', 'anna.schmidt@example.org', `pt-${'a'.repeat(25)}`]) {
      expect(errorOf(patientId(readable, 'patientId'))?.path).toBe('patientId');
    }
    // Upper case, and the base32 alphabet's missing digits 0, 1, 8, 9.
    for (const letter of ['A', '0', '1', '8', '9']) {
      expect(patientId(`pt-${letter.repeat(26)}`, 'patientId').ok).toBe(false);
    }
  });

  it('accepts every string of the format and nothing else of that length', () => {
    const base32 = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz234567'.split(''));
    fc.assert(
      fc.property(
        fc.array(base32, { minLength: 26, maxLength: 26 }),
        (chars) => patientId(`pt-${chars.join('')}`, 'patientId').ok,
      ),
    );
    fc.assert(
      fc.property(
        fc.string({ minLength: 29, maxLength: 29 }),
        (text) => patientId(text, 'patientId').ok === /^pt-[a-z2-7]{26}$/.test(text),
      ),
    );
  });
});

describe('access requests', () => {
  const request = { patientId: PATIENT, categories: ['allergies'], purpose: 'TREAT', requestId: 'req-1' };
  const emergency = {
    patientId: PATIENT,
    categories: ['allergies'],
    reasonCode: 'unconscious',
    reasonHash: 'c'.repeat(64),
    requestId: 'req-2',
  };

  it('takes a reason only as a salted hash, and ETREAT only as an emergency request', () => {
    expect(accessRequest(request, 'request').ok).toBe(true);
    expect(accessRequest({ ...request, reasonHash: 'c'.repeat(64) }, 'request').ok).toBe(true);
    expect(errorOf(accessRequest({ ...request, reason: 'seen in A&E' }, 'request'))?.path).toBe(
      'request.reason',
    );
    expect(errorOf(accessRequest({ ...request, reasonHash: 'seen in A&E' }, 'request'))?.path).toBe(
      'request.reasonHash',
    );
    expect(errorOf(accessRequest({ ...request, purpose: 'ETREAT' }, 'request'))?.path).toBe(
      'request.purpose',
    );
  });

  it('requires an emergency reason from the closed list and its hash', () => {
    expect(emergencyRequest(emergency, 'request').ok).toBe(true);
    expect(errorOf(emergencyRequest({ ...emergency, reasonCode: 'curious' }, 'request'))?.path).toBe(
      'request.reasonCode',
    );
    expect(errorOf(emergencyRequest({ ...emergency, reasonHash: undefined }, 'request'))?.path).toBe(
      'request.reasonHash',
    );
    expect(errorOf(emergencyRequest({ ...emergency, requestId: undefined }, 'request'))?.path).toBe(
      'request.requestId',
    );
  });
});

describe('registryChange and identityRef', () => {
  it('decodes each kind of change; genesis members sorted, never repeated', () => {
    const genesis = registryChange(
      {
        sequence: 1,
        kind: 'genesis',
        members: [
          { mspId: 'Org2MSP', country: 'FR' },
          { mspId: 'Org1MSP', country: 'DE' },
        ],
      },
      'change',
    );
    expect(genesis.ok && genesis.value).toEqual({
      sequence: 1,
      kind: 'genesis',
      members: [
        { mspId: 'Org1MSP', country: 'DE' },
        { mspId: 'Org2MSP', country: 'FR' },
      ],
    });
    const repeated = [
      { mspId: 'Org1MSP', country: 'DE' },
      { mspId: 'Org1MSP', country: 'FR' },
    ];
    expect(errorOf(registryChange({ sequence: 1, kind: 'genesis', members: repeated }, 'change'))?.path).toBe(
      'change.members',
    );
    expect(registryChange({ sequence: 2, kind: 'add', mspId: 'Org4MSP', country: 'ES' }, 'change').ok).toBe(
      true,
    );
    expect(registryChange({ sequence: 2, kind: 'remove', mspId: 'Org4MSP' }, 'change').ok).toBe(true);
    expect(
      errorOf(registryChange({ sequence: 2, kind: 'remove', mspId: 'Org4MSP', country: 'ES' }, 'change'))
        ?.path,
    ).toBe('change.country');
    expect(
      errorOf(registryChange({ sequence: 0, kind: 'add', mspId: 'X', country: 'ES' }, 'change'))?.path,
    ).toBe('change.sequence');
    expect(
      errorOf(registryChange({ sequence: 2, kind: 'change-country', mspId: 'X', country: 'Spain' }, 'change'))
        ?.path,
    ).toBe('change.country');
    expect(errorOf(registryChange({ sequence: 2, kind: 'dissolve' }, 'change'))?.path).toBe('change.kind');
  });

  it("names an identity by role and id only: the MSP is always the caller's own", () => {
    expect(identityRef({ role: 'clinician', id: 'dr-a' }, 'identity').ok).toBe(true);
    expect(errorOf(identityRef({ role: 'clinician', id: 'dr-a', mspId: 'Org2MSP' }, 'identity'))?.path).toBe(
      'identity.mspId',
    );
  });
});

describe('accessLogQuery and pageSize', () => {
  it('decodes each kind of query and rejects an empty time range', () => {
    expect(accessLogQuery({ by: 'patient', patientId: PATIENT }, 'query').ok).toBe(true);
    expect(accessLogQuery({ by: 'requester', mspId: 'Org1MSP', requesterId: 'dr-a' }, 'query').ok).toBe(true);
    expect(accessLogQuery({ by: 'time', from: '2030-01-01T00:00:00Z' }, 'query').ok).toBe(true);
    expect(
      errorOf(
        accessLogQuery({ by: 'time', from: '2030-01-01T00:00:00Z', to: '2030-01-01T00:00:00Z' }, 'query'),
      )?.path,
    ).toBe('query.to');
    expect(errorOf(accessLogQuery({ by: 'everything' }, 'query'))?.path).toBe('query.by');
  });

  it('accepts page sizes 1..100 only', () => {
    expect(pageSize('1')).toEqual({ ok: true, value: 1 });
    expect(pageSize('100')).toEqual({ ok: true, value: 100 });
    for (const bad of ['0', '101', '-1', '1.5', '', 'ten', '1e2']) expect(pageSize(bad).ok).toBe(false);
  });
});

describe('callerFromAttributes', () => {
  it('requires a known role and a well-formed id; country is optional but must be ISO when present', () => {
    expect(
      callerFromAttributes({ mspId: 'Org1MSP', role: 'patient', id: 'p-1', country: undefined }),
    ).toEqual({
      ok: true,
      value: { mspId: 'Org1MSP', role: 'patient', id: 'p-1' },
    });
    expect(
      errorOf(callerFromAttributes({ mspId: 'Org1MSP', role: 'root', id: 'p-1', country: undefined }))?.path,
    ).toBe('custodia.role');
    expect(
      errorOf(callerFromAttributes({ mspId: 'Org1MSP', role: 'patient', id: undefined, country: undefined }))
        ?.path,
    ).toBe('custodia.id');
    expect(
      errorOf(callerFromAttributes({ mspId: 'Org1MSP', role: 'patient', id: 'p', country: 'Germany' }))?.path,
    ).toBe('custodia.country');
  });
});
