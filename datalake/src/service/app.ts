/**
 * The data lake's internal HTTP API (Express 5). Every route is behind the service credential;
 * the user the gateway acts for arrives in the Custodia-Actor-* headers. Errors leave as problem+json.
 */
import express from 'express';
import type { Request, Response } from 'express';
import { Readable } from 'node:stream';
import type { Bundle } from '@medplum/fhirtypes';
import type { Logger } from 'pino';
import { CONTRIBUTION_RECORD_PREFIX, FORMATS } from '@custodia/chaincode';
import { verifyLink } from '../assembly/links';
import type { TemporaryRecords } from '../assembly/open';
import { DatalakeError } from '../errors';
import { validateFhir } from '../ingest/fhir-validation';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from '../json/depth';
import { parseBoundedJson } from '../json/parse';
import type { IngestJobs } from '../ingest/ingest-jobs';
import { checkSubjectBinding } from '../ingest/subject-binding';
import { sourceToken } from '../ingest/ingest-service';
import type { IngestService, UploadContext } from '../ingest/ingest-service';
import type { KeyedHash } from '../crypto/keyed-hash';
import type { OrganisationCountries } from '../residency/organisations';
import type { ResidencyReport } from '../residency/report';
import { readableOutgoing } from '../stream/outgoing';
import type { Outgoing } from '../stream/outgoing';
import { jobView } from '../zones/job-documents';
import type { JobDocument } from '../zones/job-documents';
import { requireErasureOnLedger } from '../ledger/erasure-record';
import type { LedgerActor, LedgerPort } from '../ledger/port';
import type { Erasure } from '../zones/erasure';
import type { DeliveryManifests } from '../zones/manifests';
import type { PatientIdentifications } from '../zones/identification';
import type { PatientDirectory } from '../zones/structured';
import { actorOf, pathId } from './actor';
import { requireServiceCredential } from './credential';
import { decodeDocumentReference, DOCUMENT_REFERENCE_HEADER } from './document-header';
import { decodeIdentification } from './identification';
import { readDocumentUpload } from './multipart';
import { errorHandler } from './problem';

export interface AppDeps {
  readonly serviceToken: string;
  readonly maxJsonBytes: number;
  readonly maxBinaryBytes: number;
  /** A Bundle with more entries than this is ingested as an asynchronous job. */
  readonly syncBundleEntries: number;
  readonly ingest: IngestService;
  readonly jobs: IngestJobs;
  readonly patients: PatientDirectory;
  /** The patients' identification sets, as their home organisations give them. */
  readonly identifications: PatientIdentifications;
  readonly erasure: Erasure;
  readonly manifests: DeliveryManifests;
  readonly ledger: LedgerPort;
  /** Each organisation's country: where its uploads and its patients' registrations are kept. */
  readonly organisations: OrganisationCountries;
  /** The lake's keyed hashes (source ids are kept only so). */
  readonly tokens: KeyedHash;
  /** The residency check (auditors). */
  readonly residency: () => Promise<ResidencyReport>;
  /** Resolves when the storage answers (health check); throws STORAGE_UNAVAILABLE otherwise. */
  readonly probeStorage: () => Promise<void>;
  /** Absent when the lake has no ledger identity of its own: the grant routes answer 404. */
  readonly records?: TemporaryRecords;
  /** The lake's own ledger identity, which reads record registrations (absent: no contributions are taken). */
  readonly serviceActor?: LedgerActor;
  /** HMAC secret of binary links (the one assembly signs with). */
  readonly linkSecret?: Buffer;
  readonly logger: Logger;
  readonly now: () => Date;
}

const FHIR_JSON = ['application/fhir+json', 'application/json'];
/** The SHA-256 of the delivery manifest (what the ledger's delivery holds) of a record or manifest answer. */
export const MANIFEST_HASH_HEADER = 'custodia-manifest-hash';
/** A registration's body: the identification set (a few names, a date, a few identifiers). */
const MAX_REGISTRATION_BYTES = 16 * 1024;
const SOURCE_ID = /^[A-Za-z0-9][A-Za-z0-9._:/#@-]{0,199}$/;

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requireServiceCredential(deps.serviceToken));

  /** Up and able to reach its storage (the gateway's readiness check). */
  app.get('/v1/health', async (_req, res) => {
    await deps.probeStorage();
    res.json({ status: 'ok' });
  });

  /**
   * The gateway registers a patient when they enrol; records are accepted for registered patients only. The
   * patient's home country — where their temporary records are assembled — is the registering organisation's.
   */
  app.put('/v1/patients/:patientId', express.json({ limit: MAX_REGISTRATION_BYTES }), async (req, res) => {
    const patientId = pathId(req.params.patientId, 'patientId');
    const actor = actorOf(req, ['admin', 'patient']);
    if (actor.role === 'patient' && actor.id !== patientId)
      throw new DatalakeError('FORBIDDEN', 'not this patient');
    if (
      req.headers['content-length'] !== undefined &&
      req.headers['content-length'] !== '0' &&
      !req.is('json')
    )
      throw new DatalakeError('UNSUPPORTED_MEDIA_TYPE', 'send the registration as application/json');
    const body = (req.body ?? {}) as { identification?: unknown };
    const identification =
      body.identification === undefined ? undefined : decodeIdentification(body.identification, deps.now());
    // Who the patient is comes from their home organisation's administrator, never from anyone else.
    if (identification !== undefined && actor.role !== 'admin')
      throw new DatalakeError('FORBIDDEN', 'the identification set is given by the home organisation');
    const country = await deps.organisations.countryOf(actor.mspId);
    await deps.patients.register(patientId, country, deps.now());
    if (identification !== undefined) {
      const home = await deps.patients.home(patientId);
      if (home.country !== country)
        throw new DatalakeError('FORBIDDEN', 'not the patient’s home organisation');
      await deps.identifications.put(home, patientId, actor.mspId, identification);
    }
    res.status(204).end();
  });

  /**
   * A FHIR resource or Bundle. Up to `maxJsonBytes` and `syncBundleEntries` entries it is stored before the
   * answer (201/200); a larger Bundle is sealed as it arrives and answered 202 with its job's status URL.
   */
  app.post('/v1/patients/:patientId/records', async (req, res) => {
    if (!req.is(FHIR_JSON)) throw new DatalakeError('UNSUPPORTED_MEDIA_TYPE', 'send application/fhir+json');
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding !== 'identity')
      throw new DatalakeError('UNSUPPORTED_MEDIA_TYPE', 'send the body without content encoding');
    const context = await uploadContext(req, deps);
    const head = await readHead(req, deps.maxJsonBytes);
    if (head.rest !== undefined) {
      // A refusal leaves the rest of the body unread: the connection must not be reused after this answer.
      res.setHeader('connection', 'close');
      // What the first bytes already show is refused at once: too deep a nesting, a non-object.
      if (jsonDepthExceeds(head.bytes))
        throw new DatalakeError('INVALID_INPUT', `body nests deeper than ${MAX_JSON_DEPTH} levels`, {
          maxDepth: MAX_JSON_DEPTH,
        });
      if (!/^\s*\{/.test(head.bytes.subarray(0, 64).toString('utf8')))
        throw new DatalakeError('NOT_FHIR', 'body is not a FHIR resource (a JSON object with resourceType)');
      // Only a Bundle is read entry by entry; a single resource over the limit is refused at once.
      if (declaredType(head.bytes) !== 'Bundle' && declaredType(head.bytes) !== undefined)
        throw new DatalakeError('PAYLOAD_TOO_LARGE', 'JSON body exceeds the size limit', {
          maxBytes: deps.maxJsonBytes,
        });
      return accepted(res, await deps.jobs.submit(context, head.bytes, head.rest));
    }
    const resource = validateFhir(parseBoundedJson(head.bytes, 'body'));
    if (
      resource.resourceType === 'Bundle' &&
      ((resource as Bundle).entry ?? []).length > deps.syncBundleEntries
    ) {
      // Already parsed: another patient's entry is refused now rather than by the job.
      checkSubjectBinding(resource, context.patientId);
      return accepted(res, await deps.jobs.submit(context, head.bytes, undefined));
    }
    const result = await deps.ingest.ingestFhir(context, resource);
    const created = result.records.some((record) => record.outcome === 'created');
    res.status(created ? 201 : 200).json(result);
  });

  /** An upload job's status, for the centre that sent the upload. */
  app.get('/v1/jobs/:jobId', async (req, res) => {
    const jobId = pathId(req.params.jobId, 'jobId');
    const actor = actorOf(req, ['centre']);
    const country = await deps.organisations.countryOf(actor.mspId);
    res.setHeader('cache-control', 'no-store').json(jobView(await deps.jobs.get(jobId, actor, country)));
  });

  /** Resumes an interrupted upload job from the copy the lake kept, for the centre that sent the upload. */
  app.post('/v1/jobs/:jobId/resume', async (req, res) => {
    const jobId = pathId(req.params.jobId, 'jobId');
    const actor = actorOf(req, ['centre']);
    const country = await deps.organisations.countryOf(actor.mspId);
    const job = await deps.jobs.get(jobId, actor, country);
    await deps.patients.require(job.patientId);
    accepted(res, await deps.jobs.resume(jobId, { ...actor, country }));
  });

  /**
   * The residency check, for auditors: per storage location, the countries of the data it holds (read from what
   * is there, every document authenticated). The auditor's own enrolment is not asked here: the gateway's route
   * is the auditor's (with MFA), and the answer holds counts and countries only.
   */
  app.get('/v1/residency', async (req, res) => {
    actorOf(req, ['auditor']);
    res.setHeader('cache-control', 'no-store').json(await deps.residency());
  });

  /**
   * A contribution the patient approved: its content is stored as a record of the patient under the record id
   * its approval registered on-chain (read with the lake's own identity), and only if it is exactly the content
   * that registration's hash names. The patient hands it over; the record appears in the next assembly.
   */
  app.put(
    '/v1/patients/:patientId/contributions/:recordId',
    express.raw({ limit: deps.maxJsonBytes, type: FHIR_JSON }),
    async (req, res) => {
      const patientId = pathId(req.params.patientId, 'patientId');
      const recordId = pathId(req.params.recordId, 'recordId');
      const actor = actorOf(req, ['patient']);
      if (actor.id !== patientId) throw new DatalakeError('FORBIDDEN', 'not this patient');
      if (!Buffer.isBuffer(req.body))
        throw new DatalakeError('UNSUPPORTED_MEDIA_TYPE', 'send application/fhir+json');
      if (deps.serviceActor === undefined || !recordId.startsWith(CONTRIBUTION_RECORD_PREFIX))
        throw new DatalakeError('NOT_FOUND', 'no such contribution record');
      await deps.patients.require(patientId);
      const registration = await deps.ledger.getRecordMeta(deps.serviceActor, recordId);
      if (registration === undefined || registration.patientId !== patientId)
        throw new DatalakeError('NOT_FOUND', 'no such contribution record');
      const record = await deps.ingest.ingestContribution(registration, req.body);
      res.status(record.outcome === 'created' ? 201 : 200).json({ records: [record], skipped: [] });
    },
  );

  app.post('/v1/patients/:patientId/documents', async (req, res) => {
    const context = await uploadContext(req, deps);
    const ingest = (documentReference: unknown, content: Readable, contentType: string) =>
      deps.ingest.ingestBinary(
        context,
        validateFhir(documentReference),
        content,
        contentType,
        deps.maxBinaryBytes,
      );
    const header = req.headers[DOCUMENT_REFERENCE_HEADER];
    const record =
      typeof header === 'string'
        ? await ingest(
            decodeDocumentReference(header),
            req,
            req.headers['content-type']?.split(';')[0]?.trim() || 'application/octet-stream',
          )
        : await readDocumentUpload(req, ingest);
    res.status(record.outcome === 'created' ? 201 : 200).json({ records: [record], skipped: [] });
  });

  app.delete('/v1/patients/:patientId', async (req, res) => {
    const patientId = pathId(req.params.patientId, 'patientId');
    const actor = actorOf(req, ['admin', 'patient']);
    if (actor.role === 'patient' && actor.id !== patientId)
      throw new DatalakeError('FORBIDDEN', 'not this patient');
    // Erasing again finishes an erasure a stop interrupted; a patient never registered is not found.
    if (!(await deps.patients.isErased(patientId))) await deps.patients.require(patientId);
    await requireErasureOnLedger(deps.ledger, deps.serviceActor, patientId);
    res.json(await deps.erasure.erasePatient(patientId));
  });

  /** The patient's own record (IPS Bundle), for the patient alone, by their certificate; never stored. */
  app.get('/v1/patients/:patientId/summary', async (req, res) => {
    const patientId = pathId(req.params.patientId, 'patientId');
    const actor = actorOf(req, ['patient']);
    if (deps.records === undefined) throw new DatalakeError('NOT_FOUND', 'assembly is not configured');
    const bundle = await deps.records.ownRecord(patientId, actor);
    res.status(200).type('application/fhir+json').setHeader('cache-control', 'no-store');
    res.send(JSON.stringify(bundle));
  });

  /**
   * The temporary record of the caller's grant, in one call: the grant read and checked once on the ledger, the
   * stored record streamed out — assembled first (and its delivery logged) when there is none yet.
   */
  app.get('/v1/grants/:grantId/record', async (req, res) => {
    const grantId = pathId(req.params.grantId, 'grantId');
    const actor = actorOf(req, ['clinician']);
    if (deps.records === undefined)
      throw new DatalakeError('NOT_FOUND', 'no temporary record for this grant');
    const record = await deps.records.open(grantId, actor);
    res
      .status(200)
      .type(record.contentType)
      .setHeader('cache-control', 'no-store')
      .setHeader(MANIFEST_HASH_HEADER, record.manifestHash);
    await streamOut(readableOutgoing(record.body), res);
  });

  /** Assembles the record of the caller's active grant anew (replacing a stored one); answers its manifest. */
  app.post('/v1/grants/:grantId/assembly', async (req, res) => {
    const grantId = pathId(req.params.grantId, 'grantId');
    const actor = actorOf(req, ['clinician']);
    if (deps.records === undefined) throw new DatalakeError('NOT_FOUND', 'assembly is not configured');
    res.status(201).json(await deps.records.assemble(grantId, actor));
  });

  /** A binary of the temporary record, through the short-lived signed link in its DocumentReference. */
  app.get('/v1/grants/:grantId/binaries/:recordId', async (req, res) => {
    const grantId = pathId(req.params.grantId, 'grantId');
    const recordId = pathId(req.params.recordId, 'recordId');
    const actor = actorOf(req, ['clinician']);
    const { expires, sig } = req.query;
    if (
      deps.records === undefined ||
      deps.linkSecret === undefined ||
      typeof expires !== 'string' ||
      typeof sig !== 'string' ||
      !verifyLink(deps.linkSecret, { grantId, recordId }, expires, sig, deps.now())
    )
      throw new DatalakeError('NOT_FOUND', 'no such binary link, or it has expired');
    const { contentType, size, body } = await deps.records.openBinary(grantId, recordId, actor);
    res.status(200).type(contentType).setHeader('cache-control', 'no-store');
    // A stream that fails midway is cut short of this length: the client sees the failure, never a short file.
    res.setHeader('content-length', String(size));
    await streamOut(body, res);
  });

  /**
   * For auditors: the stored manifest of a grant's delivery, as the exact bytes whose SHA-256 the ledger's
   * delivery entry holds (the latest assembly, or `?manifestHash=` for a given one). The grant is read with the
   * auditor's own enrolment first, so the chaincode — not a header — decides that the caller may audit it.
   */
  app.get('/v1/grants/:grantId/manifest', async (req, res) => {
    const grantId = pathId(req.params.grantId, 'grantId');
    const actor = actorOf(req, ['auditor']);
    const { manifestHash } = req.query;
    if (
      manifestHash !== undefined &&
      (typeof manifestHash !== 'string' || !FORMATS.sha256Hex.test(manifestHash))
    )
      throw new DatalakeError('INVALID_INPUT', 'manifestHash must be a lowercase hex SHA-256');
    if ((await deps.ledger.getGrant(actor, grantId)) === undefined)
      throw new DatalakeError('GRANT_NOT_FOUND', 'no such grant');
    const stored = await deps.manifests.get(grantId, manifestHash);
    res
      .status(200)
      .type('application/json')
      .setHeader(MANIFEST_HASH_HEADER, stored.manifestHash)
      .setHeader('cache-control', 'no-store')
      .send(stored.bytes);
  });

  app.use((_req, _res, next) => next(new DatalakeError('NOT_FOUND', 'no such route')));
  app.use(errorHandler(deps.logger));
  return app;
}

async function uploadContext(req: Request, deps: AppDeps): Promise<UploadContext> {
  const patientId = pathId(req.params.patientId, 'patientId');
  const actor = actorOf(req, ['centre']);
  const sourceId = req.query.sourceId;
  if (typeof sourceId !== 'string' || !SOURCE_ID.test(sourceId)) {
    throw new DatalakeError(
      'INVALID_INPUT',
      'sourceId query parameter is required (the source system document id)',
    );
  }
  // Where the upload is stored: the organisation's country from the registry, never the certificate's claim.
  const country = await deps.organisations.countryOf(actor.mspId);
  await deps.patients.require(patientId);
  // From here on the lake holds the source id only as a keyed hash (a file name may name the patient).
  return {
    actor: { ...actor, country },
    patientId,
    sourceToken: sourceToken(deps.tokens, actor.mspId, sourceId),
  };
}

/**
 * Sends a body to the response. A failure before the first byte is answered as a problem (the error handler; with
 * 1 MiB chunks a small object's only chunk fails before anything is sent); a failure mid-stream aborts the response,
 * never truncates it silently (the error handler destroys a response whose head is sent). A response that closes
 * (the client went away) stops the body's source.
 */
function streamOut(body: Outgoing, res: Response): Promise<void> {
  // The caller went away while the answer was being prepared (an abandoned open): nothing to send.
  if (res.destroyed) {
    body.cancel();
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    res.on('close', () => {
      body.cancel();
      resolve();
    });
    body.writeTo(res).catch(reject);
  });
}

/**
 * Reads the body up to `limit` bytes. `rest` is set when there is more: the stream of what follows (the part
 * already read is `bytes`), for a job to seal as it arrives.
 */
async function readHead(req: Request, limit: number): Promise<{ bytes: Buffer; rest?: Readable }> {
  const iterator = (req as Readable)[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const parts: Buffer[] = [];
  let size = 0;
  const read = async () => {
    try {
      return await iterator.next();
    } catch (error) {
      throw new DatalakeError('INVALID_INPUT', 'request aborted', {}, error);
    }
  };
  for (let next = await read(); !next.done; next = await read()) {
    parts.push(next.value);
    size += next.value.length;
    if (size > limit)
      return {
        bytes: Buffer.concat(parts, size),
        rest: Readable.from({ [Symbol.asyncIterator]: () => iterator }),
      };
  }
  return { bytes: Buffer.concat(parts, size) };
}

/** The top-level `resourceType` when it appears (as it does first in FHIR JSON) in the bytes read so far. */
function declaredType(bytes: Buffer): string | undefined {
  const match = /^\s*\{\s*"resourceType"\s*:\s*"([A-Za-z]{1,64})"/.exec(
    bytes.subarray(0, 256).toString('utf8'),
  );
  return match?.[1];
}

function accepted(res: Response, doc: JobDocument): void {
  res
    .status(202)
    .location(`/v1/jobs/${doc.jobId}`)
    .json({ job: jobView(doc) });
}
