/**
 * The local index answers the deduplication lookups — current record by content, latest version of a source
 * document — and rebuilds them from the structured zone's documents alone (losing the index loses nothing). It lists
 * a patient's current records by category, so an assembly opens only the documents of the categories it releases;
 * an index written before that listing is given it when opened.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Category } from '@custodia/chaincode';
import { ClassicLevel } from 'classic-level';
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
let zones: ReturnType<typeof zonesOn>;
let index: RecordIndex;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'custodia-index-'));
  zones = zonesOn(['DE'], path.join(dir, 'keys'), randomBytes(32));
  index = new RecordIndex(path.join(dir, 'index'), 'DE', zones.documents, zones.tokens);
  await index.open();
});
afterEach(() => {
  jest.restoreAllMocks();
});

/** Every key of the index's LevelDB as stored, read with a handle of the test's own (the index closed meanwhile). */
async function storedKeys(): Promise<string[]> {
  await index.close();
  const db = new ClassicLevel<string, Buffer>(path.join(dir, 'index'), { valueEncoding: 'buffer' });
  try {
    return await db.keys().all();
  } finally {
    await db.close();
    await index.open();
  }
}

/** How many index documents `action` opens (the real SealedDocuments, watched, not replaced). */
async function documentsOpenedBy(action: () => Promise<unknown>): Promise<number> {
  const open = jest.spyOn(zones.documents, 'open');
  try {
    await action();
    return open.mock.calls.length;
  } finally {
    open.mockRestore();
  }
}

const ids = (docs: readonly RecordDocument[]): string[] => docs.map((each) => each.recordId);
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
  // Its record, content, source, category and token entries.
  expect(await index.removePatient('patient-planted-7c1e')).toBe(5);
  expect(await index.published('patient-planted-7c1e')).toEqual([]);
  expect(await index.published('patient-planted-7c1e', ['problems'])).toEqual([]);
  // Not a key of theirs is left: none under their token, none with their record id or their category's token.
  const keys = await storedKeys();
  const token = zones.tokens.patientToken('patient-planted-7c1e');
  expect(keys.filter((key) => key.includes(token))).toEqual([]);
  expect(keys.filter((key) => key.includes('rec-planted'))).toEqual([]);
  expect(
    keys.filter((key) => key.includes(zones.tokens.categoryToken('patient-planted-7c1e', 'problems'))),
  ).toEqual([]);
  // The neighbour's entries are all still there.
  const neighbourToken = zones.tokens.patientToken('patient-neighbour');
  expect(
    keys
      .filter((key) => key.includes(neighbourToken))
      .map((key) => key.slice(0, 2))
      .sort(),
  ).toEqual(['c!', 'g!', 'p!', 'r!', 's!']);
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

describe('current records by category', () => {
  const PATIENT = 'patient-categories';
  const of = (recordId: string, categories: Category[], extra: Partial<RecordDocument> = {}) =>
    doc(recordId, { patientId: PATIENT, categories, ...extra });
  const vitals = Array.from({ length: 40 }, (_, n) =>
    of(`cat-vital-${String(n).padStart(2, '0')}`, ['vital-signs']),
  );

  beforeAll(async () => {
    for (const each of [
      of('cat-a', ['allergies']),
      of('cat-ab', ['allergies', 'problems']),
      of('cat-pending', ['allergies'], { state: 'pending' }),
      of('cat-med-1', ['medications'], { supersededBy: 'cat-med-2' }),
      of('cat-med-2', ['medications'], { supersedes: 'cat-med-1' }),
      ...vitals,
    ])
      await index.upsert(each);
  });

  it('returns exactly the current records of the categories asked, each once, opening only their documents', async () => {
    let found: RecordDocument[] = [];
    const opened = await documentsOpenedBy(async () => {
      found = await index.published(PATIENT, ['problems', 'allergies']);
    });
    // A record of both categories once; the pending one and the 40 vital signs are not even opened.
    expect(ids(found)).toEqual(['cat-a', 'cat-ab']);
    expect(opened).toBe(2);
    expect(ids(await index.published(PATIENT, ['medications']))).toEqual(['cat-med-2']);
    expect(ids(await index.published(PATIENT, ['vital-signs']))).toEqual(ids(vitals));
    expect(await index.published(PATIENT, ['immunizations'])).toEqual([]);
    expect(await index.published(PATIENT, [])).toEqual([]);
    // Another patient's categories are not this one's.
    expect(await index.published('patient-neighbour', ['allergies'])).toEqual([]);
    // Without categories: every current record, as the patient's own record reads them.
    expect((await index.published(PATIENT)).length).toBe(2 + 1 + vitals.length);
  });

  it('counts from keys alone: current records per category, every document in all', async () => {
    let counts: Awaited<ReturnType<RecordIndex['counts']>> | undefined;
    const opened = await documentsOpenedBy(async () => {
      counts = await index.counts(PATIENT, [
        'allergies',
        'problems',
        'medications',
        'vital-signs',
        'devices',
      ]);
    });
    expect(opened).toBe(0);
    expect(Object.fromEntries(counts?.byCategory ?? [])).toEqual({
      allergies: 2,
      problems: 1,
      medications: 1,
      'vital-signs': vitals.length,
      devices: 0,
    });
    // Pending and superseded documents are counted too: an upper bound of the current records.
    expect(counts?.total).toBe(5 + vitals.length);
  });

  it('takes a superseded record out of its categories, and lists its new version', async () => {
    await index.upsert(of('cat-ab', ['allergies', 'problems'], { version: 3, supersededBy: 'cat-ab-2' }));
    await index.upsert(of('cat-ab-2', ['allergies', 'problems'], { supersedes: 'cat-ab' }));
    expect(ids(await index.published(PATIENT, ['problems']))).toEqual(['cat-ab-2']);
    expect(ids(await index.published(PATIENT, ['allergies']))).toEqual(['cat-a', 'cat-ab-2']);
    expect((await index.counts(PATIENT, ['problems'])).byCategory.get('problems')).toBe(1);
  });

  it('keeps no category in clear in its keys', async () => {
    const keys = await storedKeys();
    const categoryKeys = keys.filter((key) => key.startsWith('g!'));
    expect(categoryKeys.length).toBeGreaterThan(0);
    for (const category of ['allergies', 'problems', 'medications', 'vital-signs'])
      expect(keys.filter((key) => key.includes(category))).toEqual([]);
    // One patient's category token is not another's: keys do not line up across patients.
    expect(zones.tokens.categoryToken(PATIENT, 'allergies')).not.toBe(
      zones.tokens.categoryToken('patient-neighbour', 'allergies'),
    );
  });

  it('gives an index written before the category entries its entries once, when opened', async () => {
    const before = (await storedKeys()).filter((key) => key.startsWith('g!')).sort();
    // The earlier format: no category entries, no format key.
    await index.close();
    const db = new ClassicLevel<string, Buffer>(path.join(dir, 'index'), { valueEncoding: 'buffer' });
    const added = (await db.keys().all()).filter((key) => key.startsWith('g!') || key.startsWith('v!'));
    await db.batch(added.map((key) => ({ type: 'del' as const, key })));
    expect((await db.keys().all()).filter((key) => key.startsWith('g!'))).toEqual([]);
    await db.close();
    await index.open();
    // The same entries as written record by record (none for pending or superseded records).
    expect((await storedKeys()).filter((key) => key.startsWith('g!')).sort()).toEqual(before);
    expect(ids(await index.published(PATIENT, ['allergies', 'medications']))).toEqual([
      'cat-a',
      'cat-ab-2',
      'cat-med-2',
    ]);
    expect(ids(await index.published(PATIENT, ['vital-signs']))).toEqual(ids(vitals));
    // Done once: opened again, no document is opened.
    await index.close();
    expect(await documentsOpenedBy(() => index.open())).toBe(0);
  });
});
