/** How a file is cut into the parts of a chunked upload (`PUT /uploads/:id/parts/:index`). */
export const DEFAULT_PART_SIZE = 4 * 1024 * 1024;

export interface PartRange {
  /** 1-based, as the gateway numbers parts. */
  readonly index: number;
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
}

export function partRanges(size: number, partSize: number = DEFAULT_PART_SIZE): PartRange[] {
  if (!Number.isInteger(partSize) || partSize <= 0)
    throw new RangeError('partSize must be a positive integer');
  const parts: PartRange[] = [];
  for (let start = 0, index = 1; start < size || (size === 0 && index === 1); start += partSize, index++) {
    parts.push({ index, start, end: Math.min(size, start + partSize) });
    if (size === 0) break;
  }
  return parts;
}

/** Whether a file goes in as FHIR JSON (records route) or as a binary (chunked upload). */
export function isFhirJson(file: { readonly name: string; readonly type: string }): boolean {
  return (
    file.type === 'application/fhir+json' || file.type === 'application/json' || /\.json$/i.test(file.name)
  );
}
