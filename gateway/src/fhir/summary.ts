/**
 * `GET /fhir/Patient/{id}/$summary` for FHIR clients: the International Patient Summary-shaped record of a
 * grant the calling clinician holds for this patient. Without an active grant: an OperationOutcome.
 */
import { pipeline } from 'node:stream/promises';
import { Type } from '@sinclair/typebox';
import type { AccessLogEntry } from '@custodia/chaincode';
import { GatewayError } from '../errors';
import { defineRoute, FHIR_BASE } from '../http/route';
import type { RouteDef } from '../http/route';
import type { AuthUser } from '../identity/user';
import { caller, readRecord } from '../journeys/context';
import type { JourneyDeps } from '../journeys/context';
import { PatientId } from '../journeys/schemas';

const PAGE_SIZE = 100;

/** The newest grant in the clinician's own access log for this patient that has not yet expired. */
async function latestGrant(
  deps: JourneyDeps,
  user: AuthUser,
  patientId: string,
): Promise<string | undefined> {
  const ledger = deps.ledger.as(user);
  const now = deps.now().getTime();
  let bookmark = '';
  let found: AccessLogEntry | undefined;
  do {
    const page = await ledger.audit.listAccessLog(
      { by: 'requester', mspId: user.mspId, requesterId: user.ledgerId },
      { pageSize: PAGE_SIZE, bookmark },
    );
    for (const entry of page.items)
      if (
        entry.patientId === patientId &&
        entry.grantId !== undefined &&
        entry.expiresAt !== undefined &&
        Date.parse(entry.expiresAt) > now
      )
        found = entry;
    bookmark = page.bookmark;
  } while (bookmark !== '');
  return found?.grantId;
}

export function fhirRoutes(deps: JourneyDeps): RouteDef[] {
  return [
    defineRoute({
      method: 'get',
      base: FHIR_BASE,
      path: '/Patient/:patientId/$summary',
      summary: 'The patient summary (FHIR IPS Bundle) released to the calling clinician by an active grant',
      tag: 'fhir',
      produces: 'application/fhir+json',
      schemas: { params: Type.Object({ patientId: PatientId }, { additionalProperties: false }) },
      handler: async (input) => {
        const user = caller(input);
        const grantId = await latestGrant(deps, user, input.params.patientId);
        if (grantId === undefined)
          throw new GatewayError('FORBIDDEN', 'no active grant for this patient: request access first');
        // The lake reads and checks the grant (GRANT_NOT_ACTIVE when it was revoked meanwhile).
        const stream = await readRecord(deps, user, grantId);
        input.res.status(200).type('application/fhir+json').setHeader('Cache-Control', 'no-store');
        await pipeline(stream, input.res);
        return undefined;
      },
    }),
  ];
}
