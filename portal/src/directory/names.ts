/**
 * Names for the ids the ledger holds: rules, grants and the access log name people by `(mspId, id)` and
 * organisations by MSP id; the gateway's directory turns them into names (staff and organisations only). A name
 * book remembers what it asked, in memory only, so each id is asked about once per session; an id without a name
 * (a patient, an unknown id, the gateway out of reach) is shown as the id.
 */
import type { Grantee } from '@custodia/chaincode/model';

/** How the portal names people and organisations it knows; ids are shown when it does not. */
export interface Directory {
  practitioner?(mspId: string, id: string): string | undefined;
  organisation?(mspId: string): string | undefined;
}

export interface PartyRef {
  readonly mspId: string;
  readonly id?: string;
}

export interface PartyName extends PartyRef {
  readonly name?: string;
}

/** Most parties one request to the gateway names (its limit). */
export const MAX_PARTIES_PER_REQUEST = 200;

/** The party a rule names, if it names one (a role names nobody). */
export function granteeParty(grantee: Grantee): PartyRef | undefined {
  if (grantee.kind === 'practitioner') return { mspId: grantee.mspId, id: grantee.id };
  if (grantee.kind === 'organization') return { mspId: grantee.mspId };
  return undefined;
}

/** A requester (or submitter) and their organisation: both can have names. */
export function requesterParties(requester: { readonly mspId: string; readonly id: string }): PartyRef[] {
  return [{ mspId: requester.mspId, id: requester.id }, { mspId: requester.mspId }];
}

export function partyKey(party: PartyRef): string {
  return party.id === undefined ? party.mspId : `${party.mspId}/${party.id}`;
}

export class NameBook {
  /** Party key → its name, or null once the gateway said it has none (or could not be asked). */
  private readonly known = new Map<string, string | null>();

  constructor(private readonly fetchNames: (parties: readonly PartyRef[]) => Promise<readonly PartyName[]>) {}

  /** Questions still on their way, by party key: a second view asking the same waits for the same answer. */
  private readonly inflight = new Map<string, Promise<void>>();

  /**
   * Asks the gateway about the parties not asked about yet; resolves true when something was learnt for them (here
   * or by a question already on its way), false when all were known before.
   */
  async learn(parties: readonly PartyRef[]): Promise<boolean> {
    const unknown = new Map<string, PartyRef>();
    const waiting = new Set<Promise<void>>();
    for (const party of parties) {
      const key = partyKey(party);
      const pending = this.inflight.get(key);
      if (pending !== undefined) waiting.add(pending);
      else if (!this.known.has(key)) unknown.set(key, party);
    }
    if (unknown.size === 0 && waiting.size === 0) return false;
    const asked = [...unknown.values()];
    for (let start = 0; start < asked.length; start += MAX_PARTIES_PER_REQUEST) {
      const batch = asked.slice(start, start + MAX_PARTIES_PER_REQUEST);
      const question = this.ask(batch);
      for (const party of batch) this.inflight.set(partyKey(party), question);
      waiting.add(question);
    }
    await Promise.all(waiting);
    return true;
  }

  private async ask(batch: readonly PartyRef[]): Promise<void> {
    try {
      const named = await this.fetchNames(batch);
      for (const party of named) if (party.name !== undefined) this.known.set(partyKey(party), party.name);
    } catch {
      // Without names the ids are shown, as before: nothing a person relies on is lost.
    } finally {
      for (const party of batch) {
        const key = partyKey(party);
        if (!this.known.has(key)) this.known.set(key, null);
        this.inflight.delete(key);
      }
    }
  }

  nameOf(party: PartyRef): string | undefined {
    return this.known.get(partyKey(party)) ?? undefined;
  }

  /** The book as rule sentences and requester lines read names. */
  directory(): Required<Directory> {
    return {
      practitioner: (mspId, id) => this.nameOf({ mspId, id }),
      organisation: (mspId) => this.nameOf({ mspId }),
    };
  }
}
