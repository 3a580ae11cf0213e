import { draftToSpec, EMPTY_DRAFT, exampleRequester, specToDraft } from './rule-draft';

describe('draftToSpec', () => {
  it('builds a practitioner rule with countries and an inclusive end day', () => {
    const result = draftToSpec({
      ...EMPTY_DRAFT,
      practitionerId: ' dr-1 ',
      mspId: 'HospitalDEMSP',
      countries: ['DE'],
      categories: ['allergies'],
      from: '2026-12-01',
      until: '2026-12-31',
    });
    expect(result).toEqual({
      ok: true,
      spec: {
        effect: 'permit',
        grantee: { kind: 'practitioner', id: 'dr-1', mspId: 'HospitalDEMSP', countries: ['DE'] },
        categories: ['allergies'],
        labels: [],
        purposes: ['TREAT'],
        notBefore: '2026-12-01T00:00:00.000Z',
        notAfter: '2027-01-01T00:00:00.000Z',
      },
    });
  });

  it('names every missing choice', () => {
    const result = draftToSpec({
      ...EMPTY_DRAFT,
      granteeKind: 'organization',
      purposes: [],
      from: '2026-12-02',
      until: '2026-12-01',
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && Object.keys(result.errors).sort()).toEqual([
      'categories',
      'grantee',
      'period',
      'purposes',
    ]);
  });

  it('round-trips a stored rule through the form', () => {
    const spec = draftToSpec({
      ...EMPTY_DRAFT,
      granteeKind: 'role',
      role: 'centre',
      categories: ['results'],
      until: '2027-03-31',
    });
    if (!spec.ok) throw new Error('draft refused');
    expect(draftToSpec(specToDraft(spec.spec))).toEqual(spec);
  });
});

describe('exampleRequester', () => {
  it('stands for someone the grantee covers, in its first country', () => {
    expect(
      exampleRequester({
        effect: 'permit',
        grantee: { kind: 'organization', mspId: 'HospitalFRMSP', countries: ['FR', 'BE'] },
        categories: ['allergies'],
        labels: [],
        purposes: ['TREAT'],
      }),
    ).toEqual({ mspId: 'HospitalFRMSP', id: 'preview', role: 'clinician', country: 'FR' });
  });
});
