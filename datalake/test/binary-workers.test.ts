/**
 * Binaries of more than one sealed chunk are opened on the lake's worker threads and handed to the response through
 * shared slots (src/open-workers/). Against the embedded network, a real S3 and real HTTP: every tampering of the
 * stored object is still caught — the clinician gets a failure, never a short or altered file; a client that goes
 * away stops the worker's storage read and frees its slots; concurrent downloads are each byte for byte; a worker
 * that dies fails only its own download and is replaced; stopping the lake terminates its workers.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Bundle, DocumentReference } from '@medplum/fhirtypes';
import type { Caller } from '@custodia/chaincode';
import type { LedgerSession } from '@custodia/ledger';
import type { AssemblyResult } from '../src/assembly/assemble';
import { DEFAULT_CHUNK_SIZE, HEADER_BYTES, TAG_BYTES } from '../src/crypto/format';
import { layout } from '../src/zones/layout';
import { ORG_DE, pseudonym } from '../../network/test/fixtures/embedded-network';
import { permitClinicians, startLakeOnLedger } from './lake-on-ledger';
import type { LakeOnLedger } from './lake-on-ledger';
import { documentForm } from './document-form';

jest.setTimeout(240_000);

const PATIENT = pseudonym('workers-1');
const centre: Caller = { mspId: ORG_DE, id: 'centre-workers', role: 'centre', country: 'DE' };
const patient: Caller = { mspId: ORG_DE, id: PATIENT, role: 'patient' };
const clinician: Caller = { mspId: ORG_DE, id: 'dr-workers', role: 'clinician', country: 'DE' };

/** Five whole chunks and a short final one. */
const scan = randomBytes(5 * DEFAULT_CHUNK_SIZE + 4321);
/** Another binary of the same size: its sealed bytes are what a swap puts in the scan's place. */
const other = randomBytes(scan.length);
/** Larger than the ring, the sockets' buffers and the client's together: it is still being read when a test acts. */
const large = randomBytes(48 * 1024 * 1024 + 77);
const STORED_CHUNK = DEFAULT_CHUNK_SIZE + TAG_BYTES;

let env: LakeOnLedger;
let clinicianLedger: LedgerSession;
const ids = { scan: '', other: '', large: '' };
let links: Record<keyof typeof ids, string>;

async function upload(sourceId: string, content: Buffer): Promise<string> {
  const uploaded = await env.call('POST', `/v1/patients/${PATIENT}/documents?sourceId=${sourceId}`, centre, {
    body: documentForm(PATIENT, content, sourceId, `${sourceId}.pdf`),
  });
  expect(uploaded.status).toBe(201);
  return ((await uploaded.json()) as { records: { recordId: string }[] }).records[0]?.recordId ?? '';
}

/** A fresh grant's record, assembled: the signed link of each binary. */
async function grantLinks(): Promise<Record<keyof typeof ids, string>> {
  const entry = await clinicianLedger.access.request({
    patientId: PATIENT,
    categories: ['documents'],
    purpose: 'TREAT',
    requestId: randomUUID(),
  });
  const grantId = entry.grantId as string;
  const assembled = await env.call('POST', `/v1/grants/${grantId}/assembly`, clinician);
  expect(assembled.status).toBe(201);
  expect(((await assembled.json()) as AssemblyResult).excluded).toEqual([]);
  const bundle = (await (await env.call('GET', `/v1/grants/${grantId}/record`, clinician)).json()) as Bundle;
  const urls = (bundle.entry ?? [])
    .map((each) => each.resource)
    .filter((resource): resource is DocumentReference => resource?.resourceType === 'DocumentReference')
    .map((reference) => reference.content[0]?.attachment.url ?? '');
  const linkOf = (recordId: string): string => {
    const url = urls.find((each) => each.includes(recordId));
    if (url === undefined) throw new Error('binary not in the record');
    return url;
  };
  return { scan: linkOf(ids.scan), other: linkOf(ids.other), large: linkOf(ids.large) };
}

/** Where a binary's sealed object and its wrapped data key are stored. */
async function stored(recordId: string) {
  const document = await env.lake.index.get(PATIENT, recordId);
  if (document?.binary === undefined) throw new Error('no binary record');
  const location = env.lake.locations.forCountry(document.country);
  const object = { bucket: location.bucket('raw'), key: layout.rawObject(PATIENT, document.binary.objectId) };
  const dataKey = { bucket: location.bucket('keys'), key: layout.dataKey(PATIENT, document.binary.objectId) };
  const read = async (place: { bucket: string; key: string }): Promise<Buffer> =>
    (await location.store.getBuffer(place.bucket, place.key, 64 * 1024 * 1024)) as Buffer;
  const write = (place: { bucket: string; key: string }, bytes: Buffer): Promise<void> =>
    location.store.put(place.bucket, place.key, bytes);
  return { object, dataKey, read, write };
}

/** What the clinician gets from a link: the file whole, altered or short (each a failure of the lake), or a refusal. */
async function download(link: string, expected: Buffer): Promise<string> {
  const response = await env.call('GET', link, clinician);
  if (response.status !== 200) return `refused ${response.status}`;
  return response.arrayBuffer().then(
    (body) => {
      const bytes = Buffer.from(body);
      if (bytes.equals(expected)) return 'whole';
      return bytes.length === expected.length ? 'altered' : 'short';
    },
    () => 'cut short',
  );
}

/** A download that has received its first bytes and then stops reading (the client holds it open). */
async function stalled(link: string): Promise<{ rest: () => Promise<string>; abort: () => void }> {
  const controller = new AbortController();
  const response = await env.call('GET', link, clinician, { signal: controller.signal });
  expect(response.status).toBe(200);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const first = await reader.read();
  const head = Buffer.from(first.value ?? new Uint8Array());
  return {
    rest: async () => {
      const parts = [head];
      try {
        for (let next = await reader.read(); !next.done; next = await reader.read())
          parts.push(Buffer.from(next.value));
      } catch {
        return 'cut short';
      }
      const bytes = Buffer.concat(parts);
      if (bytes.equals(large)) return 'whole';
      return bytes.length === large.length ? 'altered' : 'short';
    },
    abort: () => controller.abort(),
  };
}

/** Waits until the lake's workers hold no stream (each storage read closed), or fails after a while. */
async function noStreamOpen(): Promise<void> {
  for (let waited = 0; env.lake.openWorkers.openStreams > 0; waited += 20) {
    if (waited > 10_000) throw new Error(`${env.lake.openWorkers.openStreams} streams still open`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(async () => {
  env = await startLakeOnLedger();
  for (const actor of [centre, patient, clinician]) await env.enrol(actor);
  clinicianLedger = env.ledgerAs(clinician);
  expect((await env.call('PUT', `/v1/patients/${PATIENT}`, patient)).status).toBe(204);
  ids.scan = await upload('scan', scan);
  ids.other = await upload('other', other);
  ids.large = await upload('large', large);
  await permitClinicians(env.ledgerAs(patient), ['documents']);
  links = await grantLinks();
}, 240_000);

afterAll(async () => {
  await env?.destroy();
});

it('serves a binary of several chunks byte for byte from a worker thread, and holds no stream afterwards', async () => {
  expect(await download(links.scan, scan)).toBe('whole');
  expect(env.lake.openWorkers.threads.length).toBeGreaterThan(0);
  await noStreamOpen();
});

describe('an attacker with write access to the buckets', () => {
  const flip = (bytes: Buffer, at: number): Buffer => {
    const changed = Buffer.from(bytes);
    changed[at] = (changed[at] as number) ^ 0x01;
    return changed;
  };
  const chunkAt = (index: number) => HEADER_BYTES + index * STORED_CHUNK;
  const tamperings: [string, (sealed: Buffer, swapped: Buffer) => Buffer][] = [
    ['flips a byte of the first chunk', (sealed) => flip(sealed, chunkAt(0) + 10)],
    ['flips a byte of a middle chunk', (sealed) => flip(sealed, chunkAt(3) + 500_000)],
    ['flips a byte of the final chunk', (sealed) => flip(sealed, sealed.length - TAG_BYTES - 7)],
    ['flips a byte of a chunk’s tag', (sealed) => flip(sealed, chunkAt(2) - 3)],
    ['flips a byte of the header', (sealed) => flip(sealed, 12)],
    ['drops the final chunk (cut at a chunk boundary)', (sealed) => sealed.subarray(0, chunkAt(5))],
    ['cuts the object inside a chunk', (sealed) => sealed.subarray(0, chunkAt(4) + 123_456)],
    [
      'swaps two chunks',
      (sealed) =>
        Buffer.concat([
          sealed.subarray(0, chunkAt(1)),
          sealed.subarray(chunkAt(2), chunkAt(3)),
          sealed.subarray(chunkAt(1), chunkAt(2)),
          sealed.subarray(chunkAt(3)),
        ]),
    ],
    [
      'drops a middle chunk and repeats the one before',
      (sealed) =>
        Buffer.concat([
          sealed.subarray(0, chunkAt(2)),
          sealed.subarray(chunkAt(1), chunkAt(2)),
          sealed.subarray(chunkAt(3)),
        ]),
    ],
    ['puts another binary’s sealed object in its place (another data key)', (_sealed, swapped) => swapped],
    [
      'keeps its header and first chunk but splices in another binary’s later chunks',
      (sealed, swapped) => Buffer.concat([sealed.subarray(0, chunkAt(1)), swapped.subarray(chunkAt(1))]),
    ],
  ];

  it.each(tamperings)('%s: the download fails, never a short or altered file', async (_name, tamper) => {
    const place = await stored(ids.scan);
    const original = await place.read(place.object);
    const swapped = await (await stored(ids.other)).read((await stored(ids.other)).object);
    await place.write(place.object, tamper(original, swapped));
    try {
      expect(['refused 500', 'cut short']).toContain(await download(links.scan, scan));
      await noStreamOpen();
    } finally {
      await place.write(place.object, original);
    }
    expect(await download(links.scan, scan)).toBe('whole');
  });

  it('swaps in another binary’s data key, or its key and object together: refused', async () => {
    const place = await stored(ids.scan);
    const theirs = await stored(ids.other);
    const [ourObject, ourKey, theirObject, theirKey] = await Promise.all([
      place.read(place.object),
      place.read(place.dataKey),
      theirs.read(theirs.object),
      theirs.read(theirs.dataKey),
    ]);
    try {
      await place.write(place.dataKey, theirKey);
      expect(['refused 500', 'cut short']).toContain(await download(links.scan, scan));
      await place.write(place.object, theirObject);
      expect(['refused 500', 'cut short']).toContain(await download(links.scan, scan));
      await noStreamOpen();
    } finally {
      await place.write(place.dataKey, ourKey);
      await place.write(place.object, ourObject);
    }
    expect(await download(links.scan, scan)).toBe('whole');
  });
});

it('serves four downloads at once, each byte for byte, on at most two workers', async () => {
  const outcomes = await Promise.all([
    download(links.scan, scan),
    download(links.other, other),
    download(links.large, large),
    download(links.scan, scan),
  ]);
  expect(outcomes).toEqual(['whole', 'whole', 'whole', 'whole']);
  expect(env.lake.openWorkers.threads.length).toBeLessThanOrEqual(2);
  await noStreamOpen();
});

it('gives a slow reader every byte as read from storage: a slot is reused only once the socket took it', async () => {
  // The client stops reading: the socket's buffers fill, and the lake's writes of the ring's slots wait in the
  // response. Reusing a slot before its write completed would overwrite bytes not yet sent.
  const readers = await Promise.all([stalled(links.large), stalled(links.large)]);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  expect(await Promise.all(readers.map((each) => each.rest()))).toEqual(['whole', 'whole']);
  await noStreamOpen();
});

it('stops the storage read of clients that go away midway, frees their slots, and serves the next one whole', async () => {
  for (let round = 0; round < 3; round += 1) {
    const downloads = await Promise.all(Array.from({ length: 6 }, () => stalled(links.large)));
    expect(env.lake.openWorkers.openStreams).toBeGreaterThan(0);
    for (const each of downloads) each.abort();
    await noStreamOpen();
  }
  expect(await download(links.large, large)).toBe('whole');
  await noStreamOpen();
});

it('fails only the downloads of a worker that dies, and starts another for the next download', async () => {
  // Two downloads at once go to two workers.
  const first = await stalled(links.large);
  const second = await stalled(links.large);
  const threads = env.lake.openWorkers.threads;
  expect(threads).toHaveLength(2);
  await (threads[0] as (typeof threads)[number]).terminate();
  const outcomes = (await Promise.all([first.rest(), second.rest()])).sort();
  expect(outcomes).toEqual(['cut short', 'whole']);
  expect(env.lake.openWorkers.threads).toHaveLength(1);
  await noStreamOpen();
  // The pool is back to its size: the next two downloads at once are each whole.
  expect(await Promise.all([download(links.large, large), download(links.scan, scan)])).toEqual([
    'whole',
    'whole',
  ]);
  expect(env.lake.openWorkers.threads).toHaveLength(2);
});

it('terminates its workers when the lake stops, failing a download in progress', async () => {
  const running = await stalled(links.large);
  const workers = env.lake.openWorkers;
  const threads = [...workers.threads];
  expect(threads.length).toBeGreaterThan(0);
  const exited = threads.map((thread) => new Promise((resolve) => thread.once('exit', resolve)));
  await env.restartLake();
  await Promise.all(exited);
  expect(workers.threads).toHaveLength(0);
  expect(await running.rest()).toBe('cut short');
  // The restarted lake serves the same link (its secret is kept) from workers of its own.
  expect(await download(links.large, large)).toBe('whole');
});
