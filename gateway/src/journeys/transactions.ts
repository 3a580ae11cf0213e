/** Any signed-in user: whether one of their own transactions committed (the answer to an unknown outcome). */
import { Type } from '@sinclair/typebox';
import { GatewayError } from '../errors';
import { defineRoute } from '../http/route';
import type { RouteDef } from '../http/route';
import { statusInBlock } from '../ledger/transaction-status';
import { caller } from './context';
import type { JourneyDeps } from './context';
import { Sha256Hex } from './schemas';

const TAG = 'transactions';

export function transactionRoutes(deps: Pick<JourneyDeps, 'ledger'>): RouteDef[] {
  return [
    defineRoute({
      method: 'get',
      path: '/transactions/:transactionId',
      summary:
        'Whether one of your own transactions committed, and as what (after a 504 LEDGER_OUTCOME_UNKNOWN, ask here before trying again); 404 while it is not on the ledger',
      tag: TAG,
      schemas: {
        // Fabric transaction ids are hex SHA-256 digests.
        params: Type.Object({ transactionId: Sha256Hex }, { additionalProperties: false }),
      },
      handler: async (input) => {
        const user = caller(input);
        const { transactionId } = input.params;
        const block = await deps.ledger.as(user).chain.blockOfTransaction(transactionId);
        const status = block && statusInBlock(block, transactionId, { mspId: user.mspId, id: user.ledgerId });
        if (status === undefined)
          throw new GatewayError(
            'NOT_FOUND',
            'no transaction of yours with this id is on the ledger (not committed, or not yet)',
          );
        return status;
      },
    }),
  ];
}
