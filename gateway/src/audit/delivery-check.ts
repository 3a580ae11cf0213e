/**
 * Checks a logged delivery against its grant as world state held it before the delivery's transaction:
 * the grant exists, the delivery is by and for the grant's requester and patient, and the grant was active at the
 * delivery's timestamp — neither revoked nor expired, and still covered by the rules then in force (the chaincode's
 * own grantStatus decides which).
 */
import { grantStatus } from '@custodia/chaincode';
import type { Delivery, Grant } from '@custodia/chaincode';
import { DISCREPANCY_KINDS } from './discrepancy';
import type { Discrepancy } from './discrepancy';
import type { LoggedBy } from './decision-check';
import { describeCaller, sameParty, submittedBy } from './creator';

/** `covered`: whether the rules (and emergency policy) in force at the delivery still granted all of the grant. */
export function checkDelivery(
  delivery: Delivery,
  grant: Grant | undefined,
  tx: LoggedBy,
  covered: boolean,
): Discrepancy[] {
  const found: Discrepancy[] = [];
  const report = (kind: Discrepancy['kind'], detail: string) =>
    found.push({ kind, block: tx.block, txId: tx.txId, detail });

  const foreign = [
    ...(delivery.deliveryId === tx.txId ? [] : [`deliveryId ${delivery.deliveryId}`]),
    ...(delivery.deliveredAt === tx.at
      ? []
      : [`deliveredAt ${delivery.deliveredAt} (transaction at ${tx.at})`]),
    ...(tx.creator && submittedBy(delivery.requester, tx.creator)
      ? []
      : [`requester ${describeCaller(delivery.requester)} (submitted by ${describeCaller(tx.creator)})`]),
  ];
  if (foreign.length > 0) {
    report(DISCREPANCY_KINDS.LOG_ENTRY_INCONSISTENT, `delivery: ${foreign.join('; ')}`);
  }
  if (!grant) {
    report(DISCREPANCY_KINDS.DELIVERY_WITHOUT_GRANT, `grant ${delivery.grantId} does not exist`);
    return found;
  }

  const { requester } = grant;
  const parties = [
    ...(sameParty(delivery.requester, requester)
      ? []
      : [`delivered to ${describeCaller(delivery.requester)}, grant is for ${describeCaller(requester)}`]),
    ...(tx.creator && sameParty(tx.creator, requester) ? [] : [`submitted by ${describeCaller(tx.creator)}`]),
    ...(delivery.patientId === grant.patientId
      ? []
      : [`patient ${delivery.patientId}, grant is for patient ${grant.patientId}`]),
  ];
  if (parties.length > 0) {
    report(DISCREPANCY_KINDS.DELIVERY_REQUESTER_MISMATCH, `grant ${grant.grantId}: ${parties.join('; ')}`);
  }

  switch (grantStatus(grant, tx.at, covered)) {
    case 'revoked':
      report(
        DISCREPANCY_KINDS.DELIVERY_AFTER_REVOCATION,
        `grant ${grant.grantId} revoked at ${grant.revoked?.at ?? '?'} by ${grant.revoked?.ruleId ?? '?'}, delivered at ${tx.at}`,
      );
      break;
    case 'expired':
      report(
        DISCREPANCY_KINDS.DELIVERY_AFTER_EXPIRY,
        `grant ${grant.grantId} expired at ${grant.expiresAt}, delivered at ${tx.at}`,
      );
      break;
    case 'narrowed':
      report(
        DISCREPANCY_KINDS.DELIVERY_OF_NARROWED_GRANT,
        `grant ${grant.grantId} was no longer covered by the rules in force at ${tx.at}`,
      );
      break;
    case 'active':
      break;
  }
  return found;
}
