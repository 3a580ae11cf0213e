/**
 * The auditor's journey (MFA enforced at sign-in): access log by patient, requester or time (with the reasons
 * requesters gave, kept off-chain, and repeated break-glass flagged); rule history; the chain explorer; replay &
 * verify with its report as JSON or CSV.
 */
import { Type } from '@sinclair/typebox';
import type { AccessLogEntry, AccessLogQuery } from '@custodia/chaincode';
import { GatewayError } from '../errors';
import { NDJSON, streamProgress } from '../http/progress-stream';
import { defineRoute } from '../http/route';
import type { RouteDef } from '../http/route';
import type { ReplayProgress } from '../audit/audit-service';
import type { AuthUser } from '../identity/user';
import { actorOf, caller, lake } from './context';
import type { JourneyDeps } from './context';
import { MAX_BLOCKS_PER_PAGE } from '../audit';
import { Id, Instant, MspId, Paging, PatientId, PatientParams, Sha256Hex } from './schemas';

const TAG = 'auditor';

/** From this many emergency requests of one clinician within 24 hours, each of them is flagged for auditors. */
export const REPEATED_EMERGENCY_USE = 2;

/** Flags an auditor should look at: `repeated-emergency-use` for break-glass used again within a day. */
export function auditFlags(entry: Pick<AccessLogEntry, 'emergency' | 'emergencyRequests24h'>): string[] {
  return entry.emergency && (entry.emergencyRequests24h ?? 0) >= REPEATED_EMERGENCY_USE
    ? ['repeated-emergency-use']
    : [];
}

/** Replay & verify and the block explorer, as the routes use them (`AuditService` implements it). */
export interface AuditPort {
  listBlocks(user: AuthUser, from: number, limit: number): Promise<unknown>;
  getBlock(user: AuthUser, number: number): Promise<unknown>;
  getTransaction(user: AuthUser, txId: string): Promise<unknown>;
  /** The report as JSON-friendly data and as CSV; `onProgress` is told as blocks are verified. */
  replay(
    user: AuthUser,
    options: { toBlock?: number; onProgress?: (progress: ReplayProgress) => void },
  ): Promise<{ report: unknown; csv: string }>;
}

export function auditorRoutes(deps: JourneyDeps & { readonly audit: AuditPort }): RouteDef[] {
  const { ledger, audit } = deps;
  return [
    defineRoute({
      method: 'get',
      path: '/audit/residency',
      summary:
        'The residency check: per storage location of the data lake, its country and the countries of the data it holds (every document authenticated)',
      tag: TAG,
      schemas: {},
      handler: async (input) => lake(deps).residency(actorOf(caller(input))),
    }),
    defineRoute({
      method: 'get',
      path: '/audit/access-log',
      summary:
        'The access log by patient, by requester or by time, oldest first: each entry with its reason (checked against the on-chain hash) and its flags',
      tag: TAG,
      schemas: {
        query: Type.Object(
          {
            patientId: Type.Optional(PatientId),
            requesterMspId: Type.Optional(MspId),
            requesterId: Type.Optional(Id),
            from: Type.Optional(Instant),
            to: Type.Optional(Instant),
            ...Paging.properties,
          },
          { additionalProperties: false },
        ),
      },
      handler: async (input) => {
        const { patientId, requesterMspId, requesterId, from, to, pageSize, bookmark } = input.query;
        const query: AccessLogQuery | undefined =
          patientId !== undefined
            ? { by: 'patient', patientId }
            : requesterId !== undefined && requesterMspId !== undefined
              ? { by: 'requester', mspId: requesterMspId, requesterId }
              : from !== undefined
                ? { by: 'time', from, ...(to === undefined ? {} : { to }) }
                : undefined;
        if (query === undefined)
          throw new GatewayError(
            'VALIDATION_FAILED',
            'give patientId, or requesterMspId with requesterId, or from (and optionally to)',
          );
        const page = await ledger.as(caller(input)).audit.listAccessLog(query, { pageSize, bookmark });
        const items = await deps.reasons.withReasons(page.items);
        return {
          items: items.map((entry) => ({ ...entry, flags: auditFlags(entry) })),
          bookmark: page.bookmark,
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/audit/patients/:patientId/emergency-policy/history',
      summary: 'Every version of a patient’s emergency policy',
      tag: TAG,
      schemas: { params: PatientParams, query: Paging },
      handler: async (input) =>
        ledger.as(caller(input)).emergency.policyHistory(input.params.patientId, input.query),
    }),
    defineRoute({
      method: 'get',
      path: '/audit/rules/:ruleId/history',
      summary: 'Every version of a rule, oldest first',
      tag: TAG,
      schemas: { params: Type.Object({ ruleId: Id }, { additionalProperties: false }), query: Paging },
      handler: async (input) => ledger.as(caller(input)).rules.history(input.params.ruleId, input.query),
    }),
    defineRoute({
      method: 'get',
      path: '/audit/blocks',
      summary: 'Blocks from number `from` upwards, with the chain height',
      tag: TAG,
      schemas: {
        query: Type.Object(
          {
            from: Type.Integer({ minimum: 0, default: 0 }),
            limit: Type.Integer({ minimum: 1, maximum: MAX_BLOCKS_PER_PAGE, default: 20 }),
          },
          { additionalProperties: false },
        ),
      },
      handler: async (input) => audit.listBlocks(caller(input), input.query.from, input.query.limit),
    }),
    defineRoute({
      method: 'get',
      path: '/audit/blocks/:number',
      summary: 'One block: hashes and its transactions with their validation codes',
      tag: TAG,
      schemas: {
        params: Type.Object({ number: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }),
      },
      handler: async (input) => audit.getBlock(caller(input), input.params.number),
    }),
    defineRoute({
      method: 'get',
      path: '/audit/transactions/:txId',
      summary: 'One transaction: creator, function, validation code, writes (ids and hashes only)',
      tag: TAG,
      schemas: {
        // Fabric transaction ids are hex SHA-256 digests.
        params: Type.Object({ txId: Sha256Hex }, { additionalProperties: false }),
      },
      handler: async (input) => audit.getTransaction(caller(input), input.params.txId),
    }),
    defineRoute({
      method: 'post',
      path: '/audit/replay',
      summary:
        'Replay & verify from block 0: every decision re-derived, every delivery checked (JSON, text/csv, ' +
        'or application/x-ndjson: progress lines {"type":"progress","blocksVerified","totalBlocks"} — then ' +
        '"deliveriesVerified","totalDeliveries" as delivery manifests are checked — then ' +
        '{"type":"result","result":report})',
      tag: TAG,
      schemas: {
        query: Type.Object(
          {
            toBlock: Type.Optional(Type.Integer({ minimum: 0 })),
            format: Type.Union([Type.Literal('json'), Type.Literal('csv'), Type.Literal('ndjson')], {
              default: 'json',
            }),
          },
          { additionalProperties: false },
        ),
      },
      handler: async (input) => {
        const { toBlock, format } = input.query;
        const range = toBlock === undefined ? {} : { toBlock };
        const accepted = input.req.accepts(['application/json', 'text/csv', NDJSON]);
        if (format === 'ndjson' || (format === 'json' && accepted === NDJSON)) {
          await streamProgress<ReplayProgress, unknown>(input.res, async (progress) => {
            const { report } = await audit.replay(caller(input), {
              ...range,
              // The last line of each stage is always written; between, the stream's throttle applies.
              onProgress: (update) =>
                progress(
                  update,
                  update.totalDeliveries === undefined
                    ? update.blocksVerified === update.totalBlocks
                    : update.deliveriesVerified === update.totalDeliveries,
                ),
            });
            return report;
          });
          return undefined;
        }
        const { report, csv } = await audit.replay(caller(input), range);
        if (format === 'csv' || accepted === 'text/csv') {
          input.res
            .status(200)
            .type('text/csv')
            .setHeader('Content-Disposition', 'attachment; filename="custodia-replay.csv"')
            .send(csv);
          return undefined;
        }
        return report;
      },
    }),
  ];
}
