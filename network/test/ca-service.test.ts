import 'reflect-metadata';
import { readFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { webcrypto, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { readCertificate, sign } from '@custodia/ledger';
import { FabricCaCode, startCaServer } from '@custodia/network/ca';
import type { CaServer, CaServerOptions } from '@custodia/network/ca';

interface Envelope {
  success: boolean;
  result: unknown;
  errors: { code: number; message: string }[];
  messages: unknown[];
}

/** A PKCS#10 request as any Fabric client would send, made with WebCrypto (fast, unlike the JS client). */
async function csrFor(commonName: string): Promise<{ csr: string; privateKey: string }> {
  const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ]);
  const request = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `CN=${commonName}`,
    keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  return {
    csr: request.toString('pem'),
    privateKey: `-----BEGIN PRIVATE KEY-----\n${pkcs8}\n-----END PRIVATE KEY-----\n`,
  };
}

describe('embedded Fabric CA wire protocol and policies', () => {
  let dataDir: string;
  let server: CaServer;
  const options = (): CaServerOptions => ({
    mspId: 'HospitalITMSP',
    country: 'IT',
    dataDir,
    bootstrap: { id: 'admin', secret: 'adminpw' },
    incorrectPasswordAttempts: 2,
    maxEnrollments: 3,
  });

  async function call(
    path: string,
    init: { method?: string; body?: string; headers?: Record<string, string> } = {},
  ) {
    const response = await fetch(`${server.url}${path}`, {
      method: init.method ?? 'POST',
      ...(init.body !== undefined ? { body: init.body } : {}),
      headers: init.headers ?? {},
    });
    return { status: response.status, envelope: (await response.json()) as Envelope };
  }

  const basic = (id: string, secret: string) => ({
    authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
  });

  async function enroll(id: string, secret: string, extra: Record<string, unknown> = {}) {
    const { csr, privateKey } = await csrFor(id);
    const answer = await call('/api/v1/enroll', {
      body: JSON.stringify({ certificate_request: csr, ...extra }),
      headers: basic(id, secret),
    });
    const cert = answer.envelope.success
      ? Buffer.from((answer.envelope.result as { Cert: string }).Cert, 'base64').toString()
      : '';
    return { ...answer, certificate: cert, privateKey };
  }

  /** Fabric CA token: base64(cert).base64(sig over METHOD.b64(uri).b64(body).b64(cert)). */
  function token(certificate: string, privateKey: string, uri: string, body: string): string {
    const b64Cert = Buffer.from(certificate).toString('base64');
    const signed = `POST.${Buffer.from(uri).toString('base64')}.${Buffer.from(body).toString('base64')}.${b64Cert}`;
    return `${b64Cert}.${Buffer.from(sign(privateKey, Buffer.from(signed))).toString('base64')}`;
  }

  let admin: { certificate: string; privateKey: string };
  function register(body: Record<string, unknown>) {
    const text = JSON.stringify(body);
    return call('/api/v1/register', {
      body: text,
      headers: { authorization: token(admin.certificate, admin.privateKey, '/api/v1/register', text) },
    });
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'custodia-ca-wire-'));
    server = await startCaServer(options());
    admin = await enroll('admin', 'adminpw');
  });
  afterAll(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers GET cainfo without authentication in the Fabric CA envelope', async () => {
    const { status, envelope } = await call('/api/v1/cainfo', { method: 'GET' });
    expect(status).toBe(200);
    expect(envelope).toEqual({
      success: true,
      result: {
        CAName: 'ca-hospitalitmsp',
        CAChain: Buffer.from(server.service.certificate).toString('base64'),
        IssuerPublicKey: '',
        IssuerRevocationPublicKey: '',
        Version: expect.any(String),
      },
      errors: [],
      messages: [],
    });
  });

  it('refuses requests for another CA name, unknown paths, wrong methods, bad JSON and missing auth', async () => {
    const otherCa = await call('/api/v1/cainfo', { body: JSON.stringify({ caname: 'ca-other' }) });
    expect(otherCa.status).toBe(404);
    expect(otherCa.envelope).toEqual({
      success: false,
      result: null,
      errors: [{ code: FabricCaCode.CaNotFound, message: "CA 'ca-other' does not exist" }],
      messages: [],
    });
    expect((await call('/api/v1/nothing')).status).toBe(404);
    const get = await call('/api/v1/enroll', { method: 'GET' });
    expect([get.status, get.envelope.errors[0]?.code]).toEqual([405, FabricCaCode.MethodNotAllowed]);
    const junk = await call('/api/v1/enroll', { body: '{not json', headers: basic('admin', 'adminpw') });
    expect([junk.status, junk.envelope.errors[0]?.code]).toEqual([400, FabricCaCode.BadRequestBody]);
    const noAuth = await call('/api/v1/register', { body: JSON.stringify({ id: 'x' }) });
    expect([noAuth.status, noAuth.envelope.errors[0]?.code]).toEqual([401, FabricCaCode.NoAuthHeader]);
  });

  it('refuses a CSR whose common name is not the enrolment id', async () => {
    const { csr } = await csrFor('someone-else');
    const answer = await call('/api/v1/enroll', {
      body: JSON.stringify({ certificate_request: csr }),
      headers: basic('admin', 'adminpw'),
    });
    expect([answer.status, answer.envelope.errors[0]?.code]).toEqual([400, FabricCaCode.BadCsr]);
  });

  it('checks the token signature over method, path, body and certificate', async () => {
    const body = JSON.stringify({ id: 'token-user', affiliation: '' });
    const good = await call('/api/v1/register', {
      body,
      headers: { authorization: token(admin.certificate, admin.privateKey, '/api/v1/register', body) },
    });
    expect(good.envelope.success).toBe(true);
    const tampered = JSON.stringify({ id: 'token-user-2', affiliation: '' });
    const replayed = await call('/api/v1/register', {
      body: tampered,
      headers: { authorization: token(admin.certificate, admin.privateKey, '/api/v1/register', body) },
    });
    expect([replayed.status, replayed.envelope.errors[0]?.code]).toEqual([
      401,
      FabricCaCode.AuthenticationFailure,
    ]);
    // A token for another endpoint is not accepted here.
    const otherPath = await call('/api/v1/register', {
      body: tampered,
      headers: { authorization: token(admin.certificate, admin.privateKey, '/api/v1/revoke', tampered) },
    });
    expect(otherPath.status).toBe(401);
  });

  it('locks an identity after too many incorrect secrets, even for the right one', async () => {
    await register({ id: 'forgetful', secret: 'right-secret', affiliation: '' });
    expect((await enroll('forgetful', 'wrong-1')).status).toBe(401);
    expect((await enroll('forgetful', 'wrong-2')).status).toBe(401);
    const locked = await enroll('forgetful', 'right-secret');
    expect([locked.status, locked.envelope.errors[0]?.code]).toEqual([
      401,
      FabricCaCode.AuthenticationFailure,
    ]);
  });

  it("refuses max_enrollments above the CA's limit", async () => {
    const answer = await register({ id: 'greedy', affiliation: '', max_enrollments: 10 });
    expect([answer.status, answer.envelope.success]).toEqual([400, false]);
    expect((await register({ id: 'modest', secret: 'pw', affiliation: '', max_enrollments: 1 })).status).toBe(
      200,
    );
    expect((await enroll('modest', 'pw')).status).toBe(200);
    expect((await enroll('modest', 'pw')).status).toBe(401);
  });

  it('issues TLS-profile certificates with the requested hosts', async () => {
    await register({ id: 'peer0', secret: 'peerpw', type: 'peer', affiliation: '' });
    const peer = await enroll('peer0', 'peerpw', { profile: 'tls', hosts: ['peer0.hospital-it.example'] });
    const cert = new X509Certificate(peer.certificate);
    expect(cert.subjectAltName).toBe('DNS:peer0.hospital-it.example');
    expect(cert.keyUsage).toContain('1.3.6.1.5.5.7.3.1');
    expect(readCertificate(peer.certificate).organizationalUnits).toEqual(['peer']);
  });

  it('stores secrets only as hashes and the CA key readable by the owner only', () => {
    const state = readFileSync(join(dataDir, 'ca-state.json'), 'utf8');
    expect(state).not.toContain('adminpw');
    expect(state).not.toContain('right-secret');
    expect(state).toContain('scrypt$');
    expect(statSync(join(dataDir, 'ca-key.pem')).mode & 0o077).toBe(0);
  });
});
