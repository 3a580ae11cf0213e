/**
 * Who submitted a transaction, as the chaincode saw it: the Custodia identity (role, id, country attributes)
 * in the creator's enrolment certificate, read with the network's MSP and decoded by the chaincode's own
 * `callerFromAttributes`. Certificates repeat across a chain, so each is parsed once.
 */
import { msp } from '@hyperledger/fabric-protos';
import { callerFromAttributes, IDENTITY_ATTRIBUTES } from '@custodia/chaincode';
import type { Caller } from '@custodia/chaincode';
import { readCertificate } from '@custodia/ledger';
import { canonicalJson } from './canonical-json';

export class CreatorIdentities {
  private readonly known = new Map<string, Caller | undefined>();

  /** The caller behind a serialized `msp.SerializedIdentity`; undefined when it carries no Custodia identity. */
  of(serializedIdentity: Uint8Array): Caller | undefined {
    const cacheKey = Buffer.from(serializedIdentity).toString('base64');
    if (this.known.has(cacheKey)) return this.known.get(cacheKey);
    const caller = decode(serializedIdentity);
    this.known.set(cacheKey, caller);
    return caller;
  }
}

function decode(serializedIdentity: Uint8Array): Caller | undefined {
  try {
    const identity = msp.SerializedIdentity.deserializeBinary(serializedIdentity);
    const { attrs } = readCertificate(new TextDecoder().decode(identity.getIdBytes_asU8()));
    const decoded = callerFromAttributes({
      mspId: identity.getMspid(),
      role: attrs[IDENTITY_ATTRIBUTES.role],
      id: attrs[IDENTITY_ATTRIBUTES.id],
      country: attrs[IDENTITY_ATTRIBUTES.country],
    });
    return decoded.ok ? decoded.value : undefined;
  } catch {
    return undefined;
  }
}

/** The same party, as the chaincode decides who may act on a grant: an id is unique within its MSP and role. */
export function sameParty(a: Caller, b: Caller): boolean {
  return a.mspId === b.mspId && a.role === b.role && a.id === b.id;
}

/** The same identity, attribute for attribute (MSP, role, id and certificate country). */
export function sameCaller(a: Caller, b: Caller): boolean {
  const fields = (caller: Caller) =>
    canonicalJson({ mspId: caller.mspId, role: caller.role, id: caller.id, country: caller.country });
  return fields(a) === fields(b);
}

/**
 * Whether a logged party is the certificate that submitted it: the same MSP, role and id. The chaincode logs a
 * requester with its organisation's registry country; a certificate that states a country must state that one
 * (one that states none takes it from the registry).
 */
export function submittedBy(logged: Caller, creator: Caller): boolean {
  return sameParty(logged, creator) && (creator.country === undefined || creator.country === logged.country);
}

export function describeCaller(caller: Caller | undefined): string {
  return caller ? `${caller.mspId}/${caller.role}/${caller.id}` : 'a certificate without a Custodia identity';
}
