/**
 * The local index answers the deduplication lookups — current record by content, latest version of a source
 * document — and rebuilds them from the structured zone's documents alone (losing the index loses nothing).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RecordDocument } from '../src/zones/record-document';
import { RecordIndex } from '../src/zones/record-index';

const hex = (digit: string) => digit.repeat(64);
const doc = (recordId: string, extra: Partial<RecordDocument>): RecordDocument => ({
  schema: 1,
  recordId,
  patientId: 'patient-idx',
  organisation: 'Org1MSP',
  country: 'DE',
  sourceId: 'src',
  kind: 'fhir',
  resourceType: 'Condition',
  categories: ['problems'],
  labels: [],
  effectiveDate: '2024-01-01',
  contentHash: hex('a'),
  resource: { objectId: `obj-${recordId}`, contentType: 'application/fhir+json', size: 1, sha256: hex('a') },
  state: 'published',
  sourceKey: hex('5'),
  createdAt: '2024-01-01T00:00:00Z',
  ...extra,
});

let dir: string;
let index: RecordIndex;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'custodia-index-'));
  index = new RecordIndex(dir);
  await index.open();
});
afterAll(async () => {
  await index.close();
  await rm(dir, { recursive: true, force: true });
});

it('keeps the lookups of the current version only, and rebuilds them from the documents', async () => {
  const v1 = doc('rec-v1', { contentKey: hex('1'), supersededBy: 'rec-v2' });
  const v2 = doc('rec-v2', { contentKey: hex('2'), supersedes: 'rec-v1' });
  const pending = doc('rec-p', { contentKey: hex('3'), sourceKey: hex('6'), state: 'pending' });
  const check = async () => {
    expect((await index.published('patient-idx')).map((each) => each.recordId)).toEqual(['rec-v2']);
    expect(await index.byContent('patient-idx', 'Org1MSP', hex('2'))).toBe('rec-v2');
    // A retired version no longer answers for its content; nor does another organisation's lookup.
    expect(await index.byContent('patient-idx', 'Org1MSP', hex('1'))).toBeUndefined();
    expect(await index.byContent('patient-idx', 'Org2MSP', hex('2'))).toBeUndefined();
    expect(await index.latestOfSource('patient-idx', hex('5'))).toBe('rec-v2');
    expect(await index.byContent('patient-idx', 'Org1MSP', hex('3'))).toBeUndefined();
  };
  await index.upsert({ ...v1, supersededBy: undefined } as RecordDocument);
  await index.upsert(v2);
  await index.upsert(v1);
  await index.upsert(pending);
  await check();
  async function* documents() {
    yield v2;
    yield v1;
    yield pending;
  }
  expect(await index.rebuild(documents())).toBe(3);
  await check();
  await index.removePatient('patient-idx');
  expect(await index.latestOfSource('patient-idx', hex('5'))).toBeUndefined();
  expect(await index.byContent('patient-idx', 'Org1MSP', hex('2'))).toBeUndefined();
});
