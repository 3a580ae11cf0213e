import type S3rver from 's3rver';
import { encodeToken, listObjectsXml, listPage, parseListObjects } from './list-objects';
import type { ListObjectsRequest } from './list-objects';

/** A store over sorted keys that records how many keys each of its listings was asked for. */
function storeOf(keys: readonly string[]): { store: S3rver['store']; asked: number[] } {
  const asked: number[] = [];
  const store = {
    listObjects: (
      _bucket: string,
      options: { prefix?: string; startAfter?: string; maxKeys?: number },
    ): Promise<unknown> => {
      const maxKeys = options.maxKeys ?? Number.POSITIVE_INFINITY;
      asked.push(maxKeys);
      const after = keys.filter(
        (key) => key.startsWith(options.prefix ?? '') && key > (options.startAfter ?? ''),
      );
      return Promise.resolve({
        objects: after.slice(0, maxKeys).map((key) => ({
          key,
          size: 0,
          lastModifiedDate: new Date(0),
          metadata: {},
        })),
        commonPrefixes: [],
        isTruncated: after.length > maxKeys,
      });
    },
  };
  return { store: store as unknown as S3rver['store'], asked };
}

function request(fields: Partial<ListObjectsRequest>): ListObjectsRequest {
  return {
    bucket: 'b12',
    prefix: '',
    delimiter: '',
    maxKeys: 1000,
    after: { value: '', commonPrefix: false },
    encodeUrl: false,
    ...fields,
  };
}

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

  it('reads one key past a page, not 1,000 (a page of one expiry marker read every marker)', async () => {
    const markers = Array.from({ length: 5000 }, (_, i) => `expiry/${String(i).padStart(15, '0')}/g/p/m`);
    const { store, asked } = storeOf(markers);
    const first = await listPage(store, request({ prefix: 'expiry/', maxKeys: 1 }));
    expect(first.contents.map((entry) => entry.key)).toEqual([markers[0]]);
    expect(first.next).toEqual({ value: markers[0], commonPrefix: false });
    expect(asked).toEqual([2]);

    // Paging through in small pages still returns every key once, in order.
    const listed: string[] = [];
    let after = { value: '', commonPrefix: false };
    for (;;) {
      const page = await listPage(store, request({ prefix: 'expiry/', maxKeys: 700, after }));
      listed.push(...page.contents.map((entry) => entry.key));
      if (page.next === undefined) break;
      after = page.next;
    }
    expect(listed).toEqual(markers);
  });

  it('reads as many keys as folding under a delimiter needs', async () => {
    const keys = [...Array.from({ length: 1500 }, (_, i) => `a/${String(i).padStart(5, '0')}`), 'b/1', 'c'];
    const { store } = storeOf(keys);
    const page = await listPage(store, request({ delimiter: '/', maxKeys: 2 }));
    expect(page.commonPrefixes).toEqual(['a/', 'b/']);
    expect(page.next).toEqual({ value: 'b/', commonPrefix: true });
    const rest = await listPage(store, request({ delimiter: '/', maxKeys: 2, after: page.next }));
    expect(rest.contents.map((entry) => entry.key)).toEqual(['c']);
    expect(rest.next).toBeUndefined();
  });
});
