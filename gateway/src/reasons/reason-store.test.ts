import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { SecretBox } from '../identity';
import { ReasonStore } from './reason-store';

const clinician = { mspId: 'HospitalDEMSP', role: 'clinician', id: 'dr-a' };
const TEXT = 'Unconscious after a road accident, allergies unknown.';
const ENTRY = 'ab'.repeat(32);
const PATIENT = 'pt-aaaaaaaaaaaaaaaaaaaaaaaaaa';
const OTHER_PATIENT = 'pt-bbbbbbbbbbbbbbbbbbbbbbbbbb';

let dir: string;
let store: ReasonStore;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'custodia-reasons-'));
  store = new ReasonStore(dir, new SecretBox(randomBytes(32)));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the reason store', () => {
  it('keeps one salt per request, so a retry with the same words sends the same hash', async () => {
    const first = await store.prepare(clinician, 'req-1', TEXT, PATIENT);
    expect(await store.prepare(clinician, 'req-1', TEXT, PATIENT)).toBe(first);
    expect(await store.prepare(clinician, 'req-2', TEXT, PATIENT)).not.toBe(first);
    expect(await store.prepare({ ...clinician, id: 'dr-b' }, 'req-1', TEXT, PATIENT)).not.toBe(first);
  });

  it('keeps other words under a request id beside the first, never over them', async () => {
    const hash = await store.prepare(clinician, 'req-1', TEXT, PATIENT);
    const other = await store.prepare(
      clinician,
      'req-1',
      'Different words sent with the same request id.',
      PATIENT,
    );
    expect(other).not.toBe(hash);
    await store.link(clinician, 'req-1', ENTRY, PATIENT);
    // The ledger logged the first: its words are still the ones read back, verified.
    expect(await store.read(ENTRY, hash)).toMatchObject({ text: TEXT, verified: true });
  });

  it('reads a linked reason back, verified against the on-chain hash; another hash is not verified', async () => {
    const hash = await store.prepare(clinician, 'req-1', TEXT, PATIENT);
    await store.link(clinician, 'req-1', ENTRY, PATIENT);
    expect(await store.read(ENTRY, hash)).toEqual({ text: TEXT, salt: expect.any(String), verified: true });
    expect(await store.read(ENTRY, 'cd'.repeat(32))).toMatchObject({ verified: false });
    expect(await store.read('ef'.repeat(32), hash)).toBeUndefined();
  });

  it('keeps nothing readable in clear on disk', async () => {
    await store.prepare(clinician, 'req-1', TEXT, PATIENT);
    await store.link(clinician, 'req-1', ENTRY, PATIENT);
    const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((each) => each.isFile());
    for (const file of files) {
      const content = readFileSync(path.join(file.parentPath, file.name), 'utf8');
      expect(content).not.toContain('road accident');
      expect(content).not.toContain('dr-a');
    }
  });

  it('erases text and salt: the entry has no reason any more', async () => {
    const hash = await store.prepare(clinician, 'req-1', TEXT, PATIENT);
    await store.link(clinician, 'req-1', ENTRY, PATIENT);
    await store.erase(ENTRY);
    expect(await store.read(ENTRY, hash)).toBeUndefined();
    expect(await store.prepare(clinician, 'req-1', TEXT, PATIENT)).not.toBe(hash);
  });

  it('does not read a reason moved under another request', async () => {
    const requests = path.join(dir, 'requests');
    await store.prepare(clinician, 'req-1', TEXT, PATIENT);
    const [first] = readdirSync(requests);
    await store.prepare(clinician, 'req-2', 'Another reason given for another request.', PATIENT);
    const second = readdirSync(requests).find((name) => name !== first);
    await store.link(clinician, 'req-2', ENTRY, PATIENT);
    // Someone with disk access swaps request 1's sealed reason in under request 2.
    writeFileSync(path.join(requests, second ?? ''), readFileSync(path.join(requests, first ?? '')));
    expect(await store.read(ENTRY, 'cd'.repeat(32))).toBeUndefined();
  });

  it('erases every reason about a patient, and none about another', async () => {
    const hash = await store.prepare(clinician, 'req-1', TEXT, PATIENT);
    await store.link(clinician, 'req-1', ENTRY, PATIENT);
    // A retry's other words and a request whose entry was never linked (a crash before the link) go too.
    await store.prepare(clinician, 'req-1', 'Different words sent with the same request id.', PATIENT);
    await store.prepare(clinician, 'req-3', 'Words of a request never linked to an entry.', PATIENT);
    const otherEntry = 'cd'.repeat(32);
    const otherHash = await store.prepare(clinician, 'req-2', TEXT, OTHER_PATIENT);
    await store.link(clinician, 'req-2', otherEntry, OTHER_PATIENT);

    expect(await store.erasePatient(PATIENT)).toBe(2);
    expect(await store.read(ENTRY, hash)).toBeUndefined();
    // Nothing is left on disk that names the patient's requests: only the other patient's request and entry.
    const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((each) => each.isFile());
    expect(files.map((file) => path.relative(dir, path.join(file.parentPath, file.name))).sort()).toEqual([
      expect.stringMatching(/^entries\/(cd){32}\.json$/),
      expect.stringMatching(/^patients\/[0-9a-f]{64}\/entry-(cd){32}$/),
      expect.stringMatching(/^patients\/[0-9a-f]{64}\/request-[0-9a-f]{64}$/),
      expect.stringMatching(/^requests\/[0-9a-f]{64}\.json$/),
    ]);
    expect(await store.read(otherEntry, otherHash)).toMatchObject({ text: TEXT, verified: true });
    // Erasing again finds nothing more.
    expect(await store.erasePatient(PATIENT)).toBe(0);
  });
});
