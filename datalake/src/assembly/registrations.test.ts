import { CATEGORIES } from '@custodia/chaincode';
import type { Category, RecordMeta } from '@custodia/chaincode';
import type { RecordDocument } from '../zones/record-document';
import type { RecordCounts } from '../zones/record-index';
import { chooseListing, registrationRefusal, Registrations } from './registrations';

const HASH = 'a'.repeat(64);

function doc(recordId: string, categories: Category[]): RecordDocument {
  return {
    schema: 2,
    version: 2,
    recordId,
    patientId: 'p-1',
    organisation: 'HospitalA',
    country: 'DE',
    kind: 'fhir',
    resourceType: 'Observation',
    categories,
    labels: [],
    effectiveDate: '2030-01-01',
    contentHash: HASH,
    resource: { objectId: 'obj-00000001', contentType: 'application/fhir+json', size: 1, sha256: HASH },
    state: 'published',
    createdAt: '2030-01-01T00:00:00.000Z',
  };
}

/** A registration as the ledger lists it. */
const meta = (recordId: string, overrides: Partial<RecordMeta> = {}): RecordMeta =>
  ({
    recordId,
    patientId: 'p-1',
    contentHash: HASH,
    categories: ['results'],
    labels: [],
    ...overrides,
  }) as RecordMeta;

const many = (count: number, category: Category, from = 0): RecordDocument[] =>
  Array.from({ length: count }, (_, index) => doc(`${category}-${from + index}`, [category]));

/** What the index counts of these records (all of them current). */
const countsOf = (published: readonly RecordDocument[]): RecordCounts => ({
  total: published.length,
  byCategory: new Map(
    CATEGORIES.map((category) => [
      category,
      published.filter((each) => each.categories.includes(category)).length,
    ]),
  ),
});

const grantOf = (...categories: Category[]) => ({
  patientId: 'p-1',
  granted: categories.map((category) => ({ category, labels: [] })),
});

describe('chooseListing', () => {
  it('reads the patient’s whole list when it is no deeper than the deepest category list', () => {
    // Few records in three categories: one call, not three.
    const published = [...many(3, 'allergies'), ...many(2, 'problems'), ...many(4, 'medications')];
    const grant = grantOf('allergies', 'problems', 'medications');
    expect(chooseListing(published, countsOf(published), grant)).toEqual({ by: 'patient' });
    // 2,000 records of one category: the same 20 pages either way.
    const allergies = many(2000, 'allergies');
    expect(chooseListing(allergies, countsOf(allergies), grantOf('allergies'))).toEqual({ by: 'patient' });
  });

  it('reads only the granted categories when the patient’s whole list is longer', () => {
    const published = [...many(150, 'allergies'), ...many(1500, 'results'), ...many(30, 'problems')];
    const grant = grantOf('allergies', 'problems');
    const candidates = published.filter((each) => !each.categories.includes('results'));
    expect(chooseListing(candidates, countsOf(published), grant)).toEqual({
      by: 'category',
      categories: ['allergies', 'problems'],
    });
  });

  it('lists a record under the first category it is released by, once', () => {
    const published = [doc('both', ['allergies', 'problems']), ...many(300, 'results')];
    expect(
      chooseListing([published[0] as RecordDocument], countsOf(published), grantOf('problems', 'allergies')),
    ).toEqual({ by: 'category', categories: ['allergies'] });
  });
});

describe('registrationRefusal', () => {
  const registration = (overrides: Partial<RecordMeta>): RecordMeta => meta('r-1', overrides);
  const document = doc('r-1', ['results']);

  it('releases a record registered with the lake’s hash for its patient', () => {
    expect(registrationRefusal(document, registration({}))).toBeUndefined();
  });

  it('refuses a record the ledger does not know, knows for another patient, with another hash, or replaced', () => {
    expect(registrationRefusal(document, undefined)).toBe('not-registered');
    expect(registrationRefusal(document, registration({ patientId: 'p-2' }))).toBe('not-registered');
    expect(registrationRefusal(document, registration({ contentHash: 'b'.repeat(64) }))).toBe(
      'hash-mismatch',
    );
    expect(registrationRefusal(document, registration({ supersededBy: 'r-2' }))).toBe('superseded');
  });

  it('refuses a record whose registration carries other categories or labels than the lake’s document', () => {
    // A document that drops a category or a label would be released by a grant the ledger's categories do not pass.
    expect(registrationRefusal(document, registration({ categories: ['results', 'problems'] }))).toBe(
      'metadata-mismatch',
    );
    expect(registrationRefusal(document, registration({ labels: ['PSY'] }))).toBe('metadata-mismatch');
  });
});

describe('Registrations', () => {
  it('gives each record its registration as soon as a page names it, before the listing ends', async () => {
    const registrations = new Registrations(['r-1', 'r-2']);
    registrations.named([meta('r-2')]);
    await expect(registrations.of('r-2')).resolves.toEqual(meta('r-2'));
    let settled = false;
    void registrations.of('r-1').then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    registrations.named([meta('r-1')]);
    await expect(registrations.of('r-1')).resolves.toEqual(meta('r-1'));
  });

  it('keeps the first registration named for a record, and ignores records it was not asked about', async () => {
    const registrations = new Registrations(['r-1']);
    registrations.named([meta('r-1'), meta('r-9')]);
    // The same record listed again (under a second category, or forged in a later page) changes nothing.
    registrations.named([meta('r-1', { contentHash: 'b'.repeat(64) })]);
    registrations.end();
    await expect(registrations.of('r-1')).resolves.toEqual(meta('r-1'));
    await expect(registrations.of('r-9')).resolves.toBeUndefined();
  });

  it('answers "not registered" for a record the finished listing never named', async () => {
    const registrations = new Registrations(['r-1', 'r-2']);
    registrations.named([meta('r-1')]);
    registrations.end();
    await expect(registrations.of('r-2')).resolves.toBeUndefined();
  });

  it('fails the records still waiting when the listing fails, and leaves named ones as they were', async () => {
    const registrations = new Registrations(['r-1', 'r-2']);
    registrations.named([meta('r-1')]);
    registrations.abort(new Error('ledger unavailable'));
    await expect(registrations.of('r-1')).resolves.toEqual(meta('r-1'));
    // Failed, never "not registered": a record is not excluded because the ledger did not answer.
    await expect(registrations.of('r-2')).rejects.toThrow('ledger unavailable');
  });
});
