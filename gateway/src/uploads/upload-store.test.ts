import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { SecretBox } from '../identity/secret-box';
import { partCount, partLength, UploadStore } from './upload-store';

const centre = { mspId: 'HospitalDEMSP', ledgerId: 'centre-berlin' };
const other = { mspId: 'HospitalFRMSP', ledgerId: 'centre-paris' };
const FIRST_PAGE = { pageSize: 100, bookmark: '' };
const box = new SecretBox(randomBytes(32));

describe('UploadStore', () => {
  let dir: string;
  let store: UploadStore;
  let now: Date;
  const TTL_MS = 3_600_000;
  const storeOn = () => new UploadStore({ directory: dir, partBytes: 4, box, ttlMs: TTL_MS, now: () => now });
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'custodia-uploads-'));
    now = new Date('2030-01-01T00:00:00Z');
    store = storeOn();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const open = () =>
    store.create({
      kind: 'document',
      owner: centre,
      patientId: 'patient-anna',
      sourceId: 'scans/anna-keller-1981-03-14.pdf',
      contentType: 'application/pdf',
      size: 10,
    });

  it('keeps a refusal’s issues in the history until a later attempt replaces them or the upload is stored', async () => {
    const session = await open();
    const refused = await store.mark(session, 'receiving', {
      error: 'INVALID_INPUT',
      issues: [{ expression: 'DocumentReference.status', reason: 'Invalid code' }],
    });
    expect((await store.history(centre, FIRST_PAGE)).items[0]).toMatchObject({
      error: 'INVALID_INPUT',
      issues: [{ expression: 'DocumentReference.status', reason: 'Invalid code' }],
    });
    const storing = await store.mark(refused, 'storing');
    expect(storing.issues).toHaveLength(1);
    const again = await store.mark(storing, 'receiving', { error: 'DATALAKE_UNAVAILABLE' });
    expect(again).toMatchObject({ error: 'DATALAKE_UNAVAILABLE' });
    expect(again.issues).toBeUndefined();
    const stored = await store.mark(again, 'stored', { result: { records: [] } });
    expect(stored.error).toBeUndefined();
    expect((await store.history(centre, FIRST_PAGE)).items[0]).toMatchObject({
      status: 'stored',
      result: { records: [] },
    });
    expect((await store.history(centre, FIRST_PAGE)).items[0]?.error).toBeUndefined();
  });

  it('splits the announced size into fixed parts with a shorter last one', () => {
    expect(partCount({ size: 10, partBytes: 4 })).toBe(3);
    expect([0, 1, 2].map((index) => partLength({ size: 10, partBytes: 4 }, index))).toEqual([4, 4, 2]);
  });

  it('assembles the parts in order whatever order they arrived in, re-sent parts replacing earlier copies', async () => {
    const session = await open();
    await store.putPart(session.uploadId, centre, 2, Readable.from([Buffer.from('ij')]));
    await store.putPart(session.uploadId, centre, 0, Readable.from([Buffer.from('xxxx')]));
    await store.putPart(session.uploadId, centre, 0, Readable.from([Buffer.from('abcd')]));
    await expect(store.content(await store.get(session.uploadId, centre))).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    const done = await store.putPart(session.uploadId, centre, 1, Readable.from([Buffer.from('efgh')]));
    expect(done.parts).toEqual([0, 1, 2]);
    expect(await text(await store.content(done))).toBe('abcdefghij');
  });

  it('refuses a part of the wrong length or index and keeps nothing of it', async () => {
    const session = await open();
    await expect(
      store.putPart(session.uploadId, centre, 0, Readable.from([Buffer.from('abc')])),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(
      store.putPart(session.uploadId, centre, 1, Readable.from([Buffer.from('abcdefgh')])),
    ).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    await expect(
      store.putPart(session.uploadId, centre, 3, Readable.from([Buffer.from('ab')])),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect((await store.get(session.uploadId, centre)).parts).toEqual([]);
  });

  it('shows a centre its own uploads only', async () => {
    const session = await open();
    await expect(store.get(session.uploadId, other)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await store.history(centre, FIRST_PAGE)).items.map((entry) => entry.uploadId)).toEqual([
      session.uploadId,
    ]);
    expect(await store.history(other, FIRST_PAGE)).toEqual({ items: [], bookmark: '' });
  });

  /** Every file of the store with its mode and content. */
  function files(): { name: string; mode: number; content: string }[] {
    return readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .map((name) => path.join(dir, name))
      .filter((file) => statSync(file).isFile())
      .map((file) => ({
        name: path.relative(dir, file),
        mode: statSync(file).mode & 0o777,
        content: readFileSync(file).toString('latin1'),
      }));
  }

  it('keeps nothing in clear: parts, session and attachment are sealed, files 0600', async () => {
    const session = await open();
    await store.attach(session, {
      fileName: 'anna-keller-discharge.pdf',
      documentReference: { resourceType: 'DocumentReference', description: 'Anna Keller' },
    });
    await store.putPart(session.uploadId, centre, 0, Readable.from([Buffer.from('ANNA')]));
    await store.putPart(session.uploadId, centre, 2, Readable.from([Buffer.from('KE')]));
    const stored = files();
    expect(stored.map((file) => file.mode)).toEqual(stored.map(() => 0o600));
    for (const needle of ['ANNA', 'anna-keller', 'Anna Keller', 'patient-anna', '1981-03-14'])
      expect(stored.filter((file) => file.content.includes(needle) || file.name.includes(needle))).toEqual(
        [],
      );
    // The store itself reads them back.
    expect((await store.get(session.uploadId, centre)).sourceId).toBe('scans/anna-keller-1981-03-14.pdf');
    expect((await store.attachment(session)).fileName).toBe('anna-keller-discharge.pdf');
  });

  it('refuses a part file moved to another index', async () => {
    const session = await open();
    await store.putPart(session.uploadId, centre, 0, Readable.from([Buffer.from('abcd')]));
    await store.putPart(session.uploadId, centre, 1, Readable.from([Buffer.from('efgh')]));
    const done = await store.putPart(session.uploadId, centre, 2, Readable.from([Buffer.from('ij')]));
    const folder = path.dirname(
      path.join(dir, files().find((file) => file.name.endsWith('part-0'))?.name as string),
    );
    renameSync(path.join(folder, 'part-0'), path.join(folder, 'part-x'));
    renameSync(path.join(folder, 'part-1'), path.join(folder, 'part-0'));
    renameSync(path.join(folder, 'part-x'), path.join(folder, 'part-1'));
    await expect(text(await store.content(done))).rejects.toMatchObject({ code: 'INTEGRITY_FAILED' });
  });

  it('removes uploads nobody finished once their time is up, and keeps finished and recent ones', async () => {
    const abandoned = await open();
    await store.putPart(abandoned.uploadId, centre, 0, Readable.from([Buffer.from('abcd')]));
    const finished = await store.mark(await open(), 'stored', { result: { records: [] } });
    now = new Date(now.getTime() + TTL_MS - 1000);
    const recent = await open();
    expect((await store.sweep()).removed).toBe(0);
    now = new Date(now.getTime() + 2000);
    expect((await store.sweep()).removed).toBe(1);
    await expect(store.get(abandoned.uploadId, centre)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await store.history(centre, FIRST_PAGE)).items.map((each) => each.uploadId).sort()).toEqual(
      [finished.uploadId, recent.uploadId].sort(),
    );
    expect(files().filter((file) => file.name.includes(abandoned.uploadId))).toEqual([]);
  });

  it('marks uploads a stop cut short as interrupted at start; a binary resumes from the parts it has', async () => {
    const binary = await open();
    await store.putPart(binary.uploadId, centre, 0, Readable.from([Buffer.from('abcd')]));
    await store.mark(await store.get(binary.uploadId, centre), 'storing');
    const fhir = await store.create({
      kind: 'fhir',
      owner: centre,
      patientId: 'patient-anna',
      sourceId: 'bundle-1',
      contentType: 'application/fhir+json',
      size: 10,
    });
    const job = await store.mark(
      await store.create({ ...fhir, kind: 'fhir', sourceId: 'bundle-2' }),
      'storing',
      { result: { jobId: '5a1e0000-0000-4000-8000-000000000001' } },
    );
    const restarted = storeOn();
    expect(await restarted.recover()).toEqual({ interrupted: 2, removed: 0 });
    expect((await restarted.get(binary.uploadId, centre)).status).toBe('interrupted');
    expect((await restarted.get(fhir.uploadId, centre)).status).toBe('interrupted');
    // The lake's job goes on (or is marked by the lake): the upload follows it.
    expect((await restarted.get(job.uploadId, centre)).status).toBe('storing');
    await restarted.putPart(binary.uploadId, centre, 1, Readable.from([Buffer.from('efgh')]));
    const resumed = await restarted.putPart(binary.uploadId, centre, 2, Readable.from([Buffer.from('ij')]));
    expect(await text(await restarted.content(resumed))).toBe('abcdefghij');
  });
});

describe('UploadStore history and retention', () => {
  let dir: string;
  let clock: Date;
  let store: UploadStore;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'custodia-uploads-'));
    clock = new Date('2025-01-01T00:00:00Z');
    store = new UploadStore({ directory: dir, partBytes: 4, box, ttlMs: 3_600_000, now: () => clock });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function openAt(at: string, sourceId: string): Promise<string> {
    clock = new Date(at);
    return (
      await store.create({
        kind: 'fhir',
        owner: centre,
        patientId: 'patient-anna',
        sourceId,
        contentType: 'application/fhir+json',
        size: 10,
      })
    ).uploadId;
  }

  it('pages the history newest first', async () => {
    const ids: string[] = [];
    for (let day = 1; day <= 7; day += 1) ids.push(await openAt(`2025-01-0${day}T10:00:00Z`, `s-${day}`));
    const newestFirst = [...ids].reverse();
    const seen: string[] = [];
    let bookmark = '';
    let pages = 0;
    do {
      const page = await store.history(centre, { pageSize: 3, bookmark });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((session) => session.uploadId));
      bookmark = page.bookmark;
      pages += 1;
    } while (bookmark !== '');
    expect(seen).toEqual(newestFirst);
    expect(pages).toBe(3);
  });

  it('refuses a bookmark it did not give (no path tricks through the listing)', async () => {
    await openAt('2025-01-01T10:00:00Z', 's-1');
    for (const bookmark of ['../../etc', '9999999999999-x', 'history'])
      await expect(store.history(centre, { pageSize: 3, bookmark })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
  });

  it('prunes uploads older than the cutoff — parts, description, session and history entry — and keeps the rest', async () => {
    const old = await openAt('2025-01-01T10:00:00Z', 'old');
    const recent = await openAt('2025-03-01T10:00:00Z', 'recent');
    await store.putPart(old, centre, 0, Readable.from([Buffer.from('abcd')]));
    expect(await store.prune(new Date('2025-02-01T00:00:00Z'))).toBe(1);
    await expect(store.get(old, centre)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(existsSync(path.join(dir, ownerFolderName(), old))).toBe(false);
    const page = await store.history(centre, { pageSize: 10, bookmark: '' });
    expect(page.items.map((session) => session.uploadId)).toEqual([recent]);
    expect(await store.prune(new Date('2025-02-01T00:00:00Z'))).toBe(0);
  });

  it('lists uploads kept before the history existed, once the store is opened again', async () => {
    const id = await openAt('2025-01-01T10:00:00Z', 'legacy');
    rmSync(path.join(dir, ownerFolderName(), 'history'), { recursive: true });
    expect((await store.history(centre, { pageSize: 10, bookmark: '' })).items).toEqual([]);
    await new UploadStore({ directory: dir, partBytes: 4, box, ttlMs: 3_600_000 }).ensure();
    expect(
      (await store.history(centre, { pageSize: 10, bookmark: '' })).items.map((s) => s.uploadId),
    ).toEqual([id]);
  });

  function ownerFolderName(): string {
    return createHash('sha256').update(`${centre.mspId}\u0000${centre.ledgerId}`).digest('hex').slice(0, 32);
  }
});
