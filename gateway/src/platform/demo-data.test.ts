import { CATEGORIES, ROLES } from '@custodia/chaincode';
import { categoriesOf, loadFhirDefinitions, planFhirRecords, validateFhir } from '@custodia/datalake';
import { DEMO_USERS, demoBundle, demoDocument } from './demo-data';

const PATIENT = `pt-${'a'.repeat(26)}`;

describe('demo data', () => {
  beforeAll(() => loadFhirDefinitions());

  it('is valid FHIR that the data lake files under every IPS category', () => {
    const plan = planFhirRecords(validateFhir(demoBundle(PATIENT)), 'demo', new Date(), PATIENT);
    expect(plan.skipped).toEqual([]);
    const document = validateFhir(demoDocument(PATIENT).documentReference);
    const covered = new Set([
      ...plan.records.flatMap((record) => record.categories),
      ...categoriesOf(document),
    ]);
    expect([...covered].sort()).toEqual([...CATEGORIES].sort());
    expect(plan.records.some((record) => record.labels.includes('PSY'))).toBe(true);
  });

  it('has a user of every role, with unique logins and staff ledger ids; patients get theirs when created', () => {
    expect(new Set(DEMO_USERS.map((user) => user.role))).toEqual(new Set(ROLES));
    expect(new Set(DEMO_USERS.map((user) => user.username)).size).toBe(DEMO_USERS.length);
    const staff = DEMO_USERS.filter((user) => user.role !== 'patient');
    expect(new Set(staff.map((user) => user.ledgerId)).size).toBe(staff.length);
    expect(DEMO_USERS.filter((user) => user.role === 'patient' && user.ledgerId !== undefined)).toEqual([]);
  });
});
