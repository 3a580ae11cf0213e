/**
 * The `custodia` command-line client against the whole platform (embedded network, data lake, gateway), run
 * in-process through its main function. Uploads go through a faulty proxy that drops connections (before and
 * after the gateway saw the request) and answers 503, and still every record is stored exactly once.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { main } from '../src/cli/main';
import { totpCode } from '../src/index';
import { startTestPlatform } from './fixtures/platform';
import type { TestPlatform } from './fixtures/platform';

jest.setTimeout(180_000);

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function sink(chunks: string[]): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
}

/** A code of the next TOTP step: accepted once even when the current step's code was used (seed, fixture). */
function nextTotp(secret: string): string {
  return totpCode(secret, Date.now() + 30_000);
}

interface FaultyProxy {
  readonly url: string;
  /** Requests the faults applied to, and requests passed through. */
  readonly seen: { dropped: number; lostAnswers: number; unavailable: number; forwarded: number };
  /** Every request, as `METHOD /path`. */
  readonly requests: string[];
  close(): Promise<void>;
}

/**
 * An HTTP proxy in front of the gateway. Of the requests `faulty` selects, the first `dropBefore` lose their
 * connection before reaching the gateway, the next `dropAfter` reach it but lose the answer, the next
 * `unavailable` get a 503; everything else passes through.
 */
async function faultyProxy(
  target: string,
  faults: { dropBefore: number; dropAfter: number; unavailable: number },
  faulty: (request: http.IncomingMessage) => boolean,
): Promise<FaultyProxy> {
  const upstream = new URL(target);
  const seen = { dropped: 0, lostAnswers: 0, unavailable: 0, forwarded: 0 };
  const requests: string[] = [];
  let faulted = 0;
  const forward = (request: http.IncomingMessage, answer: (response: http.IncomingMessage) => void): void => {
    const outgoing = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.url,
        headers: { ...request.headers, host: upstream.host },
      },
      answer,
    );
    request.pipe(outgoing);
  };
  const server = http.createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    const number = faulty(request) ? ++faulted : 0;
    if (number > 0 && number <= faults.dropBefore) {
      seen.dropped += 1;
      request.socket.destroy();
      return;
    }
    if (number > faults.dropBefore && number <= faults.dropBefore + faults.dropAfter) {
      seen.lostAnswers += 1;
      forward(request, (answer) => {
        // The gateway finished the request; the client never hears of it.
        answer.resume();
        answer.on('end', () => request.socket.destroy());
      });
      return;
    }
    if (
      number > faults.dropBefore + faults.dropAfter &&
      number <= faults.dropBefore + faults.dropAfter + faults.unavailable
    ) {
      seen.unavailable += 1;
      request.resume();
      response.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '0' });
      response.end(
        JSON.stringify({
          type: 'about:blank',
          title: 'busy',
          status: 503,
          code: 'PROXY_BUSY',
          detail: 'try again',
        }),
      );
      return;
    }
    seen.forwarded += 1;
    forward(request, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Anna's pseudonym, generated when the platform seeded the demo. */
let ANNA = '';

function allergy(marker: string, patientId = ANNA): object {
  return {
    resourceType: 'AllergyIntolerance',
    clinicalStatus: {
      coding: [
        { system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' },
      ],
    },
    code: { text: marker },
    patient: { reference: `Patient/${patientId}` },
  };
}

function bundleOf(...resources: object[]): string {
  return JSON.stringify({
    resourceType: 'Bundle',
    type: 'collection',
    entry: resources.map((resource) => ({ resource })),
  });
}

describe('the custodia command-line client', () => {
  let stack: TestPlatform;
  let work: string;
  const outputs: string[] = [];
  const secrets: string[] = [];

  const cli = async (
    args: string[],
    env: Record<string, string> = {},
    url?: string,
    terminal = false,
  ): Promise<CliRun> => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    // On a terminal, standard error carries the progress bar.
    const errors = terminal ? Object.assign(sink(stderr), { isTTY: true, columns: 160 }) : sink(stderr);
    const code = await main(
      ['--url', url ?? stack.url, ...args],
      { stdout: sink(stdout), stderr: errors, env },
      { client: { backoff: { attempts: 6, baseMs: 20, maxMs: 200, factor: 2 } } },
    );
    const run = { code, stdout: stdout.join(''), stderr: stderr.join('') };
    outputs.push(run.stdout, run.stderr);
    return run;
  };
  const login = (username: string): Record<string, string> => {
    const demo = stack.demo.find((entry) => entry.username === username);
    if (demo === undefined) throw new Error(`no demo user ${username}`);
    secrets.push(demo.password);
    return { CUSTODIA_USER: username, CUSTODIA_PASSWORD: demo.password };
  };
  const allergyMarkers = async (username: string): Promise<string[]> => {
    const token = await stack.login(username);
    const request = await stack.call('POST', '/api/v1/access-requests', token, {
      patientId: ANNA,
      categories: ['allergies'],
      purpose: 'TREAT',
    });
    const { grantId } = (await request.json()) as { grantId: string };
    const record = (await (await stack.call('GET', `/api/v1/grants/${grantId}/record`, token)).json()) as {
      entry: { resource: { resourceType: string; code?: { text?: string } } }[];
    };
    return record.entry
      .map((entry) => entry.resource.code?.text ?? '')
      .filter((text) => text.startsWith('cli-marker-'))
      .sort();
  };

  beforeAll(async () => {
    stack = await startTestPlatform();
    ANNA = stack.patientId('anna');
    work = mkdtempSync(path.join(tmpdir(), 'custodia-cli-'));
  });
  afterAll(async () => {
    await stack?.destroy();
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it('uploads a folder through dropped connections and 503s, storing every record exactly once', async () => {
    const folder = path.join(work, 'bundles');
    mkdirSync(path.join(folder, '2026'), { recursive: true });
    writeFileSync(path.join(folder, 'visit-1.json'), bundleOf(allergy('cli-marker-1')));
    writeFileSync(path.join(folder, 'visit-2.json'), bundleOf(allergy('cli-marker-2')));
    writeFileSync(path.join(folder, '2026', 'visit 3.json'), JSON.stringify(allergy('cli-marker-3')));
    const proxy = await faultyProxy(
      stack.url,
      { dropBefore: 2, dropAfter: 2, unavailable: 2 },
      (request) => request.method === 'POST' && (request.url ?? '').includes('/records'),
    );
    try {
      const run = await cli(['upload', folder, '--concurrency', '2'], login('centre.berlin'), proxy.url);
      expect(run.code).toBe(0);
      // A file whose answer was lost is found already stored when retried: stored + skipped = 3, none failed.
      const counts = /3 files: (\d) stored, (\d) skipped \(already stored\), 0 failed/.exec(run.stdout);
      expect(Number(counts?.[1]) + Number(counts?.[2])).toBe(3);
      expect(run.stdout).toMatch(/records: \d new, \d already stored/);
      expect(run.stdout).toContain('6 retries');
      expect(proxy.seen).toMatchObject({ dropped: 2, lostAnswers: 2, unavailable: 2 });
    } finally {
      await proxy.close();
    }

    const again = await cli(['upload', folder], login('centre.berlin'));
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('3 files: 0 stored, 3 skipped (already stored), 0 failed');
    expect(again.stdout).toContain('records: 0 new, 3 already stored');

    // What a clinician receives: each uploaded allergy once, although some uploads reached the gateway twice.
    expect(await allergyMarkers('dr.weber')).toEqual(['cli-marker-1', 'cli-marker-2', 'cli-marker-3']);
  });

  it('reports files it cannot upload with their problem codes and exits non-zero', async () => {
    const folder = path.join(work, 'mixed');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'broken.json'), '{"resourceType": "Bundle", ');
    writeFileSync(
      path.join(folder, 'nobody.json'),
      JSON.stringify({ resourceType: 'AllergyIntolerance', code: { text: 'x' } }),
    );
    writeFileSync(
      path.join(folder, 'unknown-patient.json'),
      bundleOf(allergy('cli-marker-x', `pt-${'z'.repeat(26)}`)),
    );
    const run = await cli(['upload', folder], login('centre.berlin'));
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('3 files: 0 stored, 0 skipped (already stored), 3 failed');
    expect(run.stdout).toContain('failed broken.json: INVALID_JSON');
    expect(run.stdout).toContain('failed nobody.json: NO_PATIENT');
    expect(run.stdout).toMatch(/failed unknown-patient\.json: [A-Z_]+/);
  });

  it('uploads a binary through the resumable upload routes with its DocumentReference', async () => {
    const folder = path.join(work, 'documents');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'report.pdf'), Buffer.from('%PDF-1.4\n% cli test document\n%%EOF\n'));
    writeFileSync(
      path.join(folder, 'report.pdf.docref.json'),
      JSON.stringify({
        resourceType: 'DocumentReference',
        status: 'current',
        subject: { reference: `Patient/${ANNA}` },
        content: [{ attachment: { contentType: 'application/pdf', title: 'CLI test report' } }],
      }),
    );
    const run = await cli(['upload', folder, '--binary'], login('centre.berlin'));
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('1 files: 1 stored');

    const token = await stack.login('centre.berlin');
    const history = (await (await stack.call('GET', '/api/v1/uploads', token)).json()) as {
      items: { kind: string; sourceId: string; status: string }[];
    };
    expect(history.items).toContainEqual(
      expect.objectContaining({ kind: 'document', sourceId: 'report.pdf', status: 'stored' }),
    );
    const again = await cli(['upload', folder, '--binary'], login('centre.berlin'));
    expect(again.stdout).toContain('1 files: 0 stored, 1 skipped');
  });

  it('resumes an interrupted binary upload: only the missing part is sent, through a dropped connection', async () => {
    const folder = path.join(work, 'large');
    mkdirSync(folder);
    const content = randomBytes(8 * 1024 * 1024 + 4096);
    writeFileSync(path.join(folder, 'scan.dcm'), content);
    // An earlier run announced the upload and sent its first part, then stopped.
    const token = await stack.login('centre.berlin');
    const announced = await stack.call('POST', '/api/v1/uploads', token, {
      patientId: ANNA,
      sourceId: 'scan.dcm',
      fileName: 'scan.dcm',
      contentType: 'application/dicom',
      size: content.length,
      documentReference: {
        resourceType: 'DocumentReference',
        status: 'current',
        subject: { reference: `Patient/${ANNA}` },
        content: [{ attachment: { contentType: 'application/dicom', title: 'CLI test scan' } }],
      },
    });
    const session = (await announced.json()) as { uploadId: string; partBytes: number; partCount: number };
    expect(session.partCount).toBe(2);
    const first = await stack.call(
      'PUT',
      `/api/v1/uploads/${session.uploadId}/parts/0`,
      token,
      content.subarray(0, session.partBytes),
      { 'content-type': 'application/octet-stream' },
    );
    expect(first.status).toBe(200);

    const proxy = await faultyProxy(
      stack.url,
      { dropBefore: 1, dropAfter: 0, unavailable: 0 },
      (request) => request.method === 'PUT',
    );
    try {
      const run = await cli(
        ['upload', folder, '--binary', '--patient', ANNA],
        login('centre.berlin'),
        proxy.url,
        true,
      );
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('1 files: 1 stored');
      // Progress in bytes, with the time left; the run ends with every byte sent.
      const frames = stripVTControlCharacters(run.stderr)
        .split(/\r|\n/)
        .filter((frame) => frame.startsWith('uploading'));
      expect(frames.at(-1)).toMatch(/ \| 8\.0 MB \/ 8\.0 MB \| 1\/1 files \| .+\/s \| eta 0s$/);
      const part = `PUT /api/v1/uploads/${session.uploadId}/parts/1`;
      expect(proxy.requests.filter((request) => request.startsWith('PUT'))).toEqual([part, part]);
    } finally {
      await proxy.close();
    }
    const progress = (await (
      await stack.call('GET', `/api/v1/uploads/${session.uploadId}`, token)
    ).json()) as { status: string; receivedBytes: number };
    expect(progress).toMatchObject({ status: 'stored' });
  });

  it('requests access and writes the granted part of the record to a file', async () => {
    const out = path.join(work, 'anna.json');
    const run = await cli(
      ['request', ANNA, '--categories', 'allergies,results', '--purpose', 'TREAT', '--out', out],
      login('dr.dubois'),
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('granted allergies');
    expect(run.stderr).toContain('denied  results');
    const bundle = JSON.parse(readFileSync(out, 'utf8')) as {
      entry: { resource: { resourceType: string } }[];
    };
    const types = bundle.entry.map((entry) => entry.resource.resourceType);
    expect(types).toContain('AllergyIntolerance');
    expect(types).not.toContain('Observation');

    const refused = await cli(
      ['request', ANNA, '--categories', 'results', '--purpose', 'TREAT'],
      login('dr.rossi'),
    );
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
  });

  it('replays and verifies the chain as an auditor signed in with TOTP, writing JSON and CSV reports', async () => {
    const auditor = stack.demo.find((entry) => entry.username === 'auditor');
    if (auditor?.totpSecret === undefined) throw new Error('the demo auditor has no TOTP');
    secrets.push(auditor.totpSecret);
    const json = path.join(work, 'replay.json');
    const csv = path.join(work, 'replay.csv');
    const run = await cli(['replay', '--json', json, '--csv', csv], {
      ...login('auditor'),
      CUSTODIA_TOTP: nextTotp(auditor.totpSecret),
    });
    const report = JSON.parse(readFileSync(json, 'utf8')) as { ok: boolean; decisionsChecked: number };
    expect(report.ok).toBe(true);
    expect(report.decisionsChecked).toBeGreaterThan(0);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('no discrepancies');
    expect(readFileSync(csv, 'utf8').split('\r\n')[0]).toBe('kind,block,txId,detail');

    const withoutCode = await cli(['replay'], login('auditor'));
    expect(withoutCode.code).toBe(1);
    expect(withoutCode.stderr).toContain('MFA_REQUIRED');
  });

  it('lets an admin list, create and disable users; a disabled user can no longer sign in', async () => {
    const admin = stack.demo.find((entry) => entry.username === 'admin');
    if (admin?.totpSecret === undefined) throw new Error('the demo admin has no TOTP');
    const signIn = await stack.call('POST', '/api/v1/auth/login', undefined, {
      username: 'admin',
      password: admin.password,
      totp: nextTotp(admin.totpSecret),
    });
    const { accessToken } = (await signIn.json()) as { accessToken: string };
    const asAdmin = { CUSTODIA_TOKEN: accessToken };

    const listed = await cli(['users', 'list'], asAdmin);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/centre\.berlin\s+centre\s+HospitalDEMSP/);

    const password = 'cli-nurse-password-2026';
    secrets.push(password);
    const created = await cli(
      ['users', 'create', 'cli.nurse', '--role', 'clinician', '--msp', 'HospitalDEMSP', '--country', 'DE'],
      { ...asAdmin, CUSTODIA_NEW_PASSWORD: password },
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/cli\.nurse\s+clinician\s+HospitalDEMSP\s+DE/);
    const nurse = { CUSTODIA_USER: 'cli.nurse', CUSTODIA_PASSWORD: password };
    const before = await cli(['request', ANNA, '--categories', 'allergies', '--purpose', 'TREAT'], nurse);
    expect(before.stderr).not.toContain('INVALID_CREDENTIALS');

    const disabled = await cli(['users', 'disable', 'cli.nurse'], asAdmin);
    expect(disabled.code).toBe(0);
    expect(disabled.stdout).toMatch(/cli\.nurse.*disabled/);
    const after = await cli(['request', ANNA, '--categories', 'allergies', '--purpose', 'TREAT'], nurse);
    expect(after.code).toBe(1);
    expect(after.stderr).toContain('INVALID_CREDENTIALS');
  });

  it('answers wrong usage with exit code 2 and never prints a password or TOTP secret', async () => {
    expect((await cli(['request', ANNA, '--categories', 'allergies'], login('dr.weber'))).code).toBe(2);
    const anonymous = await cli(['users', 'list']);
    expect(anonymous.code).toBe(2);
    expect(anonymous.stderr).toContain('CUSTODIA_PASSWORD');
    const everything = outputs.join('\n');
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });
});
