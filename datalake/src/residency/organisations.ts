/**
 * Which country an organisation's data belongs to: decided by the platform's registry of organisations, never by
 * a certificate attribute or a header. Until the on-chain organisation registry is in place the lake reads it from
 * its configuration (`CUSTODIA_ORGANISATIONS`); the ledger-backed source will implement the same interface, so the
 * switch is the one line in `service/server.ts` that builds it.
 */
import { DatalakeError } from '../errors';

export interface OrganisationCountries {
  /** The organisation's country (ISO alpha-2); UNKNOWN_ORGANISATION when the lake does not know the organisation. */
  countryOf(mspId: string): Promise<string>;
  /** The countries of every known organisation: the lake keeps a storage location for each. */
  countries(): readonly string[];
}

export class ConfiguredOrganisations implements OrganisationCountries {
  private readonly byMsp: ReadonlyMap<string, string>;

  constructor(organisations: Readonly<Record<string, string>>) {
    this.byMsp = new Map(Object.entries(organisations));
  }

  async countryOf(mspId: string): Promise<string> {
    const country = this.byMsp.get(mspId);
    if (country === undefined)
      throw new DatalakeError('UNKNOWN_ORGANISATION', 'this organisation is not known to the data lake');
    return country;
  }

  countries(): readonly string[] {
    return [...new Set(this.byMsp.values())].sort();
  }
}
