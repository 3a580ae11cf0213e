import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ERASURE_STEPS } from './erasure-case';
import type { ErasureStep } from './erasure-case';
import { ErasureService } from './erasure-service';
import type { ErasureSteps } from './erasure-service';
import { ErasureStore } from './erasure-store';

const PATIENT = { patientId: 'pt-aaaaaaaaaaaaaaaaaaaaaaaaaa', mspId: 'HospitalDEMSP', userId: 'user-1' };
const ADMIN = { adminUserId: 'admin-1' };

let dir: string;
let clock: number;
const open = () => new ErasureService(new ErasureStore(dir), () => new Date((clock += 1000)));

/** Steps that record what ran, the first `failing` of them failing once each (a stop, an outage). */
function steps(ran: ErasureStep[], failing: ReadonlySet<ErasureStep> = new Set()): ErasureSteps {
  const failed = new Set<ErasureStep>();
  const step = (name: ErasureStep) => async () => {
    if (failing.has(name) && !failed.has(name)) {
      failed.add(name);
      throw new Error(`${name} unavailable`);
    }
    ran.push(name);
  };
  return Object.fromEntries(ERASURE_STEPS.map((name) => [name, step(name)])) as unknown as ErasureSteps;
}

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'custodia-erasures-'));
  clock = Date.parse('2026-01-01T00:00:00Z');
  await new ErasureStore(dir).ensure();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('erasure cases', () => {
  it('files a request once: asking again answers the same case', async () => {
    const service = open();
    const first = await service.request(PATIENT);
    expect(first).toMatchObject({ status: 'requested', requestedAt: first.openedAt, steps: {} });
    expect(await service.request(PATIENT)).toEqual(first);
    expect(await service.erasing(PATIENT.patientId)).toBe(false);
  });

  it('refuses to erase without the patient’s request or the reference of one verified offline', async () => {
    const ran: ErasureStep[] = [];
    await expect(open().execute(PATIENT, ADMIN, steps(ran))).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(ran).toEqual([]);
    expect(await open().get(PATIENT.patientId)).toBeUndefined();
  });

  it('runs every step in order once, and a repeat changes nothing', async () => {
    const service = open();
    await service.request(PATIENT);
    const ran: ErasureStep[] = [];
    const erased = await service.execute(PATIENT, ADMIN, steps(ran));
    expect(ran).toEqual([...ERASURE_STEPS]);
    expect(erased).toMatchObject({ status: 'erased', executedBy: 'admin-1' });
    expect(Object.keys(erased.steps)).toEqual([...ERASURE_STEPS]);
    expect(await service.execute(PATIENT, { adminUserId: 'admin-2' }, steps(ran))).toEqual(erased);
    expect(ran).toEqual([...ERASURE_STEPS]);
  });

  it('resumes after a failure at the first step not done, also in a new process', async () => {
    await open().request(PATIENT);
    const ran: ErasureStep[] = [];
    await expect(
      open().execute(PATIENT, ADMIN, steps(ran, new Set<ErasureStep>(['gateway']))),
    ).rejects.toThrow('gateway unavailable');
    expect(ran).toEqual(['ledger', 'datalake']);
    // From the first step on, nothing new is taken for the patient.
    expect(await open().erasing(PATIENT.patientId)).toBe(true);
    const erased = await open().execute(PATIENT, ADMIN, steps(ran));
    expect(ran).toEqual([...ERASURE_STEPS]);
    expect(erased.status).toBe('erased');
  });

  it('carries out an offline-verified request with its reference, and shares one run between two callers', async () => {
    const service = open();
    const ran: ErasureStep[] = [];
    const run = steps(ran);
    const [one, two] = await Promise.all([
      service.execute(PATIENT, { ...ADMIN, reference: 'DPO-2026-0042' }, run),
      service.execute(PATIENT, { ...ADMIN, reference: 'DPO-2026-0042' }, run),
    ]);
    expect(one).toEqual(two);
    expect(one).toMatchObject({ status: 'erased', reference: 'DPO-2026-0042' });
    expect(one.requestedAt).toBeUndefined();
    expect(ran).toEqual([...ERASURE_STEPS]);
  });
});
