import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { partCount, partLength, UploadStore } from './upload-store';

const centre = { mspId: 'HospitalDEMSP', ledgerId: 'centre-berlin' };
const other = { mspId: 'HospitalFRMSP', ledgerId: 'centre-paris' };

describe('UploadStore', () => {
  let dir: string;
  let store: UploadStore;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'custodia-uploads-'));
    store = new UploadStore(dir, 4);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const open = () =>
    store.create({
      kind: 'document',
      owner: centre,
      patientId: 'patient-anna',
      sourceId: 'scan-1',
      contentType: 'application/pdf',
      size: 10,
    });

  it('keeps a refusal’s issues in the history until a later attempt replaces them or the upload is stored', async () => {
    const session = await open();
    const refused = await store.mark(session, 'receiving', {
      error: 'INVALID_INPUT',
      issues: [{ expression: 'DocumentReference.status', reason: 'Invalid code' }],
    });
    expect((await store.history(centre))[0]).toMatchObject({
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
    expect((await store.history(centre))[0]).toMatchObject({ status: 'stored', result: { records: [] } });
    expect((await store.history(centre))[0]?.error).toBeUndefined();
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
    expect((await store.history(centre)).map((entry) => entry.uploadId)).toEqual([session.uploadId]);
    expect(await store.history(other)).toEqual([]);
  });
});
