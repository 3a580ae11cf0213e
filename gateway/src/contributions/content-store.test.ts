import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SecretBox } from '../identity';
import { canonicalHash, ContributionContent } from './content-store';

const ANNA = `pt-${'a'.repeat(26)}`;
const MARCO = `pt-${'m'.repeat(26)}`;

describe('ContributionContent', () => {
  let dir: string;
  let store: ContributionContent;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'custodia-contrib-'));
    store = new ContributionContent(dir, new SecretBox(randomBytes(32)));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const note = {
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'blood pressure' },
    valueString: '120/80',
  };

  it('keeps the content sealed, addressed by the hash the ledger holds', async () => {
    const { contentHash: hash, created } = await store.put(ANNA, note);
    expect(created).toBe(true);
    expect(hash).toBe(canonicalHash({ ...note }));
    expect(await store.get(ANNA, hash)).toEqual(note);
    const [folder = ''] = readdirSync(dir);
    const [file = ''] = readdirSync(path.join(dir, folder));
    expect(readFileSync(path.join(dir, folder, file), 'utf8')).not.toContain('120/80');
  });

  it('hashes JSON whatever the key order', () => {
    expect(canonicalHash({ a: 1, b: [{ d: 2, c: 3 }] })).toBe(canonicalHash({ b: [{ c: 3, d: 2 }], a: 1 }));
  });

  it('refuses content moved to another patient or swapped for other content', async () => {
    const { contentHash: hash } = await store.put(ANNA, note);
    const { contentHash: other } = await store.put(ANNA, { ...note, valueString: '180/110' });
    const folder = path.join(dir, ANNA);
    writeFileSync(path.join(folder, `${hash}.json`), readFileSync(path.join(folder, `${other}.json`)));
    await expect(store.get(ANNA, hash)).rejects.toThrow();
    await expect(store.get(MARCO, other)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('says whether it kept new content, and removes refused content without a trace', async () => {
    const first = await store.put(ANNA, note);
    expect((await store.put(ANNA, note)).created).toBe(false);
    const fresh = await store.put(MARCO, note);
    expect(fresh.created).toBe(true);
    await store.remove(MARCO, fresh.contentHash);
    expect(readdirSync(dir)).toEqual([ANNA]);
    expect(await store.get(ANNA, first.contentHash)).toEqual(note);
  });
});
