/**
 * Resumable, progress-friendly uploads of large binaries: the centre announces the file, sends numbered
 * parts (each can be retried), then completes; the parts are streamed in order to the data lake, which
 * hashes and encrypts them on the fly. The same store keeps each centre's upload history: an empty marker per
 * upload named by its creation time, so a page of the history, newest first, reads the markers' names and only that
 * page's sessions; uploads older than the retention are pruned by the same names.
 *
 * Nothing is kept in clear: every part is sealed as it arrives (the data lake's sealed-object format, AES-256-GCM in
 * chunks, under a key derived from the gateway's secret key for that upload and bound to the part's index), and
 * the session (source id, patient, the lake's answer) and the attachment (file name, DocumentReference) are sealed
 * under the gateway's secret key, bound to the upload — files 0600 in folders 0700. Parts live only until the upload
 * completes; an upload nobody finishes is removed `ttlMs` after its last activity (`sweep`, at start and
 * periodically). Sessions a stop interrupted are marked `interrupted` at start (`recover`), and resume.
 *
 * Parts are sealed here rather than streamed straight into the lake's multipart upload because they arrive in any
 * order, may be re-sent, and are checked for their announced size before anything reaches the lake: the lake only
 * ever sees one complete, ordered stream, so what it registers on the ledger is exactly what was announced.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { OpenStream, SealStream } from '@custodia/datalake';
import type { Sealed } from '@custodia/ledger';
import { GatewayError } from '../errors';
import type { SecretBox } from '../identity';
import type { UploadIssue } from './upload-failure';

export type UploadStatus = 'receiving' | 'storing' | 'stored' | 'failed' | 'interrupted';

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

export interface UploadStoreOptions {
  readonly directory: string;
  readonly partBytes: number;
  /** Seals sessions and attachments, and gives each upload the key its parts are sealed with. */
  readonly box: SecretBox;
  /** An unfinished upload is removed this long after its last activity. */
  readonly ttlMs: number;
  readonly now?: () => Date;
}

/** What a swept or recovered store did. */
export interface UploadHousekeeping {
  readonly removed: number;
  readonly interrupted: number;
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

/** A page of a centre's uploads, newest first; an empty bookmark means no further page. */
export interface UploadPage {
  readonly items: UploadSession[];
  readonly bookmark: string;
}

const HISTORY = 'history';
/** `<creation time, ms, 13 digits>-<upload id>`: names sort by time. */
const MARKER = /^(\d{13})-([0-9a-f-]{36})$/;

function markerOf(session: Pick<UploadSession, 'createdAt' | 'uploadId'>): string {
  return `${String(Date.parse(session.createdAt)).padStart(13, '0')}-${session.uploadId}`;
}

const SESSION = 'custodia-upload-session/1';
const ATTACHMENT = 'custodia-upload-attachment/1';
const PARTS = 'custodia-upload-parts/1';
/** Statuses of an upload still waiting for its centre: removed once their time is up. */
const UNFINISHED: readonly UploadStatus[] = ['receiving', 'interrupted'];

export class UploadStore {
  private readonly now: () => Date;

  constructor(private readonly options: UploadStoreOptions) {
    this.now = options.now ?? (() => new Date());
  }

  private get directory(): string {
    return this.options.directory;
  }

  /** Each centre's uploads in a folder of its own: listing a history reads that centre's uploads only. */
  private ownerFolder(owner: UploadOwner): string {
    return path.join(this.directory, ownerName(owner));
  }

  private folder(owner: UploadOwner, uploadId: string): string {
    return path.join(this.ownerFolder(owner), uploadId);
  }

  private historyFolder(ownerFolder: string): string {
    return path.join(ownerFolder, HISTORY);
  }

  private async save(session: UploadSession): Promise<UploadSession> {
    const file = path.join(this.folder(session.owner, session.uploadId), 'session.json');
    const sealed = this.options.box.seal(JSON.stringify(session), [
      SESSION,
      ownerName(session.owner),
      session.uploadId,
    ]);
    await writeFile(`${file}.tmp`, JSON.stringify(sealed), { mode: 0o600 });
    await rename(`${file}.tmp`, file);
    return session;
  }

  async create(spec: NewUpload): Promise<UploadSession> {
    const at = this.now().toISOString();
    const session: UploadSession = {
      ...spec,
      uploadId: randomUUID(),
      partBytes: this.options.partBytes,
      parts: [],
      status: 'receiving',
      createdAt: at,
      updatedAt: at,
    };
    await mkdir(this.folder(session.owner, session.uploadId), { recursive: true, mode: 0o700 });
    const saved = await this.save(session);
    const history = this.historyFolder(this.ownerFolder(session.owner));
    await mkdir(history, { recursive: true, mode: 0o700 });
    await writeFile(path.join(history, markerOf(session)), '', { mode: 0o600 });
    return saved;
  }

  /** The session, only for the centre that opened it (others: not found, so ids cannot be probed). */
  async get(uploadId: string, owner: UploadOwner): Promise<UploadSession> {
    if (!/^[0-9a-f-]{36}$/.test(uploadId)) throw new GatewayError('NOT_FOUND', 'no such upload');
    const session = await this.read(ownerName(owner), uploadId);
    if (
      session === undefined ||
      session.owner.mspId !== owner.mspId ||
      session.owner.ledgerId !== owner.ledgerId
    )
      throw new GatewayError('NOT_FOUND', 'no such upload');
    return session;
  }

  /** The file name and DocumentReference of a binary upload (sealed apart from the session: they may name people). */
  async attach(session: UploadSession, attachment: Attachment): Promise<void> {
    const sealed = this.options.box.seal(JSON.stringify(attachment), [
      ATTACHMENT,
      ownerName(session.owner),
      session.uploadId,
    ]);
    await writeFile(
      path.join(this.folder(session.owner, session.uploadId), 'attachment.json'),
      JSON.stringify(sealed),
      { mode: 0o600 },
    );
  }

  async attachment(session: UploadSession): Promise<Attachment> {
    try {
      const sealed = JSON.parse(
        await readFile(path.join(this.folder(session.owner, session.uploadId), 'attachment.json'), 'utf8'),
      ) as Sealed;
      return JSON.parse(
        this.options.box.open(sealed, [ATTACHMENT, ownerName(session.owner), session.uploadId]),
      ) as Attachment;
    } catch {
      throw new GatewayError('CONFLICT', 'this upload has no document description');
    }
  }

  /** Writes one part from `body`, sealed; a part sent again replaces the earlier copy. */
  async putPart(uploadId: string, owner: UploadOwner, index: number, body: Readable): Promise<UploadSession> {
    const session = await this.get(uploadId, owner);
    if (!UNFINISHED.includes(session.status))
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
    try {
      await pipeline(
        body,
        counter,
        new SealStream(this.partKey(session), { context: partContext(session, index) }),
        createWriteStream(`${file}.tmp`, { mode: 0o600 }),
      );
    } catch (error) {
      await rm(`${file}.tmp`, { force: true });
      throw error;
    }
    if (received !== expected) {
      await rm(`${file}.tmp`, { force: true });
      throw new GatewayError('VALIDATION_FAILED', `part ${index} must be ${expected} bytes, got ${received}`);
    }
    await rename(`${file}.tmp`, file);
    // Re-read: parts of one upload may arrive concurrently.
    const current = await this.get(uploadId, owner);
    const parts = [...new Set([...current.parts, index])].sort((a, b) => a - b);
    return this.save({ ...current, parts, status: 'receiving', updatedAt: this.now().toISOString() });
  }

  /** The whole content, parts in order and opened, as one stream; refuses while parts are missing. */
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
    const key = this.partKey(session);
    return Readable.from(
      (async function* () {
        for (let index = 0; index < count; index += 1) {
          const opener = new OpenStream(key, { context: partContext(session, index) });
          const source = createReadStream(path.join(folder, `part-${index}`));
          source.on('error', (error) => opener.destroy(error));
          source.pipe(opener);
          for await (const chunk of opener) yield chunk as Buffer;
        }
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

  /**
   * A page of the centre's uploads, newest first, after `bookmark` (the last page's last marker; "" for the first).
   * Reads the history's names and this page's sessions only.
   */
  async history(owner: UploadOwner, page: { pageSize: number; bookmark: string }): Promise<UploadPage> {
    if (page.bookmark !== '' && !MARKER.test(page.bookmark))
      throw new GatewayError('VALIDATION_FAILED', 'bookmark is not one this listing gave');
    const history = this.historyFolder(this.ownerFolder(owner));
    const markers = (await readdir(history).catch(() => [] as string[]))
      .filter((name) => MARKER.test(name) && (page.bookmark === '' || name < page.bookmark))
      .sort()
      .reverse();
    const onPage = markers.slice(0, page.pageSize);
    const read = await Promise.all(
      onPage.map(async (marker) => {
        try {
          return await this.get(MARKER.exec(marker)?.[2] ?? '', owner);
        } catch {
          // Pruned under us, or a crash between removing an upload and its marker: the marker goes too.
          await rm(path.join(history, marker), { force: true });
          return undefined;
        }
      }),
    );
    const items = read.filter((session): session is UploadSession => session !== undefined);
    const more = markers.length > onPage.length;
    return { items, bookmark: more ? (onPage.at(-1) ?? '') : '' };
  }

  /**
   * Removes every upload created before `cutoff` (its parts, description and session), then its history marker;
   * found by the markers' names, without reading sessions. Returns how many were removed.
   */
  async prune(cutoff: Date): Promise<number> {
    let removed = 0;
    for (const ownerFolder of await this.ownerFolders()) {
      const history = this.historyFolder(ownerFolder);
      for (const marker of await readdir(history).catch(() => [] as string[])) {
        const match = MARKER.exec(marker);
        if (match === null || Number(match[1]) >= cutoff.getTime()) continue;
        await rm(path.join(ownerFolder, match[2] ?? ''), { recursive: true, force: true });
        await rm(path.join(history, marker), { force: true });
        removed += 1;
      }
    }
    return removed;
  }

  /**
   * Removes every upload about the patient, of every centre — parts, attachment, session and history entry — (their
   * erasure). Reads every session: erasures are rare, and a session names its patient only inside its seal.
   */
  async removePatient(patientId: string): Promise<number> {
    let removed = 0;
    for (const { folder, session } of await this.all()) {
      if (session?.patientId !== patientId) continue;
      await rm(folder, { recursive: true, force: true });
      await rm(path.join(this.historyFolder(path.dirname(folder)), markerOf(session)), { force: true });
      removed += 1;
    }
    return removed;
  }

  private async ownerFolders(): Promise<string[]> {
    const names = await readdir(this.directory).catch(() => [] as string[]);
    return names.filter((name) => /^[0-9a-f]{32}$/.test(name)).map((name) => path.join(this.directory, name));
  }

  /** Uploads without a history marker (kept by an earlier version, or a crash between session and marker). */
  private async addMissingMarkers(): Promise<void> {
    for (const ownerFolder of await this.ownerFolders()) {
      const history = this.historyFolder(ownerFolder);
      const marked = new Set(
        (await readdir(history).catch(() => [] as string[])).map((name) => MARKER.exec(name)?.[2]),
      );
      for (const name of await readdir(ownerFolder)) {
        if (name === HISTORY || marked.has(name)) continue;
        try {
          const session = await this.read(path.basename(ownerFolder), name);
          if (session === undefined) continue;
          await mkdir(history, { recursive: true, mode: 0o700 });
          await writeFile(path.join(history, markerOf(session)), '', { mode: 0o600 });
        } catch {
          // a folder without a session (a create interrupted before its first save): nothing to list
        }
      }
    }
  }

  async ensure(): Promise<void> {
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    await stat(this.directory);
    await this.addMissingMarkers();
  }

  /**
   * At start: uploads a stop cut short are marked `interrupted` — a binary being sent to the lake (its parts are
   * kept: completing it again resumes), a FHIR upload still being received (its body is gone: the centre sends it
   * again). A FHIR upload the lake took as a job follows the job. Then abandoned uploads are swept.
   */
  async recover(): Promise<UploadHousekeeping> {
    let interrupted = 0;
    for (const { session } of await this.all()) {
      if (session === undefined) continue;
      const cut =
        (session.kind === 'document' && session.status === 'storing') ||
        (session.kind === 'fhir' &&
          (session.status === 'receiving' ||
            (session.status === 'storing' && jobIdOf(session) === undefined)));
      if (!cut) continue;
      await this.mark(session, 'interrupted', { error: 'INTERRUPTED' });
      interrupted += 1;
    }
    return { ...(await this.sweep()), interrupted };
  }

  /** Removes every upload nobody finished within the TTL — parts, attachment and session — and unreadable leftovers. */
  async sweep(): Promise<UploadHousekeeping> {
    const deadline = this.now().getTime() - this.options.ttlMs;
    let removed = 0;
    for (const { folder, session, modified } of await this.all()) {
      const abandoned =
        session === undefined
          ? modified < deadline
          : UNFINISHED.includes(session.status) && Date.parse(session.updatedAt) < deadline;
      if (!abandoned) continue;
      await rm(folder, { recursive: true, force: true });
      removed += 1;
    }
    return { removed, interrupted: 0 };
  }

  /** Every upload folder, with its session when it opens. */
  private async all(): Promise<{ folder: string; session?: UploadSession; modified: number }[]> {
    const found: { folder: string; session?: UploadSession; modified: number }[] = [];
    for (const owner of await readdir(this.directory).catch(() => [])) {
      for (const uploadId of await readdir(path.join(this.directory, owner)).catch(() => [])) {
        if (uploadId === HISTORY) continue;
        const folder = path.join(this.directory, owner, uploadId);
        const modified = (await stat(folder).catch(() => undefined))?.mtimeMs ?? 0;
        const session = await this.read(owner, uploadId).catch(() => undefined);
        found.push({ folder, modified, ...(session === undefined ? {} : { session }) });
      }
    }
    return found;
  }

  private async read(owner: string, uploadId: string): Promise<UploadSession | undefined> {
    let text: string;
    try {
      text = await readFile(path.join(this.directory, owner, uploadId, 'session.json'), 'utf8');
    } catch {
      return undefined;
    }
    try {
      return JSON.parse(
        this.options.box.open(JSON.parse(text) as Sealed, [SESSION, owner, uploadId]),
      ) as UploadSession;
    } catch {
      throw new GatewayError('NOT_FOUND', 'no such upload');
    }
  }

  private partKey(session: UploadSession): Buffer {
    return this.options.box.deriveKey([PARTS, ownerName(session.owner), session.uploadId]);
  }
}

function ownerName(owner: UploadOwner): string {
  return createHash('sha256').update(`${owner.mspId}\u0000${owner.ledgerId}`).digest('hex').slice(0, 32);
}

/** A part is bound to its upload and its place: a part file moved to another index or upload does not open. */
function partContext(session: UploadSession, index: number): string {
  return `${PARTS}\0${session.uploadId}\0${index}`;
}

/** The lake's job behind a FHIR upload, if the lake took it as one. */
export function jobIdOf(session: UploadSession): string | undefined {
  const jobId = (session.result as { jobId?: unknown } | undefined)?.jobId;
  return typeof jobId === 'string' ? jobId : undefined;
}
