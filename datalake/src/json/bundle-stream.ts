/**
 * Reads a FHIR Bundle from a byte stream one entry at a time, so a Bundle of any size is processed in bounded
 * memory: the top-level members other than `entry` are yielded whole (each bounded), every element of `entry`
 * as its own JSON text (bounded). Only the structure is tracked here (nesting, strings, escapes); each piece is
 * parsed by its reader. Nesting is bounded as for any JSON the lake accepts.
 */
import { DatalakeError } from '../errors';
import { MAX_JSON_DEPTH } from './depth';
import { BACKSLASH, CLOSE_ARRAY, CLOSE_OBJECT, COLON, COMMA, OPEN_ARRAY, OPEN_OBJECT, QUOTE } from './bytes';

export type BundlePart =
  | { readonly kind: 'member'; readonly key: string; readonly json: string }
  | { readonly kind: 'entry'; readonly index: number; readonly json: string };

export interface BundleStreamLimits {
  /** Largest entry, in bytes. */
  readonly maxEntryBytes: number;
  /** Largest top-level member other than `entry`, in bytes. */
  readonly maxMemberBytes: number;
  readonly maxDepth?: number;
}

type State = 'start' | 'key' | 'colon' | 'value' | 'primitive' | 'nested' | 'entries' | 'after' | 'done';

const malformed = () => new DatalakeError('NOT_FHIR', 'body is not a JSON object');

export async function* bundleParts(
  source: AsyncIterable<Buffer | Uint8Array>,
  limits: BundleStreamLimits,
): AsyncGenerator<BundlePart> {
  const maxDepth = limits.maxDepth ?? MAX_JSON_DEPTH;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let state: State = 'start';
  let key = '';
  let entries = 0;
  /** The piece being captured: its chunks so far and where it starts in the current chunk. */
  let capture: { parts: Buffer[]; size: number; from: number; limit: number } | undefined;
  const begin = (from: number, limit: number) => {
    capture = { parts: [], size: 0, from, limit };
  };
  const keep = (chunk: Buffer, to: number) => {
    if (capture === undefined) return;
    const slice = chunk.subarray(capture.from, to);
    capture.size += slice.length;
    if (capture.size > capture.limit)
      throw new DatalakeError('PAYLOAD_TOO_LARGE', 'a Bundle entry or member exceeds its size limit', {
        maxBytes: capture.limit,
      });
    capture.parts.push(slice);
    capture.from = 0;
  };
  const finish = (chunk: Buffer, to: number): string => {
    keep(chunk, to);
    const text = Buffer.concat((capture as { parts: Buffer[] }).parts).toString('utf8');
    capture = undefined;
    return text;
  };

  for await (const raw of source) {
    const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
    for (let index = 0; index < chunk.length; index += 1) {
      const byte = chunk[index] as number;
      if (inString) {
        if (escaped) escaped = false;
        else if (byte === BACKSLASH) escaped = true;
        else if (byte === QUOTE) {
          inString = false;
          if (state === 'key') {
            key = JSON.parse(finish(chunk, index + 1)) as string;
            state = 'colon';
          }
        }
        continue;
      }
      if (byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) continue;
      if (state === 'done') throw malformed();
      if (depth === 0) {
        if (state !== 'start' || byte !== OPEN_OBJECT) throw malformed();
        depth = 1;
        state = 'after';
        continue;
      }
      if (depth === 1) {
        // Inside the top-level object: keys, colons, commas, and where each member's value starts and ends.
        if (state === 'after' && byte === QUOTE) {
          begin(index, 1024);
          inString = true;
          state = 'key';
          continue;
        }
        if (state === 'after' && byte === COMMA) continue;
        if (state === 'colon') {
          if (byte !== COLON) throw malformed();
          state = 'value';
          continue;
        }
        if (state === 'value') {
          if (key === 'entry' && byte === OPEN_ARRAY) {
            depth = 2;
            state = 'entries';
            continue;
          }
          begin(index, limits.maxMemberBytes);
          if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
            depth = 2;
            state = 'nested';
          } else {
            if (byte === QUOTE) inString = true;
            state = 'primitive';
          }
          continue;
        }
        if (state === 'primitive') {
          if (byte === COMMA || byte === CLOSE_OBJECT) {
            yield { kind: 'member', key, json: finish(chunk, index) };
            state = 'after';
            if (byte === CLOSE_OBJECT) {
              depth = 0;
              state = 'done';
            }
          }
          continue;
        }
        if (byte === CLOSE_OBJECT && state === 'after') {
          depth = 0;
          state = 'done';
          continue;
        }
        throw malformed();
      }
      // depth ≥ 2: inside a member's value or the entry array.
      if (byte === QUOTE) {
        inString = true;
        continue;
      }
      if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
        if (state === 'entries' && depth === 2) {
          if (byte !== OPEN_OBJECT)
            throw new DatalakeError('INVALID_INPUT', 'a Bundle entry must be an object');
          begin(index, limits.maxEntryBytes);
        }
        depth += 1;
        if (depth > maxDepth)
          throw new DatalakeError('INVALID_INPUT', `JSON nests deeper than ${maxDepth} levels`, { maxDepth });
        continue;
      }
      if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
        depth -= 1;
        if (state === 'entries' && depth === 2 && capture !== undefined) {
          yield { kind: 'entry', index: entries, json: finish(chunk, index + 1) };
          entries += 1;
        } else if (state === 'entries' && depth === 1) state = 'after';
        else if (state === 'nested' && depth === 1) {
          yield { kind: 'member', key, json: finish(chunk, index + 1) };
          state = 'after';
        }
        continue;
      }
      if (state === 'entries' && depth === 2 && byte !== COMMA)
        throw new DatalakeError('INVALID_INPUT', 'a Bundle entry must be an object');
    }
    keep(chunk, chunk.length);
  }
  if (state !== 'done') throw malformed();
}
