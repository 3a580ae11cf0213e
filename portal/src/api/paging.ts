/** Reading a listing to its end, page by page, up to a bound so that a huge log cannot hang a view. */
import type { ListPage } from './types';

export interface AllPages<T> {
  readonly items: readonly T[];
  /** True when the bound stopped the reading before the listing's end. */
  readonly truncated: boolean;
}

export async function allPages<T>(
  page: (bookmark: string) => Promise<ListPage<T>>,
  maxPages = 20,
): Promise<AllPages<T>> {
  const items: T[] = [];
  let bookmark = '';
  for (let read = 0; read < maxPages; read++) {
    const next = await page(bookmark);
    items.push(...next.items);
    if (!next.bookmark || next.items.length === 0) return { items, truncated: false };
    bookmark = next.bookmark;
  }
  return { items, truncated: true };
}
