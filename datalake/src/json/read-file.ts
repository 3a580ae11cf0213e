/**
 * Parses a large JSON file (the FHIR definitions, up to 35 MB) read in small pieces. Read whole, each file was one
 * allocation of its size outside V8's heap, and glibc, whose thresholds follow the largest blocks freed, then kept
 * some 25 MiB of the process's heap for good; read in pieces below its mmap threshold, the file costs only the
 * string V8 parses, which V8 collects. (Parsing is also faster: no UTF-8 validation of one huge buffer.)
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/** Under glibc's default mmap threshold (128 KiB), so reading moves none of its thresholds. */
const PIECE_BYTES = 64 * 1024;

export function readJsonFile(file: string): unknown {
  const descriptor = openSync(file, 'r');
  try {
    const piece = Buffer.allocUnsafeSlow(PIECE_BYTES);
    // A character split between two pieces is completed by the next one.
    const decoder = new StringDecoder('utf8');
    let text = '';
    for (let read = readSync(descriptor, piece); read > 0; read = readSync(descriptor, piece))
      text += decoder.write(piece.subarray(0, read));
    return JSON.parse(text + decoder.end()) as unknown;
  } finally {
    closeSync(descriptor);
  }
}
