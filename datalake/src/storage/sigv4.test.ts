import { createHash } from 'node:crypto';
import { signedAuthorization, uriEncode, verifySigV4 } from './sigv4';
import type { SignedRequest, SigV4Verdict } from './sigv4';

/**
 * The examples of the S3 API reference ("Signature Calculations for the Authorization Header: Transferring Payload
 * in a Single Chunk"): their keys, time and published signatures. A verifier that accepts them computes the
 * canonical request as S3 does.
 */
const AWS_KEYS = { accessKey: 'AKIAIOSFODNN7EXAMPLE', secretKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const AWS_TIME = new Date('2013-05-24T00:00:00Z');
const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const HOST = 'examplebucket.s3.amazonaws.com';
const options = { credentials: AWS_KEYS, region: 'us-east-1', now: AWS_TIME };

function authorization(
  signedHeaders: string,
  signature: string,
  credential = 'AKIAIOSFODNN7EXAMPLE',
): string {
  return (
    `AWS4-HMAC-SHA256 Credential=${credential}/20130524/us-east-1/s3/aws4_request,` +
    `SignedHeaders=${signedHeaders},Signature=${signature}`
  );
}

const getObject: SignedRequest = {
  method: 'GET',
  url: '/test.txt',
  rawHeaders: [
    'Host',
    HOST,
    'Range',
    'bytes=0-9',
    'x-amz-content-sha256',
    EMPTY,
    'x-amz-date',
    '20130524T000000Z',
    'Authorization',
    authorization(
      'host;range;x-amz-content-sha256;x-amz-date',
      'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    ),
  ],
};

const putObject: SignedRequest = {
  method: 'PUT',
  url: '/test%24file.text',
  rawHeaders: [
    'Host',
    HOST,
    'Date',
    'Fri, 24 May 2013 00:00:00 GMT',
    'x-amz-date',
    '20130524T000000Z',
    'x-amz-storage-class',
    'REDUCED_REDUNDANCY',
    'x-amz-content-sha256',
    createHash('sha256').update('Welcome to Amazon S3.').digest('hex'),
    'Authorization',
    authorization(
      'date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class',
      '98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd',
    ),
  ],
};

function bucketGet(url: string, signature: string): SignedRequest {
  return {
    method: 'GET',
    url,
    rawHeaders: [
      'Host',
      HOST,
      'x-amz-date',
      '20130524T000000Z',
      'x-amz-content-sha256',
      EMPTY,
      'Authorization',
      authorization('host;x-amz-content-sha256;x-amz-date', signature),
    ],
  };
}

const lifecycle = bucketGet(
  '/?lifecycle',
  'fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543',
);
// The query as the reference sends it, unsorted: the canonical query sorts it.
const listObjects = bucketGet(
  '/?max-keys=2&prefix=J',
  '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7',
);

function withHeader(request: SignedRequest, name: string, value: string): SignedRequest {
  const raw = [...request.rawHeaders];
  const at = raw.findIndex((each, index) => index % 2 === 0 && each.toLowerCase() === name.toLowerCase());
  if (at < 0) raw.push(name, value);
  else raw[at + 1] = value;
  return { ...request, rawHeaders: raw };
}

function refusal(verdict: SigV4Verdict): string | undefined {
  return verdict.ok ? undefined : verdict.refusal.code;
}

describe('AWS Signature V4 verification', () => {
  it('accepts the S3 reference examples: GET with Range, PUT with a signed payload, ?lifecycle, a sorted query', () => {
    expect(verifySigV4(getObject, options)).toEqual({ ok: true, payload: { kind: 'sha256', sha256: EMPTY } });
    expect(verifySigV4(putObject, options)).toEqual({
      ok: true,
      payload: { kind: 'sha256', sha256: '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072' },
    });
    expect(verifySigV4(lifecycle, options).ok).toBe(true);
    expect(verifySigV4(listObjects, options).ok).toBe(true);
  });

  it('refuses the signature on another path, another query, another method', () => {
    expect(refusal(verifySigV4({ ...getObject, url: '/other.txt' }, options))).toBe('SignatureDoesNotMatch');
    expect(refusal(verifySigV4({ ...listObjects, url: '/?max-keys=1000&prefix=J' }, options))).toBe(
      'SignatureDoesNotMatch',
    );
    expect(refusal(verifySigV4({ ...getObject, method: 'DELETE' }, options))).toBe('SignatureDoesNotMatch');
  });

  it('refuses a tampered signed header, a signed header taken away, and any unsigned x-amz-* header added', () => {
    expect(refusal(verifySigV4(withHeader(getObject, 'Range', 'bytes=0-99'), options))).toBe(
      'SignatureDoesNotMatch',
    );
    expect(refusal(verifySigV4(withHeader(putObject, 'x-amz-storage-class', 'STANDARD'), options))).toBe(
      'SignatureDoesNotMatch',
    );
    const withoutRange = {
      ...getObject,
      rawHeaders: getObject.rawHeaders.slice(0, 2).concat(getObject.rawHeaders.slice(4)),
    };
    expect(refusal(verifySigV4(withoutRange, options))).toBe('AccessDenied');
    // An added copy source would turn the signed PUT into a copy of another object.
    expect(
      refusal(verifySigV4(withHeader(putObject, 'x-amz-copy-source', '/examplebucket/secret'), options)),
    ).toBe('AccessDenied');
  });

  it('refuses another secret, an unknown access key, another region, and a malformed header', () => {
    const otherSecret = {
      ...options,
      credentials: { ...AWS_KEYS, secretKey: 'another-secret-key-of-this-size' },
    };
    expect(refusal(verifySigV4(getObject, otherSecret))).toBe('SignatureDoesNotMatch');
    const otherKey = { ...options, credentials: { ...AWS_KEYS, accessKey: 'AKIAOTHEREXAMPLE0000' } };
    expect(refusal(verifySigV4(getObject, otherKey))).toBe('InvalidAccessKeyId');
    expect(refusal(verifySigV4(getObject, { ...options, region: 'eu-central-1' }))).toBe(
      'AuthorizationHeaderMalformed',
    );
    expect(
      refusal(verifySigV4(withHeader(getObject, 'Authorization', 'AWS4-HMAC-SHA256 Signature=00'), options)),
    ).toBe('AuthorizationHeaderMalformed');
  });

  it('refuses a request more than 15 minutes from the server clock, either way, and one without x-amz-date', () => {
    const later = (minutes: number) => ({ ...options, now: new Date(AWS_TIME.getTime() + minutes * 60_000) });
    expect(verifySigV4(getObject, later(14)).ok).toBe(true);
    expect(refusal(verifySigV4(getObject, later(16)))).toBe('RequestTimeTooSkewed');
    expect(refusal(verifySigV4(getObject, later(-16)))).toBe('RequestTimeTooSkewed');
    const noDate = {
      ...getObject,
      rawHeaders: getObject.rawHeaders.filter((_, i, all) => all[i - (i % 2)] !== 'x-amz-date'),
    };
    expect(refusal(verifySigV4(noDate, options))).toBe('AccessDenied');
  });

  it('refuses anonymous and presigned requests, streaming payloads, and malformed paths', () => {
    const anonymous = { ...getObject, rawHeaders: getObject.rawHeaders.slice(0, -2) };
    expect(refusal(verifySigV4(anonymous, options))).toBe('AccessDenied');
    const presigned = {
      ...anonymous,
      url: '/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
    };
    expect(refusal(verifySigV4(presigned, options))).toBe('AccessDenied');
    expect(
      refusal(
        verifySigV4(
          withHeader(putObject, 'x-amz-content-sha256', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD'),
          options,
        ),
      ),
    ).toBe('NotImplemented');
    expect(refusal(verifySigV4({ ...getObject, url: '/test%zz.txt' }, options))).toBe('InvalidURI');
  });
});

describe('AWS Signature V4 signing', () => {
  const signature = (header: string) => /Signature=([0-9a-f]{64})$/.exec(header)?.[1];

  it('signs the S3 reference examples as S3 published them: GET with Range, PUT with a signed payload', () => {
    const get = signedAuthorization(
      {
        method: 'GET',
        path: '/test.txt',
        headers: {
          host: HOST,
          range: 'bytes=0-9',
          'x-amz-content-sha256': EMPTY,
          'x-amz-date': '20130524T000000Z',
        },
      },
      AWS_KEYS,
      'us-east-1',
    );
    expect(get).toContain('Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request');
    expect(get).toContain('SignedHeaders=host;range;x-amz-content-sha256;x-amz-date');
    expect(signature(get)).toBe('f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41');
    const put = signedAuthorization(
      {
        method: 'PUT',
        path: '/test%24file.text',
        headers: {
          date: 'Fri, 24 May 2013 00:00:00 GMT',
          host: HOST,
          'x-amz-content-sha256': createHash('sha256').update('Welcome to Amazon S3.').digest('hex'),
          'x-amz-date': '20130524T000000Z',
          'x-amz-storage-class': 'REDUCED_REDUNDANCY',
        },
      },
      AWS_KEYS,
      'us-east-1',
    );
    expect(signature(put)).toBe('98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd');
  });

  it('signs a GET of a key with reserved and non-ASCII characters that the verifier accepts, and only that GET', () => {
    const now = new Date('2030-01-02T03:04:05Z');
    const path = `/bucket/${['raw', "a b!'()*", 'résumé+%.pdf'].map(uriEncode).join('/')}`;
    const headers = {
      host: 'localhost:9000',
      'x-amz-content-sha256': EMPTY,
      'x-amz-date': '20300102T030405Z',
    };
    const authorization = signedAuthorization({ method: 'GET', path, headers }, AWS_KEYS, 'us-east-1');
    const request = (url: string, method = 'GET'): SignedRequest => ({
      method,
      url,
      rawHeaders: [...Object.entries(headers).flat(), 'Authorization', authorization],
    });
    const verify = (signed: SignedRequest): SigV4Verdict => verifySigV4(signed, { ...options, now });
    expect(verify(request(path))).toEqual({ ok: true, payload: { kind: 'sha256', sha256: EMPTY } });
    expect(verify(request(path.replace('raw', 'curated')))).toMatchObject({ ok: false });
    expect(verify(request(path, 'DELETE'))).toMatchObject({ ok: false });
  });

  it('refuses to sign a request without host, a valid x-amz-date or its payload hash', () => {
    const headers = { host: HOST, 'x-amz-content-sha256': EMPTY, 'x-amz-date': '20130524T000000Z' };
    for (const broken of [
      { ...headers, host: undefined },
      { ...headers, 'x-amz-date': 'yesterday' },
      { ...headers, 'x-amz-content-sha256': '' },
    ])
      expect(() =>
        signedAuthorization(
          {
            method: 'GET',
            path: '/x',
            headers: JSON.parse(JSON.stringify(broken)) as Record<string, string>,
          },
          AWS_KEYS,
          'us-east-1',
        ),
      ).toThrow(/SigV4/);
  });
});
