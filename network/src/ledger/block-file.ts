import { createHash } from 'node:crypto';
import { mkdir, open, readdir } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Append-only block files. A record is  length u32 ‖ block bytes ‖ SHA-256(block bytes) : the length
 * makes a torn tail recognisable, the checksum makes a flipped byte anywhere in the record (metadata
 * included, which the hash chain does not cover) detectable. Files roll over at `maxFileSize`.
 */
export interface RecordLocation {
  readonly file: number;
  readonly offset: number;
  /** Length of the block bytes (the record is RECORD_OVERHEAD longer). */
  readonly length: number;
}

export type ScannedRecord =
  | { readonly kind: 'record'; readonly location: RecordLocation; readonly bytes: Uint8Array }
  /** A complete record whose checksum does not match. `last` when nothing follows it. */
  | { readonly kind: 'corrupt'; readonly location: RecordLocation; readonly last: boolean }
  /** An incomplete record; `last` when no later file holds data (a torn tail rather than damage). */
  | { readonly kind: 'torn'; readonly file: number; readonly offset: number; readonly last: boolean };

const LENGTH_BYTES = 4;
const CHECKSUM_BYTES = 32;
export const RECORD_OVERHEAD = LENGTH_BYTES + CHECKSUM_BYTES;
const FILE_PREFIX = 'blockfile_';

function fileName(file: number): string {
  return `${FILE_PREFIX}${String(file).padStart(6, '0')}`;
}

function checksum(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

export class BlockFiles {
  private readonly handles = new Map<number, FileHandle>();

  private constructor(
    private readonly dir: string,
    private readonly maxFileSize: number,
    private current: number,
    private currentSize: number,
  ) {}

  static async open(dir: string, maxFileSize: number): Promise<BlockFiles> {
    await mkdir(dir, { recursive: true });
    const numbers = (await readdir(dir))
      .filter((name) => name.startsWith(FILE_PREFIX))
      .map((name) => Number(name.slice(FILE_PREFIX.length)))
      .filter(Number.isInteger)
      .sort((a, b) => a - b);
    const files = new BlockFiles(dir, maxFileSize, numbers.at(-1) ?? 0, 0);
    files.currentSize = (await (await files.handle(files.current)).stat()).size;
    return files;
  }

  private async handle(file: number): Promise<FileHandle> {
    let handle = this.handles.get(file);
    if (!handle) {
      // 'a+': reads anywhere, writes always append, the file is created when missing.
      handle = await open(join(this.dir, fileName(file)), 'a+');
      this.handles.set(file, handle);
    }
    return handle;
  }

  /** Makes a newly created file's directory entry durable (a fsynced file can still vanish without it). */
  private async syncDirectory(): Promise<void> {
    const dir = await open(this.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  /** Appends one record and returns once it is on disk (fdatasync). */
  async append(bytes: Uint8Array): Promise<RecordLocation> {
    const record = Buffer.allocUnsafe(RECORD_OVERHEAD + bytes.length);
    record.writeUInt32BE(bytes.length, 0);
    record.set(bytes, LENGTH_BYTES);
    checksum(bytes).copy(record, LENGTH_BYTES + bytes.length);

    let created = false;
    if (this.currentSize > 0 && this.currentSize + record.length > this.maxFileSize) {
      this.current += 1;
      this.currentSize = 0;
      created = true;
    }
    const handle = await this.handle(this.current);
    const location = { file: this.current, offset: this.currentSize, length: bytes.length };
    await handle.write(record, 0, record.length);
    await handle.datasync();
    if (created) await this.syncDirectory();
    this.currentSize += record.length;
    return location;
  }

  /** The block bytes at `location`, or undefined when the record there fails its checksum. */
  async read(location: RecordLocation): Promise<Uint8Array | undefined> {
    const record = Buffer.allocUnsafe(RECORD_OVERHEAD + location.length);
    const handle = await this.handle(location.file);
    const { bytesRead } = await handle.read(record, 0, record.length, location.offset);
    if (bytesRead !== record.length || record.readUInt32BE(0) !== location.length) return undefined;
    const bytes = record.subarray(LENGTH_BYTES, LENGTH_BYTES + location.length);
    if (!checksum(bytes).equals(record.subarray(LENGTH_BYTES + location.length))) return undefined;
    return bytes;
  }

  /** Every record of every file, in order; stops after the first torn or corrupt one. */
  async *scan(): AsyncIterable<ScannedRecord> {
    const sizes: number[] = [];
    for (let file = 0; file <= this.current; file++)
      sizes.push((await (await this.handle(file)).stat()).size);
    let lastWithData = 0;
    sizes.forEach((size, file) => {
      if (size > 0) lastWithData = file;
    });
    for (let file = 0; file <= this.current; file++) {
      const handle = await this.handle(file);
      const size = sizes[file] ?? 0;
      const isLastFile = file >= lastWithData;
      let offset = 0;
      while (offset < size) {
        const head = Buffer.alloc(LENGTH_BYTES);
        const { bytesRead } = await handle.read(head, 0, LENGTH_BYTES, offset);
        const length = bytesRead === LENGTH_BYTES ? head.readUInt32BE(0) : -1;
        if (length < 0 || offset + RECORD_OVERHEAD + length > size) {
          yield { kind: 'torn', file, offset, last: isLastFile };
          return;
        }
        const location = { file, offset, length };
        const bytes = await this.read(location);
        offset += RECORD_OVERHEAD + length;
        if (!bytes) {
          yield { kind: 'corrupt', location, last: isLastFile && offset === size };
          return;
        }
        yield { kind: 'record', location, bytes };
      }
    }
  }

  /** Cuts the files back to `offset` of `file` (a torn tail); returns how many bytes were removed. */
  async truncateFrom(file: number, offset: number): Promise<number> {
    let removed = 0;
    for (let later = this.current; later >= file; later--) {
      const handle = await this.handle(later);
      const keep = later === file ? offset : 0;
      removed += (await handle.stat()).size - keep;
      await handle.truncate(keep);
      await handle.sync();
    }
    this.current = file;
    this.currentSize = offset;
    return removed;
  }

  async close(): Promise<void> {
    const handles = [...this.handles.values()];
    this.handles.clear();
    await Promise.all(handles.map((handle) => handle.close()));
  }
}
