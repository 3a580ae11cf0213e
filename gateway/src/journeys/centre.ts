/**
 * The medical centre's journey: FHIR uploads (streamed to the data lake) and resumable uploads of large
 * binaries with their DocumentReference, plus the centre's upload history. An upload a stop cut short shows as
 * `interrupted` and resumes: a binary from the parts already sent, a large FHIR Bundle from the copy the lake kept.
 */
import { Type } from '@sinclair/typebox';
import { isUploadJob } from '@custodia/datalake';
import { API_BASE, defineRoute } from '../http/route';
import type { RouteDef } from '../http/route';
import { GatewayError } from '../errors';
import { uploadFailure } from '../uploads/upload-failure';
import type { UploadOwner, UploadSession, UploadStore } from '../uploads/upload-store';
import { jobIdOf, partCount } from '../uploads/upload-store';
import { actorOf, caller, lake, refuseErased } from './context';
import type { JourneyDeps } from './context';
import { Paging, PatientId } from './schemas';

const TAG = 'centre';
const SourceId = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._:/#@-]*$',
  maxLength: 200,
  description: 'the centre’s own id of the record (uploads are idempotent on it)',
});
const FHIR_TYPES = ['application/fhir+json', 'application/json'];
const UploadParams = Type.Object(
  { uploadId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

function ownerOf(user: { mspId: string; ledgerId: string }): UploadOwner {
  return { mspId: user.mspId, ledgerId: user.ledgerId };
}

/** What the portal needs to resume: which parts are in, how many there are. */
function progress(
  session: UploadSession,
): UploadSession & { readonly partCount: number; readonly receivedBytes: number } {
  const count = partCount(session);
  const receivedBytes = session.parts.reduce(
    (sum, index) =>
      sum + (index < count - 1 ? session.partBytes : session.size - session.partBytes * (count - 1)),
    0,
  );
  return { ...session, partCount: count, receivedBytes };
}

/** The lake's job behind a FHIR upload still being stored, if any. */
function jobOf(session: UploadSession): string | undefined {
  if (session.kind !== 'fhir' || session.status !== 'storing') return undefined;
  return jobIdOf(session);
}

export function centreRoutes(deps: JourneyDeps & { readonly uploads: UploadStore }): RouteDef[] {
  const { uploads } = deps;

  /**
   * An upload's progress; for a FHIR upload the lake is storing in the background, with its job's, and settled as
   * stored or failed once the job is over.
   */
  const followJob = async (session: UploadSession, user: ReturnType<typeof caller>) => {
    const jobId = jobOf(session);
    if (jobId === undefined) return progress(session);
    const job = await lake(deps).getJob(actorOf(user), jobId);
    const settled =
      job.status === 'completed'
        ? await uploads.mark(session, 'stored', { result: { jobId, ...job.result } })
        : job.status === 'failed'
          ? await uploads.mark(session, 'failed', { error: job.error?.code ?? 'INTERNAL' })
          : job.status === 'interrupted'
            ? await uploads.mark(session, 'interrupted', { error: job.error?.code ?? 'INTERRUPTED' })
            : session;
    return { ...progress(settled), job };
  };
  /** Streams a binary upload's parts to the lake (hash, encrypt, register); parts are kept until it is stored. */
  const complete = async (session: UploadSession, user: ReturnType<typeof caller>) => {
    if (session.status === 'stored') return progress(session);
    await refuseErased(deps, session.patientId);
    const attachment = await uploads.attachment(session);
    const content = await uploads.content(session);
    const storing = await uploads.mark(session, 'storing');
    try {
      const result = await lake(deps).uploadDocument(
        actorOf(user),
        session.patientId,
        session.sourceId,
        attachment.documentReference,
        content,
        attachment.fileName,
        session.contentType,
      );
      const stored = await uploads.mark(storing, 'stored', { result });
      await uploads.discardParts(stored);
      return progress(stored);
    } catch (error) {
      // Parts are kept: completing again retries (the lake is idempotent on source id + content).
      await uploads.mark(storing, 'receiving', uploadFailure(error));
      throw error;
    }
  };
  return [
    defineRoute({
      method: 'post',
      path: '/patients/:patientId/records',
      summary:
        'Upload FHIR R4 JSON (a resource or a Bundle), streamed to the data lake; a large Bundle answers 202 and is stored in the background (follow the upload at its status URL)',
      tag: TAG,
      status: 201,
      accepted:
        'a large Bundle: stored in the background; `statusUrl` (also `Location`) is this upload, which follows the data lake’s job to its counts',
      body: 'raw',
      contentTypes: FHIR_TYPES,
      schemas: {
        params: Type.Object({ patientId: PatientId }, { additionalProperties: false }),
        query: Type.Object({ sourceId: SourceId }, { additionalProperties: false }),
      },
      handler: async (input) => {
        const user = caller(input);
        await refuseErased(deps, input.params.patientId);
        const type = (input.req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
        const session = await uploads.create({
          kind: 'fhir',
          owner: ownerOf(user),
          patientId: input.params.patientId,
          sourceId: input.query.sourceId,
          contentType: type,
          size: Number(input.req.headers['content-length'] ?? 0),
        });
        try {
          const answer = await lake(deps).uploadRecords(
            actorOf(user),
            input.params.patientId,
            input.query.sourceId,
            input.req,
            type,
          );
          if (isUploadJob(answer)) {
            // The lake took the Bundle as a job: the centre follows it at this upload's status URL.
            await uploads.mark(session, 'storing', { result: { jobId: answer.job.jobId } });
            const statusUrl = `${API_BASE}/uploads/${session.uploadId}`;
            input.res
              .status(202)
              .location(statusUrl)
              .json({ uploadId: session.uploadId, status: 'storing', statusUrl, job: answer.job });
            return undefined;
          }
          await uploads.mark(session, 'stored', { result: answer });
          return { uploadId: session.uploadId, result: answer };
        } catch (error) {
          await uploads.mark(session, 'failed', uploadFailure(error));
          throw error;
        }
      },
    }),
    defineRoute({
      method: 'post',
      path: '/uploads',
      summary: 'Announce a large binary (PDF, image, DICOM…) and its DocumentReference; then send its parts',
      tag: TAG,
      status: 201,
      schemas: {
        body: Type.Object(
          {
            patientId: PatientId,
            sourceId: SourceId,
            fileName: Type.String({ minLength: 1, maxLength: 255 }),
            contentType: Type.String({ pattern: '^[a-z]+/[A-Za-z0-9.+-]+$', maxLength: 100 }),
            size: Type.Integer({ minimum: 1, maximum: 20 * 1024 ** 3 }),
            documentReference: Type.Object({ resourceType: Type.Literal('DocumentReference') }),
          },
          { additionalProperties: false },
        ),
      },
      handler: async (input) => {
        const user = caller(input);
        await refuseErased(deps, input.body.patientId);
        const session = await uploads.create({
          kind: 'document',
          owner: ownerOf(user),
          patientId: input.body.patientId,
          sourceId: input.body.sourceId,
          contentType: input.body.contentType,
          size: input.body.size,
        });
        await uploads.attach(session, {
          fileName: input.body.fileName,
          documentReference: input.body.documentReference,
        });
        return progress(session);
      },
    }),
    defineRoute({
      method: 'put',
      path: '/uploads/:uploadId/parts/:index',
      summary: 'Send one part (retry freely; every part but the last has the announced part size)',
      tag: TAG,
      body: 'raw',
      contentTypes: ['application/octet-stream'],
      schemas: {
        params: Type.Object(
          {
            uploadId: Type.String({ format: 'uuid' }),
            index: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
          },
          { additionalProperties: false },
        ),
      },
      handler: async (input) => {
        const owner = ownerOf(caller(input));
        await refuseErased(deps, (await uploads.get(input.params.uploadId, owner)).patientId);
        return progress(await uploads.putPart(input.params.uploadId, owner, input.params.index, input.req));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/uploads/:uploadId',
      summary: 'An upload’s progress and status',
      tag: TAG,
      schemas: { params: UploadParams },
      handler: async (input) => {
        const user = caller(input);
        return followJob(await uploads.get(input.params.uploadId, ownerOf(user)), user);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/uploads/:uploadId/complete',
      summary: 'All parts are in: stream them to the data lake (hash, encrypt, register on the ledger)',
      tag: TAG,
      schemas: { params: UploadParams },
      handler: async (input) => {
        const user = caller(input);
        return complete(await uploads.get(input.params.uploadId, ownerOf(user)), user);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/uploads/:uploadId/resume',
      summary:
        'Resume an interrupted upload: a binary from the parts already sent, a large FHIR Bundle from the copy the data lake kept',
      tag: TAG,
      schemas: { params: UploadParams },
      handler: async (input) => {
        const user = caller(input);
        const session = await uploads.get(input.params.uploadId, ownerOf(user));
        if (session.status !== 'interrupted')
          throw new GatewayError(
            'CONFLICT',
            `this upload is ${session.status}; only an interrupted one resumes`,
          );
        if (session.kind === 'document') return complete(session, user);
        const jobId = jobIdOf(session);
        if (jobId === undefined)
          throw new GatewayError('CONFLICT', 'this upload never reached the data lake; send it again');
        const job = await lake(deps).resumeJob(actorOf(user), jobId);
        return { ...progress(await uploads.mark(session, 'storing', { result: { jobId } })), job };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/uploads',
      summary:
        'The centre’s uploads, newest first, a page at a time (uploads older than the retention are pruned)',
      tag: TAG,
      schemas: { query: Paging },
      handler: async (input) => {
        const user = caller(input);
        const page = await uploads.history(ownerOf(user), input.query);
        // FHIR uploads still being stored are brought up to date from their jobs (a few at most).
        return {
          items: await Promise.all(page.items.map((session) => followJob(session, user))),
          bookmark: page.bookmark,
        };
      },
    }),
  ];
}
