/**
 * Clinicians' reasons, off-chain: the text and its salt sealed under the gateway's secret key (bound to the
 * request they belong to), erasable. A reason is first kept under its request — the requester and the client
 * request id, so a retried request finds the same salt and sends the same hash, which the chaincode's idempotency
 * requires — and, once the request is logged, linked to its access-log entry, which is how it is read back. Other
 * words sent under the same request id are kept beside the first (a few at most), never over it: which of them the
 * ledger logged is the one whose hash it holds.
 *
 * A crash between the ledger's commit and the link leaves the entry with its hash and no readable text until the
 * request is retried with the same key (the retry answers the logged entry and links it).
 *
 * Each patient's reasons are listed by name in a folder of their own (`patients/<hash of the pseudonym>/`, empty
 * marker files named after the request and entry files), written before the reason itself, so their erasure finds
 * every one of them without reading anyone else's.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FORMATS } from '@custodia/chaincode';
import type { Sealed } from '@custodia/ledger';
import type { SecretBox } from '../identity';
import { newReasonSalt, reasonHash, reasonMatches } from './reason-hash';

const CONTEXT = 'custodia-reason/1';

/** Who asked, as the chaincode keys client request ids: an id is unique within its organisation and role. */
export interface ReasonOwner {
  readonly mspId: string;
  readonly role: string;
  readonly id: string;
}

/** A reason as the patient and auditors read it, with what lets anyone check it against the ledger. */
export interface ReasonText {
  readonly text: string;
  /** Hex; SHA-256(salt ‖ text) must be the entry's on-chain `reasonHash`. */
  readonly salt: string;
  /** Whether it matches the on-chain hash (the gateway checked). */
  readonly verified: boolean;
}

interface Kept {
  readonly salt: string;
  readonly text: string;
}

const REQUEST_MARKER = 'request-';
const ENTRY_MARKER = 'entry-';

/** Different words one request id may carry before further ones are no longer kept (the ledger logs one). */
const MAX_ATTEMPTS = 4;

export class ReasonStore {
  constructor(
    private readonly directory: string,
    private readonly box: SecretBox,
  ) {}

  /**
   * The hash to record for `text` in request `requestId`: the salt kept for an earlier attempt of the same request
   * with the same words, or a new one (other words under a request id the ledger already logged are refused by the
   * chaincode as CONFLICT).
   */
  async prepare(owner: ReasonOwner, requestId: string, text: string, patientId: string): Promise<string> {
    const key = requestKey(owner, requestId);
    await this.mark(patientId, `${REQUEST_MARKER}${key}`);
    const attempts = await this.readKept(key);
    const earlier = attempts.find((attempt) => attempt.text === text);
    if (earlier !== undefined) return reasonHash(Buffer.from(earlier.salt, 'hex'), text);
    const salt = newReasonSalt();
    if (attempts.length < MAX_ATTEMPTS) {
      const kept = [...attempts, { salt: salt.toString('hex'), text }];
      await this.write(this.requestFile(key), this.box.seal(JSON.stringify(kept), [CONTEXT, key]));
    }
    return reasonHash(salt, text);
  }

  /** Links the request's reason to the access-log entry the ledger logged for it. */
  async link(owner: ReasonOwner, requestId: string, entryId: string, patientId: string): Promise<void> {
    const file = this.entryFile(entryId);
    await this.mark(patientId, `${ENTRY_MARKER}${path.basename(file, '.json')}`);
    await this.write(file, { request: requestKey(owner, requestId) });
  }

  /** The reason of an entry, checked against its on-chain hash; undefined when none is kept (or it was erased). */
  async read(entryId: string, onChainHash: string): Promise<ReasonText | undefined> {
    let link: { request?: unknown };
    try {
      link = JSON.parse(await readFile(this.entryFile(entryId), 'utf8')) as { request?: unknown };
    } catch {
      return undefined;
    }
    if (typeof link.request !== 'string') return undefined;
    const attempts = await this.readKept(link.request);
    const matching = attempts.find((attempt) =>
      reasonMatches(Buffer.from(attempt.salt, 'hex'), attempt.text, onChainHash),
    );
    const shown = matching ?? attempts.at(-1);
    return shown === undefined ? undefined : { ...shown, verified: matching !== undefined };
  }

  /** Access-log entries with the reason each recorded a hash of, where it is kept (the patient's and auditors' views). */
  async withReasons<E extends { readonly entryId: string; readonly reasonHash?: string }>(
    entries: readonly E[],
  ): Promise<(E & { readonly reason?: ReasonText })[]> {
    return Promise.all(
      entries.map(async (entry) => {
        const reason =
          entry.reasonHash === undefined ? undefined : await this.read(entry.entryId, entry.reasonHash);
        return reason === undefined ? entry : { ...entry, reason };
      }),
    );
  }

  /** Erases an entry's reason (text and salt): the on-chain hash can no longer be tied to any words. */
  async erase(entryId: string): Promise<void> {
    let request: unknown;
    try {
      request = (JSON.parse(await readFile(this.entryFile(entryId), 'utf8')) as { request?: unknown })
        .request;
    } catch {
      return;
    }
    if (typeof request === 'string') await rm(this.requestFile(request), { force: true });
    await rm(this.entryFile(entryId), { force: true });
  }

  /**
   * Erases every reason given in a request about the patient (their erasure): texts, salts and links, then the
   * patient's list. Returns how many requests' reasons went.
   */
  async erasePatient(patientId: string): Promise<number> {
    const folder = this.patientFolder(patientId);
    let erased = 0;
    for (const name of await readdir(folder).catch(() => [] as string[])) {
      if (name.startsWith(REQUEST_MARKER) && FORMATS.sha256Hex.test(name.slice(REQUEST_MARKER.length))) {
        await rm(this.requestFile(name.slice(REQUEST_MARKER.length)), { force: true });
        erased += 1;
      } else if (name.startsWith(ENTRY_MARKER) && FORMATS.sha256Hex.test(name.slice(ENTRY_MARKER.length)))
        await rm(path.join(this.directory, 'entries', `${name.slice(ENTRY_MARKER.length)}.json`), {
          force: true,
        });
    }
    await rm(folder, { recursive: true, force: true });
    return erased;
  }

  /** The words kept for a request; none when there are none, or they no longer open under it (moved, altered). */
  private async readKept(key: string): Promise<Kept[]> {
    try {
      const sealed = JSON.parse(await readFile(this.requestFile(key), 'utf8')) as Sealed;
      return JSON.parse(this.box.open(sealed, [CONTEXT, key])) as Kept[];
    } catch {
      return [];
    }
  }

  private patientFolder(patientId: string): string {
    return path.join(this.directory, 'patients', digest(patientId));
  }

  /** Lists a request's or an entry's file under the patient (an empty file: its name is all it says). */
  private async mark(patientId: string, name: string): Promise<void> {
    const folder = this.patientFolder(patientId);
    await mkdir(folder, { recursive: true, mode: 0o700 });
    await writeFile(path.join(folder, name), '', { mode: 0o600 });
  }

  private requestFile(key: string): string {
    return path.join(this.directory, 'requests', `${key}.json`);
  }

  private entryFile(entryId: string): string {
    // Entry ids are transaction ids (hex); anything else is named by its hash, never used as a path.
    return path.join(
      this.directory,
      'entries',
      `${FORMATS.sha256Hex.test(entryId) ? entryId : digest(entryId)}.json`,
    );
  }

  /** Written whole to a temporary file, then renamed: a crash never leaves a torn file. */
  private async write(file: string, value: unknown): Promise<void> {
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await writeFile(`${file}.tmp`, JSON.stringify(value), { mode: 0o600 });
    await rename(`${file}.tmp`, file);
  }
}

function digest(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Names a request without putting ids in file names. */
function requestKey(owner: ReasonOwner, requestId: string): string {
  return digest([owner.mspId, owner.role, owner.id, requestId].join('\u0000'));
}
