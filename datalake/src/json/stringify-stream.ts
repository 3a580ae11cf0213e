/**
 * JSON text of an object written out piece by piece: each member, and each item of an array member, is serialised
 * on its own, so a large document (a Bundle of thousands of entries) streams into its sealed object without ever
 * being one string. The bytes are exactly `JSON.stringify(value)`'s.
 */
import { Readable } from 'node:stream';

/** Pieces of at least this size go out together (the sealing stream works in 64 KiB chunks). */
const CHUNK_BYTES = 64 * 1024;

/** The JSON text of `value` in pieces whose concatenation is `JSON.stringify(value)`. */
export function* jsonPieces(value: object): Generator<string> {
  yield '{';
  let first = true;
  for (const [key, member] of Object.entries(value) as [string, unknown][]) {
    // What JSON.stringify leaves out of an object.
    if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
    yield `${first ? '' : ','}${JSON.stringify(key)}:`;
    first = false;
    if (Array.isArray(member)) {
      yield '[';
      for (let index = 0; index < member.length; index += 1)
        // An item JSON.stringify cannot write (undefined, a function) is null inside an array.
        yield `${index === 0 ? '' : ','}${JSON.stringify(member[index]) ?? 'null'}`;
      yield ']';
    } else yield JSON.stringify(member);
  }
  yield '}';
}

/** `jsonPieces` as a byte stream, the pieces gathered into chunks of about `CHUNK_BYTES`. */
export function jsonStream(value: object): Readable {
  return Readable.from(chunked(jsonPieces(value)), { objectMode: false });
}

function* chunked(pieces: Iterable<string>): Generator<Buffer> {
  let held: string[] = [];
  let size = 0;
  for (const piece of pieces) {
    held.push(piece);
    size += piece.length;
    if (size >= CHUNK_BYTES) {
      yield Buffer.from(held.join(''), 'utf8');
      held = [];
      size = 0;
    }
  }
  if (held.length > 0) yield Buffer.from(held.join(''), 'utf8');
}
