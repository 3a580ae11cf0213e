import { CATEGORIES, ROLES } from '@custodia/chaincode';
import { categoriesOf, loadFhirDefinitions, planFhirRecords, validateFhir } from '@custodia/datalake';
import { DEMO_USERS, demoBundle, demoDocument } from './demo-data';

describe('demo data', () => {
  beforeAll(() => loadFhirDefinitions());

  it('is valid FHIR that the data lake files under every IPS category', () => {
    const plan = planFhirRecords(
      validateFhir(demoBundle('patient-anna')),
      'demo',
      new Date(),
      'patient-anna',
    );
    expect(plan.skipped).toEqual([]);
    const document = validateFhir(demoDocument('patient-anna').documentReference);
    const covered = new Set([
      ...plan.records.flatMap((record) => record.categories),
      ...categoriesOf(document),
    ]);
    expect([...covered].sort()).toEqual([...CATEGORIES].sort());
    expect(plan.records.some((record) => record.labels.includes('PSY'))).toBe(true);
  });

  it('has a user of every role, with unique logins and ledger ids', () => {
    expect(new Set(DEMO_USERS.map((user) => user.role))).toEqual(new Set(ROLES));
    expect(new Set(DEMO_USERS.map((user) => user.username)).size).toBe(DEMO_USERS.length);
    expect(new Set(DEMO_USERS.map((user) => user.ledgerId)).size).toBe(DEMO_USERS.length);
  });
});
