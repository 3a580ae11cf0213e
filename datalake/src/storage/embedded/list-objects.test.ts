import { encodeToken, listObjectsXml, parseListObjects } from './list-objects';

describe('ListObjectsV2 requests and answers', () => {
  it('recognises a path-style ListObjectsV2 and nothing else', () => {
    expect(parseListObjects('GET', '/bucket-1?list-type=2&prefix=expiry%2F')).toMatchObject({
      ok: true,
      request: { bucket: 'bucket-1', prefix: 'expiry/', delimiter: '', maxKeys: 1000 },
    });
    expect(parseListObjects('GET', '/bucket-1?uploads')).toBeUndefined();
    expect(parseListObjects('GET', '/bucket-1/key?list-type=2')).toBeUndefined();
    expect(parseListObjects('PUT', '/bucket-1?list-type=2')).toBeUndefined();
    expect(parseListObjects('GET', '/bucket-1')).toBeUndefined();
  });

  it('continues after the key or the common prefix its token names; caps pages at 1,000', () => {
    const afterKey = parseListObjects(
      'GET',
      `/b12?list-type=2&continuation-token=${encodeToken({ value: 'a/', commonPrefix: false })}`,
    );
    expect(afterKey).toMatchObject({ ok: true, request: { after: { value: 'a/', commonPrefix: false } } });
    const afterPrefix = parseListObjects(
      'GET',
      `/b12?list-type=2&delimiter=%2F&continuation-token=${encodeToken({ value: 'a/', commonPrefix: true })}`,
    );
    expect(afterPrefix).toMatchObject({ ok: true, request: { after: { value: 'a/', commonPrefix: true } } });
    expect(parseListObjects('GET', '/b12?list-type=2&max-keys=5000')).toMatchObject({
      request: { maxKeys: 1000 },
    });
    expect(parseListObjects('GET', '/b12?list-type=2&start-after=k%2F9')).toMatchObject({
      request: { after: { value: 'k/9', commonPrefix: false }, startAfter: 'k/9' },
    });
  });

  it('refuses a token it did not make, a max-keys that is not a number, an unknown encoding', () => {
    for (const query of [
      'continuation-token=abc',
      'continuation-token=ct-x123',
      'max-keys=-1',
      'max-keys=ten',
      'encoding-type=base64',
    ])
      expect(parseListObjects('GET', `/b12?list-type=2&${query}`)).toMatchObject({ ok: false });
  });

  it('writes the page as S3 does: names URL-encoded on request, truncation with the next token, XML escaped', () => {
    const parsed = parseListObjects('GET', '/b12?list-type=2&encoding-type=url&prefix=a%20b%2F');
    if (parsed?.ok !== true) throw new Error('not parsed');
    const xml = listObjectsXml(parsed.request, {
      contents: [{ key: 'a b/<1>&', size: 3, lastModified: new Date(0), etag: '"e"' }],
      commonPrefixes: [],
      next: { value: 'a b/<1>&', commonPrefix: false },
    });
    expect(xml).toContain('<Key>a%20b%2F%3C1%3E%26</Key>');
    expect(xml).toContain('<Prefix>a%20b%2F</Prefix>');
    expect(xml).toContain('<IsTruncated>true</IsTruncated>');
    expect(xml).toContain(
      `<NextContinuationToken>${encodeToken({ value: 'a b/<1>&', commonPrefix: false })}</NextContinuationToken>`,
    );
    expect(xml).toContain('<ETag>&#34;e&#34;</ETag>');
    expect(xml).toContain('<KeyCount>1</KeyCount>');
  });
});
