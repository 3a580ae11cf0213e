/**
 * Nothing in clear at rest (issue #12, "Done when" 3): after a demo run with uploads — a FHIR Bundle naming the
 * patient, a binary upload completed and one abandoned midway, each under a source id that looks like a file name
 * naming the patient — no file anywhere under the platform's data directory (ledger blocks and state, wallet,
 * gateway, data lake, S3 data) holds the planted name, birth date, source ids or file name in clear; and the
 * abandoned upload is removed once its time is up. No log line holds any of it either.
 */
import { filesHolding } from '../../datalake/test/at-rest';
import { eventually, jsonOf } from './fixtures/answers';
import { API, demoApi } from './fixtures/api';
import { startTestPlatform } from './fixtures/platform';
import type { TestPlatform } from './fixtures/platform';

jest.setTimeout(240_000);

const PART_BYTES = 64 * 1024;
const planted = {
  given: 'Zofia',
  family: 'Przybylska-Quendt',
  birthDate: '1961-04-17',
  fhirSource: 'exports/przybylska-quendt-1961-04-17.json',
  binarySource: 'scans/przybylska-quendt-discharge-1961-04-17.pdf',
  abandonedSource: 'scans/przybylska-quendt-abandoned.pdf',
  fileName: 'przybylska-quendt-discharge.pdf',
};
/** What must appear nowhere: the name, the birth date, every source id and the file name (and their stems). */
const NEEDLES = [
  planted.family,
  planted.birthDate,
  planted.fhirSource,
  planted.binarySource,
  planted.abandonedSource,
  planted.fileName,
  'przybylska-quendt',
];

let stack: TestPlatform;
const { token, send, get } = demoApi(() => stack);

beforeAll(async () => {
  stack = await startTestPlatform({
    env: { CUSTODIA_UPLOAD_PART_BYTES: String(PART_BYTES), CUSTODIA_UPLOAD_TTL_SECONDS: '6' },
  });
});
afterAll(async () => stack?.destroy());

const putPart = async (uploadId: string, index: number, bytes: Buffer) =>
  stack.call('PUT', `${API}/uploads/${uploadId}/parts/${index}`, await token('centre.berlin'), bytes, {
    'content-type': 'application/octet-stream',
  });

function announce(patientId: string, sourceId: string, size: number) {
  return send('POST', '/uploads', 'centre.berlin', {
    patientId,
    sourceId,
    fileName: planted.fileName,
    contentType: 'application/pdf',
    size,
    documentReference: {
      resourceType: 'DocumentReference',
      status: 'current',
      subject: { reference: `Patient/${patientId}` },
      description: `Discharge letter of ${planted.given} ${planted.family}, born ${planted.birthDate}`,
      content: [{ attachment: { contentType: 'application/pdf', title: `${planted.family} discharge` } }],
    },
  });
}

it('keeps no planted name, birth date, source id or file name in clear anywhere under the data directory', async () => {
  const { ledgerId } = await jsonOf<{ ledgerId: string }>(
    await send('POST', '/admin/users', 'admin', {
      username: 'zq.rest',
      password: 'another long passphrase',
      displayName: `${planted.given} ${planted.family}`,
      role: 'patient',
      mspId: 'HospitalDEMSP',
      country: 'DE',
      person: {
        given: [planted.given],
        family: planted.family,
        birthDate: planted.birthDate,
        gender: 'female',
      },
    }),
    201,
  );
  // A FHIR Bundle naming the patient, under a file-name-like source id.
  const bundle = {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      {
        resource: {
          resourceType: 'Patient',
          id: ledgerId,
          name: [{ family: planted.family, given: [planted.given] }],
          birthDate: planted.birthDate,
        },
      },
      {
        resource: {
          resourceType: 'Condition',
          subject: { reference: `Patient/${ledgerId}` },
          code: { coding: [{ system: 'http://snomed.info/sct', code: '195967001' }] },
          note: [{ text: `${planted.given} ${planted.family} reports wheezing` }],
        },
      },
    ],
  };
  const fhir = await stack.call(
    'POST',
    `${API}/patients/${ledgerId}/records?sourceId=${encodeURIComponent(planted.fhirSource)}`,
    await token('centre.berlin'),
    JSON.stringify(bundle),
    { 'content-type': 'application/fhir+json' },
  );
  expect(fhir.status).toBe(201);

  // A binary naming the patient, completed.
  const letter = Buffer.concat([
    Buffer.from(`%PDF-1.7 ${planted.given} ${planted.family} ${planted.birthDate} `),
    Buffer.alloc(PART_BYTES + 1000, 0x20),
  ]);
  const complete = await jsonOf<{ uploadId: string }>(
    await announce(ledgerId, planted.binarySource, letter.length),
    201,
  );
  expect((await putPart(complete.uploadId, 0, letter.subarray(0, PART_BYTES))).status).toBe(200);
  expect((await putPart(complete.uploadId, 1, letter.subarray(PART_BYTES))).status).toBe(200);
  const stored = await jsonOf<{ status: string }>(
    await send('POST', `/uploads/${complete.uploadId}/complete`, 'centre.berlin'),
    200,
  );
  expect(stored.status).toBe('stored');

  // Another, abandoned after its first part.
  const abandoned = await jsonOf<{ uploadId: string }>(
    await announce(ledgerId, planted.abandonedSource, letter.length),
    201,
  );
  expect((await putPart(abandoned.uploadId, 0, letter.subarray(0, PART_BYTES))).status).toBe(200);

  // The gateway and the lake read it all back (the upload history shows the source ids to their centre) …
  const history = await jsonOf<{ items: { sourceId: string }[] }>(
    await get('/uploads', 'centre.berlin'),
    200,
  );
  expect(history.items.map((item) => item.sourceId)).toEqual(
    expect.arrayContaining([planted.fhirSource, planted.binarySource, planted.abandonedSource]),
  );
  // … yet no file holds any of it in clear, and no log line.
  expect(await filesHolding(stack.dataDir, NEEDLES)).toEqual([]);
  expect(stack.logs.filter((line) => NEEDLES.some((needle) => line.includes(needle)))).toEqual([]);

  // The abandoned upload is removed once its time to live is over; the finished ones stay in the history.
  expect(
    await eventually(
      async () => (await get(`/uploads/${abandoned.uploadId}`, 'centre.berlin')).status === 404,
      30_000,
    ),
  ).toBe(true);
  expect((await get(`/uploads/${complete.uploadId}`, 'centre.berlin')).status).toBe(200);
  expect(await filesHolding(stack.dataDir, NEEDLES)).toEqual([]);
});
