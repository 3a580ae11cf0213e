/**
 * The local index answers the deduplication lookups — current record by content, latest version of a source
 * document — and rebuilds them from the structured zone's documents alone (losing the index loses nothing).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RecordDocument } from '../src/zones/record-document';
import { RecordIndex } from '../src/zones/record-index';
import { zonesOn } from './zones';

const hex = (digit: string) => digit.repeat(64);
const doc = (recordId: string, extra: Partial<RecordDocument>): RecordDocument => ({
  schema: 2,
  version: 2,
  recordId,
  patientId: 'patient-idx',
  organisation: 'Org1MSP',
  country: 'DE',
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
  const zones = zonesOn(['DE'], path.join(dir, 'keys'), randomBytes(32));
  index = new RecordIndex(path.join(dir, 'index'), 'DE', zones.documents, zones.tokens);
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

/** Every byte of every file under `folder`, as text (LevelDB's log, tables, manifest and info log). */
async function filesUnder(folder: string): Promise<string> {
  const names = await readdir(folder, { recursive: true });
  const texts = await Promise.all(
    names.map((name) =>
      readFile(path.join(folder, name)).then(
        (bytes) => bytes.toString('latin1'),
        () => '',
      ),
    ),
  );
  return texts.join('\n');
}

it('holds nothing in clear, and after a patient is removed no file of the index holds their id any more', async () => {
  const planted = doc('rec-planted', {
    patientId: 'patient-planted-7c1e',
    labels: ['PSY'],
    effectiveDate: '1961-07-29',
    contentKey: hex('7'),
    sourceKey: hex('8'),
  });
  const neighbour = doc('rec-neighbour', { patientId: 'patient-neighbour', contentKey: hex('9') });
  await index.upsert(planted);
  await index.upsert(neighbour);
  // Keys name patients by token only; documents are sealed (read before LevelDB compresses anything into a table).
  const before = await filesUnder(path.join(dir, 'index'));
  expect(before).toContain('rec-planted');
  expect(before).not.toContain('patient-planted-7c1e');
  expect(before).not.toContain('1961-07-29');
  expect(before).not.toContain('"PSY"');
  expect((await index.published('patient-planted-7c1e')).map((each) => each.recordId)).toEqual([
    'rec-planted',
  ]);

  await index.close();
  await index.open();
  expect(await index.removePatient('patient-planted-7c1e')).toBe(3);
  expect(await index.published('patient-planted-7c1e')).toEqual([]);
  await index.close();
  await index.open();
  const after = await filesUnder(path.join(dir, 'index'));
  // Deleted and compacted: not even the sealed entries remain. (LevelDB's info log and manifest may still name
  // key ranges by the keyed token, which nothing links to the patient without the lake's hash key.)
  expect(after).not.toContain('rec-planted');
  expect((await index.published('patient-neighbour')).map((each) => each.recordId)).toEqual([
    'rec-neighbour',
  ]);
});
