/** How a file is cut into the parts of a chunked upload (`PUT /uploads/:id/parts/:index`). */
export const DEFAULT_PART_SIZE = 4 * 1024 * 1024;

export interface PartRange {
  /** 0-based, as the gateway numbers parts. */
  readonly index: number;
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
}

export function partRanges(size: number, partSize: number = DEFAULT_PART_SIZE): PartRange[] {
  if (!Number.isInteger(partSize) || partSize <= 0)
    throw new RangeError('partSize must be a positive integer');
  const parts: PartRange[] = [];
  for (let start = 0, index = 0; start < size; start += partSize, index++) {
    parts.push({ index, start, end: Math.min(size, start + partSize) });
  }
  return parts;
}

/** Whether a file goes in as FHIR JSON (records route) or as a binary (chunked upload). */
export function isFhirJson(file: { readonly name: string; readonly type: string }): boolean {
  return (
    file.type === 'application/fhir+json' || file.type === 'application/json' || /\.json$/i.test(file.name)
  );
}

/**
 * The centre's id of an uploaded file: the same file (name, size, modification time) gets the same id, so
 * sending it again is recognised by the data lake instead of stored twice.
 */
export function sourceIdFor(file: {
  readonly name: string;
  readonly size: number;
  readonly lastModified: number;
}): string {
  const name =
    file.name
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '')
      .slice(0, 150) || 'file';
  return `portal:${name}:${file.size}:${file.lastModified}`;
}
