/**
 * Each organisation's platform admin: an `admin`-role identity enrolled once at the organisation's own CA (kept in
 * the wallet across restarts). Together they found the on-chain organisation registry at the platform's first
 * start — the genesis needs every founding organisation — and each registers its organisation's demo patients.
 */
import type { Caller, OrganisationRegistry } from '@custodia/chaincode';
import { foundRegistry } from '@custodia/ledger';
import type { ConnectionProfile, IdentityRef, LedgerClient, Wallet } from '@custodia/ledger';
import { caEndpoints, Enrolment } from '../identity';
import type { Registrars } from '../identity';
import type { PatientRegistrar } from '../patients/registration';

/** The `custodia.id` of every organisation's platform admin. */
export const ORGANISATION_ADMIN_ID = 'custodia-admin';

export interface OrganisationAdmin {
  readonly actor: Caller & { readonly country: string };
  /** Signs as the admin, its enrolment read from the wallet. */
  readonly signer: IdentityRef;
}

/**
 * Enrols each organisation's platform admin (the organisations and countries of the connection profile, at each
 * organisation's own CA with its own registrar) when the wallet does not hold it yet.
 */
export async function organisationAdmins(
  profile: ConnectionProfile,
  registrars: Registrars,
  wallet: Wallet,
): Promise<OrganisationAdmin[]> {
  const admins: OrganisationAdmin[] = [];
  const enrolment = new Enrolment(caEndpoints(profile), registrars, wallet);
  for (const { mspId, country } of profile.organisations) {
    if ((await wallet.get(mspId, ORGANISATION_ADMIN_ID)) === undefined)
      await enrolment.enrol({
        mspId,
        ledgerId: ORGANISATION_ADMIN_ID,
        role: 'admin',
        country,
      });
    admins.push({
      actor: { mspId, id: ORGANISATION_ADMIN_ID, role: 'admin', country },
      signer: {
        key: `${mspId}\u0000${ORGANISATION_ADMIN_ID}`,
        load: async () => {
          const identity = await wallet.get(mspId, ORGANISATION_ADMIN_ID);
          if (identity === undefined) throw new Error(`${mspId}'s platform admin is not in the wallet`);
          return identity;
        },
      },
    });
  }
  return admins;
}

/** Founds the registry with every organisation and its country, each approving through its own admin (idempotent). */
export function foundPlatformRegistry(
  ledger: LedgerClient,
  admins: readonly OrganisationAdmin[],
): Promise<OrganisationRegistry> {
  return foundRegistry(
    admins.map((admin) => ({
      organisation: { mspId: admin.actor.mspId, country: admin.actor.country },
      admin: ledger.as(admin.signer),
    })),
  );
}

/** Who registers an organisation's patients on the platform's behalf (the demo seed). */
export function patientRegistrars(
  ledger: LedgerClient,
  admins: readonly OrganisationAdmin[],
): ReadonlyMap<string, PatientRegistrar> {
  return new Map(
    admins.map((admin) => [admin.actor.mspId, { ledger: ledger.as(admin.signer), actor: admin.actor }]),
  );
}
