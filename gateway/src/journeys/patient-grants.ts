/**
 * What a patient sees of their own record and of who holds it: their own IPS record (read by the lake with the
 * patient's own certificate; never cached by the browser), their live grants, and "end now", which ends a grant at
 * once (the chaincode revokes it as `ended-by-patient`; the data lake deletes what it assembled for it when the
 * ending commits).
 */
import { pipeline } from 'node:stream/promises';
import { defineRoute } from '../http/route';
import type { RouteDef } from '../http/route';
import { actorOf, caller, lake } from './context';
import type { JourneyDeps } from './context';
import { PatientGrantParams, PatientParams, Paging } from './schemas';

const TAG = 'patient';

export function patientGrantRoutes(deps: Pick<JourneyDeps, 'ledger' | 'datalake'>): RouteDef[] {
  const { ledger } = deps;
  return [
    defineRoute({
      method: 'get',
      path: '/patients/:patientId/record',
      summary:
        'The patient’s own record (FHIR IPS Bundle): everything Custodia holds about them, by section with its sources and labels; for the patient alone (the data lake checks their certificate on the ledger), never stored',
      tag: TAG,
      ownedBy: 'patientId',
      produces: 'application/fhir+json',
      schemas: { params: PatientParams },
      handler: async (input) => {
        const stream = await lake(deps).ownRecord(actorOf(caller(input)), input.params.patientId);
        input.res.status(200).type('application/fhir+json');
        input.res.setHeader('Cache-Control', 'no-store');
        await pipeline(stream, input.res);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/patients/:patientId/grants',
      summary:
        'The patient’s grants not yet over, each with who holds it, what it releases, until when and its status now (active or narrowed; an expired one until the ledger prunes it)',
      tag: TAG,
      ownedBy: 'patientId',
      schemas: { params: PatientParams, query: Paging },
      handler: async (input) => ledger.as(caller(input)).access.listMine(input.query),
    }),
    defineRoute({
      method: 'post',
      path: '/patients/:patientId/grants/:grantId/end',
      summary:
        'End one of the patient’s grants now: revoked on the ledger (`ended-by-patient`), its temporary record deleted; only the grant’s own patient may',
      tag: TAG,
      ownedBy: 'patientId',
      schemas: { params: PatientGrantParams },
      handler: async (input) => ledger.as(caller(input)).access.endGrant(input.params.grantId),
    }),
  ];
}
