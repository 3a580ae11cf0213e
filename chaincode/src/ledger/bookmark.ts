/**
 * Bookmarks are the ledger key a page continues from. Clients get them base64url-encoded (the
 * raw form contains NUL separators), and a returned bookmark must lie inside the range the caller
 * is allowed to list — otherwise a crafted bookmark could page into another patient's keys.
 */
import { ChaincodeError, LIMITS } from '../model';

export function encodeBookmark(key: string): string {
  return key ? Buffer.from(key, 'utf8').toString('base64url') : '';
}

export function decodeBookmark(bookmark: string, inRange: (key: string) => boolean): string {
  if (bookmark === '') return '';
  if (bookmark.length > LIMITS.maxBookmarkLength || !/^[A-Za-z0-9_-]+$/.test(bookmark)) {
    throw new ChaincodeError('INVALID_ARGUMENT', 'bookmark: is malformed');
  }
  const key = Buffer.from(bookmark, 'base64url').toString('utf8');
  if (!inRange(key)) throw new ChaincodeError('INVALID_ARGUMENT', 'bookmark: does not belong to this query');
  return key;
}
