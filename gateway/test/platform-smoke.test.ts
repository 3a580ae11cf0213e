import { startTestPlatform } from './fixtures/platform';
import type { TestPlatform } from './fixtures/platform';

jest.setTimeout(120_000);

describe('the platform on its embedded default', () => {
  let stack: TestPlatform;
  let ANNA: string;
  beforeAll(async () => {
    stack = await startTestPlatform();
    ANNA = stack.patientId('anna');
  });
  afterAll(async () => stack?.destroy());

  it('serves its OpenAPI document and is ready', async () => {
    const openapi = (await (await stack.call('GET', '/api/v1/openapi.json')).json()) as {
      openapi: string;
      paths: object;
    };
    expect(openapi.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.paths)).toContain('/api/v1/patients/{patientId}/rules');
    expect((await stack.call('GET', '/readyz')).status).toBe(200);
  });

  it('gives a French clinician the essentials of Anna’s record under her country-limited rule', async () => {
    const token = await stack.login('dr.dubois');
    const request = await stack.call('POST', '/api/v1/access-requests', token, {
      patientId: ANNA,
      categories: ['allergies', 'results'],
      purpose: 'TREAT',
    });
    expect(request.status).toBe(201);
    const entry = (await request.json()) as {
      grantId: string;
      decision: { categories: { category: string; granted: boolean }[] };
    };
    expect(entry.decision.categories).toEqual([
      expect.objectContaining({ category: 'allergies', granted: true }),
      expect.objectContaining({ category: 'results', granted: false }),
    ]);
    const record = await stack.call('GET', `/api/v1/grants/${entry.grantId}/record`, token);
    expect(record.status).toBe(200);
    const bundle = (await record.json()) as {
      resourceType: string;
      entry: { resource: { resourceType: string } }[];
    };
    expect(bundle.resourceType).toBe('Bundle');
    const types = bundle.entry.map((item) => item.resource.resourceType);
    expect(types).toContain('AllergyIntolerance');
    expect(types).not.toContain('Observation');
  });

  it('holds a clinician’s contribution until the patient has read and approved it', async () => {
    const clinician = await stack.login('dr.weber');
    const resource = {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'home BP' },
      valueString: '128/84',
    };
    // Only a clinician the patient's rules let see her now may add to her record.
    const grant = await stack.call('POST', '/api/v1/access-requests', clinician, {
      patientId: ANNA,
      categories: ['vital-signs'],
      purpose: 'TREAT',
    });
    expect(grant.status).toBe(201);
    const submitted = await stack.call('POST', `/api/v1/patients/${ANNA}/contributions`, clinician, {
      categories: ['vital-signs'],
      resource,
    });
    expect(submitted.status).toBe(201);
    const { contributionId } = (await submitted.json()) as { contributionId: string };
    const anna = await stack.login('anna');
    const pending = (await (
      await stack.call('GET', `/api/v1/patients/${ANNA}/contributions`, anna)
    ).json()) as {
      items: { contributionId: string; status: string }[];
    };
    expect(pending.items).toContainEqual(expect.objectContaining({ contributionId, status: 'pending' }));
    const content = await stack.call(
      'GET',
      `/api/v1/patients/${ANNA}/contributions/${contributionId}/content`,
      anna,
    );
    expect(await content.json()).toEqual(resource);
    const marco = await stack.login('marco');
    expect(
      (await stack.call('GET', `/api/v1/patients/${ANNA}/contributions/${contributionId}/content`, marco))
        .status,
    ).toBe(403);
    const approved = await stack.call(
      'POST',
      `/api/v1/patients/${ANNA}/contributions/${contributionId}/approve`,
      anna,
    );
    expect(await approved.json()).toMatchObject({ contributionId, status: 'approved' });
  });
});
