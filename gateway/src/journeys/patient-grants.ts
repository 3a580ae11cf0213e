/**
 * A patient's live grants and "end now": who may see what of their record, until when, and the one click that ends
 * a grant at once (the chaincode revokes it as `ended-by-patient`; the data lake deletes what it assembled for it
 * when the ending commits).
 */
import { defineRoute } from '../http/route';
import type { RouteDef } from '../http/route';
import { caller } from './context';
import type { JourneyDeps } from './context';
import { PatientGrantParams, PatientParams, Paging } from './schemas';

const TAG = 'patient';

export function patientGrantRoutes(deps: Pick<JourneyDeps, 'ledger'>): RouteDef[] {
  const { ledger } = deps;
  return [
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
