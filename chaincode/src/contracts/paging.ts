/** Decodes the `pageSize` and `bookmark` arguments every listing takes. */
import { pageSize as decodePageSize } from '../model';
import { valid } from './base';

export function pageArgs(pageSize: string, bookmark: string): { pageSize: number; bookmark: string } {
  return { pageSize: valid(decodePageSize(pageSize)), bookmark };
}
