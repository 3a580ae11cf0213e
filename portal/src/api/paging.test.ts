import { allPages } from './paging';

describe('allPages', () => {
  it('follows bookmarks to the end of the listing', async () => {
    const pages: Record<string, { items: number[]; bookmark: string }> = {
      '': { items: [1, 2], bookmark: 'b1' },
      b1: { items: [3], bookmark: 'b2' },
      b2: { items: [4], bookmark: '' },
    };
    const seen: string[] = [];
    const result = await allPages(async (bookmark) => {
      seen.push(bookmark);
      return pages[bookmark] ?? { items: [], bookmark: '' };
    });
    expect(result).toEqual({ items: [1, 2, 3, 4], truncated: false });
    expect(seen).toEqual(['', 'b1', 'b2']);
  });

  it('stops at its bound on an endless listing, and says so', async () => {
    let calls = 0;
    const result = await allPages(async () => {
      calls++;
      return { items: [calls], bookmark: 'more' };
    }, 3);
    expect(result).toEqual({ items: [1, 2, 3], truncated: true });
  });
});
