/**
 * Resumable, progress-friendly uploads of large binaries: the centre announces the file, sends numbered
 * parts (each can be retried), then completes; the parts are streamed in order to the data lake, which
 * hashes and encrypts them on the fly. Parts live on the gateway's disk only until the upload completes.
 * The same store keeps each centre's upload history (ids, sizes, statuses — no content, no names).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GatewayError } from '../errors';
import type { UploadIssue } from './upload-failure';

export type UploadStatus = 'receiving' | 'storing' | 'stored' | 'failed';

export interface UploadOwner {
  readonly mspId: string;
  readonly ledgerId: string;
}

export interface UploadSession {
  readonly uploadId: string;
  readonly kind: 'document' | 'fhir';
  readonly owner: UploadOwner;
  readonly patientId: string;
  readonly sourceId: string;
  readonly contentType: string;
  readonly size: number;
  readonly partBytes: number;
  readonly parts: readonly number[];
  readonly status: UploadStatus;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** The lake's answer (record ids), once stored; a stable error code once failed. */
  readonly result?: unknown;
  readonly error?: string;
  /** Why the last attempt was refused (where and why, never values), when the refusal said so. */
  readonly issues?: readonly UploadIssue[];
}

export type NewUpload = Pick<
  UploadSession,
  'kind' | 'owner' | 'patientId' | 'sourceId' | 'contentType' | 'size'
>;

export interface Attachment {
  readonly fileName: string;
  readonly documentReference: object;
}

export function partCount(session: Pick<UploadSession, 'size' | 'partBytes'>): number {
  return Math.max(1, Math.ceil(session.size / session.partBytes));
}

/** The exact length part `index` must have. */
export function partLength(session: Pick<UploadSession, 'size' | 'partBytes'>, index: number): number {
  const count = partCount(session);
  if (index < count - 1) return session.partBytes;
  return session.size - session.partBytes * (count - 1);
}

export class UploadStore {
  constructor(
    private readonly directory: string,
    private readonly partBytes: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Each centre's uploads in a folder of its own: listing a history reads that centre's uploads only. */
  private ownerFolder(owner: UploadOwner): string {
    return path.join(
      this.directory,
      createHash('sha256').update(`${owner.mspId}\u0000${owner.ledgerId}`).digest('hex').slice(0, 32),
    );
  }

  private folder(owner: UploadOwner, uploadId: string): string {
    return path.join(this.ownerFolder(owner), uploadId);
  }

  private async save(session: UploadSession): Promise<UploadSession> {
    const file = path.join(this.folder(session.owner, session.uploadId), 'session.json');
    await writeFile(`${file}.tmp`, JSON.stringify(session));
    await rename(`${file}.tmp`, file);
    return session;
  }

  async create(spec: NewUpload): Promise<UploadSession> {
    const at = this.now().toISOString();
    const session: UploadSession = {
      ...spec,
      uploadId: randomUUID(),
      partBytes: this.partBytes,
      parts: [],
      status: 'receiving',
      createdAt: at,
      updatedAt: at,
    };
    await mkdir(this.folder(session.owner, session.uploadId), { recursive: true });
    return this.save(session);
  }

  /** The session, only for the centre that opened it (others: not found, so ids cannot be probed). */
  async get(uploadId: string, owner: UploadOwner): Promise<UploadSession> {
    let session: UploadSession;
    try {
      session = JSON.parse(
        await readFile(path.join(this.folder(owner, uploadId), 'session.json'), 'utf8'),
      ) as UploadSession;
    } catch {
      throw new GatewayError('NOT_FOUND', 'no such upload');
    }
    if (session.owner.mspId !== owner.mspId || session.owner.ledgerId !== owner.ledgerId)
      throw new GatewayError('NOT_FOUND', 'no such upload');
    return session;
  }

  /** The file name and DocumentReference of a binary upload (kept apart from the session: they may name people). */
  async attach(session: UploadSession, attachment: Attachment): Promise<void> {
    await writeFile(
      path.join(this.folder(session.owner, session.uploadId), 'attachment.json'),
      JSON.stringify(attachment),
      {
        mode: 0o600,
      },
    );
  }

  async attachment(session: UploadSession): Promise<Attachment> {
    try {
      return JSON.parse(
        await readFile(path.join(this.folder(session.owner, session.uploadId), 'attachment.json'), 'utf8'),
      ) as Attachment;
    } catch {
      throw new GatewayError('CONFLICT', 'this upload has no document description');
    }
  }

  /** Writes one part from `body`; a part sent again replaces the earlier copy. */
  async putPart(uploadId: string, owner: UploadOwner, index: number, body: Readable): Promise<UploadSession> {
    const session = await this.get(uploadId, owner);
    if (session.status !== 'receiving')
      throw new GatewayError('CONFLICT', `this upload is ${session.status}; parts are no longer accepted`);
    if (!Number.isSafeInteger(index) || index < 0 || index >= partCount(session))
      throw new GatewayError('VALIDATION_FAILED', `part index must be from 0 to ${partCount(session) - 1}`);
    const expected = partLength(session, index);
    const file = path.join(this.folder(owner, uploadId), `part-${index}`);
    let received = 0;
    const counter = new PassThrough();
    counter.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > expected)
        counter.destroy(new GatewayError('PAYLOAD_TOO_LARGE', `part ${index} must be ${expected} bytes`));
    });
    await pipeline(body, counter, createWriteStream(`${file}.tmp`));
    if (received !== expected) {
      await rm(`${file}.tmp`, { force: true });
      throw new GatewayError('VALIDATION_FAILED', `part ${index} must be ${expected} bytes, got ${received}`);
    }
    await rename(`${file}.tmp`, file);
    // Re-read: parts of one upload may arrive concurrently.
    const current = await this.get(uploadId, owner);
    const parts = [...new Set([...current.parts, index])].sort((a, b) => a - b);
    return this.save({ ...current, parts, updatedAt: this.now().toISOString() });
  }

  /** The whole content, parts in order, as one stream; refuses while parts are missing. */
  async content(session: UploadSession): Promise<Readable> {
    const count = partCount(session);
    const missing = Array.from({ length: count }, (_, index) => index).filter(
      (index) => !session.parts.includes(index),
    );
    if (missing.length > 0)
      throw new GatewayError('CONFLICT', `parts missing: ${missing.slice(0, 10).join(', ')}`, {
        missing: missing.length,
      });
    const folder = this.folder(session.owner, session.uploadId);
    return Readable.from(
      (async function* () {
        for (let index = 0; index < count; index += 1)
          for await (const chunk of createReadStream(path.join(folder, `part-${index}`)))
            yield chunk as Buffer;
      })(),
    );
  }

  /**
   * A new status. A new refusal replaces the previous attempt's code and issues; a stored upload keeps no old
   * refusal.
   */
  async mark(
    session: UploadSession,
    status: UploadStatus,
    outcome: { result?: unknown; error?: string; issues?: readonly UploadIssue[] } = {},
  ): Promise<UploadSession> {
    const { error, issues, ...rest } = session;
    const refusal = {
      ...(error === undefined ? {} : { error }),
      ...(issues === undefined ? {} : { issues }),
    };
    const kept = status === 'stored' || outcome.error !== undefined ? rest : { ...rest, ...refusal };
    return this.save({ ...kept, ...outcome, status, updatedAt: this.now().toISOString() });
  }

  /** Drops the parts of a finished upload, keeping its history entry. */
  async discardParts(session: UploadSession): Promise<void> {
    const folder = this.folder(session.owner, session.uploadId);
    for (const name of await readdir(folder))
      if (name.startsWith('part-') || name === 'attachment.json')
        await rm(path.join(folder, name), { force: true });
  }

  /** The centre's uploads, newest first. */
  async history(owner: UploadOwner, limit = 100): Promise<UploadSession[]> {
    let names: string[];
    try {
      names = await readdir(this.ownerFolder(owner));
    } catch {
      return [];
    }
    const sessions: UploadSession[] = [];
    for (const name of names) {
      try {
        sessions.push(await this.get(name, owner));
      } catch {
        // a folder being created
      }
    }
    return sessions.sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, limit);
  }

  async ensure(): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    await stat(this.directory);
  }
}
