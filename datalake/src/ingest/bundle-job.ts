/**
 * A large Bundle, ingested from its sealed copy in three streaming passes, one entry in memory at a time:
 *   1. validate every entry (and the Bundle's own members) and note its Patient entries;
 *   2. check every entry's subject binding and plan it (labels, categories, duplicate ids) — still storing
 *      nothing, so an upload with any invalid or foreign entry leaves nothing behind, as a small one does;
 *   3. store the planned records, a few at a time (the ledger batches their registrations into blocks).
 * A failure in pass 3 (the ledger down) leaves complete records only; sending the Bundle again completes it.
 */
import type { Readable } from 'node:stream';
import type { BundleEntry, Coding } from '@medplum/fhirtypes';
import { DatalakeError, isDatalakeError } from '../errors';
import { bundleParts } from '../json/bundle-stream';
import type { BundleStreamLimits } from '../json/bundle-stream';
import type { JobProgress, JobResult } from '../zones/job-documents';
import type { FhirIssue } from './fhir-issue';
import { ContextSelector } from './context-resources';
import { BundlePlanner } from './fhir-records';
import type { PlannedRecord } from './fhir-records';
import { validateFhir } from './fhir-validation';
import type { IngestedRecord, IngestService, UploadContext } from './ingest-service';
import { SubjectBinding, wrongPatient } from './subject-binding';
import type { SubjectIssue } from './subject-binding';

export interface BundleJobDeps {
  readonly ingest: IngestService;
  readonly limits: BundleStreamLimits;
  readonly now: () => Date;
  /** Records stored at once in pass 3. */
  readonly concurrency: number;
  /** Aborted when the lake stops: the job ends at the next entry. */
  readonly signal: AbortSignal;
  /** Called as the job advances (the caller throttles what it writes). */
  readonly progress: (phase: 'validating' | 'storing', progress: JobProgress) => Promise<void>;
}

const MAX_ISSUES = 20;
const MAX_SKIPPED_LISTED = 100;

export async function runBundleJob(
  context: UploadContext,
  open: () => Promise<Readable>,
  deps: BundleJobDeps,
): Promise<JobResult> {
  const binding = new SubjectBinding(context.patientId);
  const members: Record<string, unknown> = {};
  const issues: FhirIssue[] = [];
  let entries = 0;
  let withRequest = 0;

  // Pass 1: structure and validity of every entry; the Patient entries.
  const patientIssues: SubjectIssue[] = [];
  for await (const part of bundleParts(await open(), deps.limits)) {
    deps.signal.throwIfAborted();
    if (part.kind === 'member') {
      members[part.key] = parse(part.json, issues, `Bundle.${part.key}`);
      continue;
    }
    entries = part.index + 1;
    const entry = parse(part.json, issues, `Bundle.entry[${part.index}]`) as BundleEntry | undefined;
    if (entry?.request !== undefined) withRequest += 1;
    if (entry !== undefined && issues.length < MAX_ISSUES) {
      issues.push(...entryIssues(entry, part.index));
      patientIssues.push(...binding.notePatient(entry, part.index));
    }
    if (entries % 1000 === 0) await deps.progress('validating', { entries, processed: 0 });
  }
  if (members.resourceType !== 'Bundle')
    throw new DatalakeError(
      'PAYLOAD_TOO_LARGE',
      'only a Bundle may exceed the JSON size limit (it is read entry by entry)',
    );
  if (issues.length === 0) issues.push(...shellIssues(members, withRequest, entries));
  if (issues.length > 0)
    throw new DatalakeError('INVALID_INPUT', 'FHIR Bundle failed validation; nothing was stored', {
      issues: issues.slice(0, MAX_ISSUES),
    });
  await deps.progress('validating', { entries, processed: 0 });

  // Pass 2: subject binding and planning, nothing stored.
  const sourceId = context.sourceToken;
  const inherited = ((members.meta as { security?: Coding[] } | undefined)?.security ?? []) as Coding[];
  const dryRun = new BundlePlanner(sourceId, deps.now(), inherited);
  const selector = new ContextSelector(inherited);
  let categorised = 0;
  for await (const { index, entry } of entriesOf(open, deps.limits, deps.signal)) {
    if (patientIssues.length < MAX_ISSUES) patientIssues.push(...binding.entryIssues(entry, index));
    selector.observe(entry);
    const planned = dryRun.plan(entry, index);
    if (planned !== undefined && !('reason' in planned)) categorised += 1;
  }
  if (patientIssues.length > 0) throw wrongPatient(patientIssues);
  if (categorised === 0) throw new DatalakeError('INVALID_INPUT', 'bundle has no entry with an IPS category');

  // Pass 3: store.
  const result = {
    created: 0,
    existing: 0,
    duplicate: 0,
    superseding: 0,
    labelled: 0,
    unrecognisedLabels: 0,
    context: 0,
    skipped: { count: 0, entries: [] as { index: number; resourceType: string; reason: string }[] },
  };
  let processed = 0;
  const count = (record: IngestedRecord) => {
    result[record.outcome] += 1;
    if (record.outcome === 'created' && record.supersedes !== undefined) result.superseding += 1;
    if (record.labels.length > 0) result.labelled += 1;
    if (record.unrecognisedLabels !== undefined) result.unrecognisedLabels += 1;
    processed += 1;
  };
  const planner = new BundlePlanner(sourceId, deps.now(), inherited);
  const store = boundedStore(deps.concurrency);
  try {
    for await (const { index, entry } of entriesOf(open, deps.limits, deps.signal)) {
      const planned = planner.plan(entry, index);
      if (planned === undefined) continue;
      if ('reason' in planned) {
        const kept = selector.keep(entry);
        if (kept !== undefined) {
          await deps.ingest.storeContext(context, kept);
          result.context += 1;
          processed += 1;
          continue;
        }
        result.skipped.count += 1;
        if (result.skipped.entries.length < MAX_SKIPPED_LISTED) result.skipped.entries.push(planned);
        processed += 1;
        continue;
      }
      await store.run(keysOf(planned), async () => count(await deps.ingest.storePlanned(context, planned)));
      await deps.progress('storing', { entries, processed });
    }
  } finally {
    // Nothing keeps running behind the job's end, whatever ended it.
    await store.settle();
  }
  await store.drain();
  return result;
}

/**
 * Validation issues of one entry, with the entry's position in the Bundle. It is validated as the only entry of
 * a batch when it has a request, of a collection otherwise (bdl-3 across entries is checked by `shellIssues`).
 */
function entryIssues(entry: BundleEntry, index: number): FhirIssue[] {
  try {
    validateFhir({
      resourceType: 'Bundle',
      type: entry.request === undefined ? 'collection' : 'batch',
      entry: [entry],
    });
    return [];
  } catch (error) {
    if (!isDatalakeError(error)) throw error;
    const found = (error.details?.issues as FhirIssue[] | undefined) ?? [{ reason: error.message }];
    return found.map((issue) => ({
      ...issue,
      expression: (issue.expression ?? 'Bundle.entry[0]').replace(
        /^Bundle\.entry\[0\]/,
        `Bundle.entry[${index}]`,
      ),
    }));
  }
}

/** The Bundle's own members (type, meta, …) validated without its entries, and bdl-3 over all entries. */
function shellIssues(members: Record<string, unknown>, withRequest: number, entries: number): FhirIssue[] {
  const requests = ['batch', 'transaction', 'history'].includes(String(members.type));
  if (requests ? withRequest < entries : withRequest > 0)
    return [
      {
        expression: 'Bundle.entry',
        reason:
          'Constraint bdl-3 not met: entry.request mandatory for batch/transaction/history, otherwise prohibited',
      },
    ];
  try {
    validateFhir(members);
    return [];
  } catch (error) {
    if (!isDatalakeError(error)) throw error;
    return (
      (error.details?.issues as FhirIssue[] | undefined) ?? [{ expression: 'Bundle', reason: error.message }]
    );
  }
}

function parse(json: string, issues: FhirIssue[], expression: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    issues.push({ expression, reason: 'not valid JSON' });
    return undefined;
  }
}

async function* entriesOf(
  open: () => Promise<Readable>,
  limits: BundleStreamLimits,
  signal: AbortSignal,
): AsyncIterable<{ index: number; entry: BundleEntry }> {
  for await (const part of bundleParts(await open(), limits)) {
    signal.throwIfAborted();
    if (part.kind === 'entry') yield { index: part.index, entry: JSON.parse(part.json) as BundleEntry };
  }
}

/** In-memory keys of what must not be stored concurrently (the upload is one organisation's). */
function keysOf(planned: PlannedRecord): string[] {
  return [`c:${planned.contentKey}`, `s:${planned.sourceId}`];
}

/**
 * Runs tasks a few at a time, never two with a common key together (the same content or the same source
 * document twice in one Bundle must be seen one after the other, or both would be stored). The first failure
 * stops new tasks and is thrown once those running have settled.
 */
function boundedStore(concurrency: number) {
  const running = new Set<Promise<void>>();
  const byKey = new Map<string, Promise<void>>();
  let failure: unknown;
  return {
    async run(keys: readonly string[], task: () => Promise<void>): Promise<void> {
      if (failure !== undefined) throw failure;
      const earlier = keys.map((key) => byKey.get(key)).filter((each) => each !== undefined);
      if (earlier.length > 0) await Promise.allSettled(earlier);
      while (running.size >= concurrency) await Promise.race(running);
      if (failure !== undefined) throw failure;
      const promise: Promise<void> = task()
        .catch((error: unknown) => {
          failure ??= error;
        })
        .finally(() => {
          running.delete(promise);
          for (const key of keys) if (byKey.get(key) === promise) byKey.delete(key);
        });
      running.add(promise);
      for (const key of keys) byKey.set(key, promise);
    },
    async settle(): Promise<void> {
      await Promise.allSettled([...running]);
    },
    async drain(): Promise<void> {
      await Promise.allSettled([...running]);
      if (failure !== undefined) throw failure;
    },
  };
}
