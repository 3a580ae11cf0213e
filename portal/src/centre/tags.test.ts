import {
  ACT_CODE_SYSTEM,
  CATEGORY_TAG_SYSTEM,
  CONFIDENTIALITY_SYSTEM,
  documentReferenceFor,
  tagUpload,
} from './tags';

describe('tagUpload', () => {
  it('tags every resource of a Bundle, keeping existing tags once', () => {
    const bundle = {
      resourceType: 'Bundle',
      entry: [
        {
          resource: {
            resourceType: 'Condition',
            meta: { tag: [{ system: CATEGORY_TAG_SYSTEM, code: 'problems' }] },
          },
        },
        { request: { method: 'DELETE' } },
      ],
    };
    const tagged = tagUpload(bundle, {
      categories: ['problems'],
      labels: ['V', 'HIV'],
    }) as unknown as typeof bundle & {
      entry: { resource?: { meta: { tag: unknown[]; security: unknown[] } } }[];
    };
    expect(tagged.entry[0]?.resource?.meta).toEqual({
      tag: [{ system: CATEGORY_TAG_SYSTEM, code: 'problems' }],
      security: [
        { system: CONFIDENTIALITY_SYSTEM, code: 'V' },
        { system: ACT_CODE_SYSTEM, code: 'HIV' },
      ],
    });
    expect(tagged.entry[1]).toEqual({ request: { method: 'DELETE' } });
    expect(bundle.entry[0]?.resource?.meta).toEqual({
      tag: [{ system: CATEGORY_TAG_SYSTEM, code: 'problems' }],
    });
  });

  it('leaves an untagged upload as it is', () => {
    const resource = { resourceType: 'Observation' };
    expect(tagUpload(resource, { categories: [], labels: [] })).toBe(resource);
  });
});

describe('documentReferenceFor', () => {
  it('describes the binary with its tags', () => {
    expect(
      documentReferenceFor({ name: 'ct.dcm', type: '', size: 5 }, 'patient-1', {
        categories: ['imaging'],
        labels: [],
      }),
    ).toMatchObject({
      resourceType: 'DocumentReference',
      subject: { reference: 'Patient/patient-1' },
      content: [{ attachment: { contentType: 'application/octet-stream', title: 'ct.dcm', size: 5 } }],
      meta: { tag: [{ system: CATEGORY_TAG_SYSTEM, code: 'imaging' }] },
    });
  });
});
