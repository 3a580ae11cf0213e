/**
 * Decoders of the chaincode's events (one per writing transaction, identifiers only), so a client that follows
 * them reads typed payloads checked like answers.
 */
import {
  CONTRIBUTION_STATUSES,
  EVENTS,
  fail,
  ok,
  REGISTRY_CHANGE_KINDS,
  ROLES,
  RULE_CHANGES,
} from '../model';
import type {
  AccessRequestedEvent,
  ContributionEvent,
  Decoded,
  Decoder,
  DeliveryRecordedEvent,
  EmergencyPolicySetEvent,
  EventName,
  EventPayloads,
  GrantEndedEvent,
  IdentityEvent,
  PatientErasedEvent,
  PatientRegisteredEvent,
  RecordRegisteredEvent,
  RegistryChangeApprovedEvent,
  RegistryChangedEvent,
  RuleChangedEvent,
} from '../model';
import { shape } from './answers';

const revocations = { patientId: 'string', revokedGrantIds: 'string[]' } as const;
const accessRequested = shape<AccessRequestedEvent>('an access event', {
  entryId: 'string',
  patientId: 'string',
  requesterMspId: 'string',
  requesterId: 'string',
  emergency: 'boolean',
  grantId: 'string?',
  expiresAt: 'string?',
  emergencyRequests24h: 'number?',
});
const contributionEvent = shape<ContributionEvent>('a contribution event', {
  contributionId: 'string',
  patientId: 'string',
  status: CONTRIBUTION_STATUSES,
  recordId: 'string?',
});
const identityEvent = shape<IdentityEvent>('an identity event', {
  mspId: 'string',
  role: ROLES,
  id: 'string',
  revokedGrantIds: 'string[]',
});

/** The payload decoder of every event the chaincode emits. */
export const EVENT_PAYLOADS: { readonly [E in EventName]: Decoder<EventPayloads[E]> } = {
  [EVENTS.ruleChanged]: shape<RuleChangedEvent>('a rule event', {
    ...revocations,
    ruleId: 'string',
    version: 'number',
    change: RULE_CHANGES,
  }),
  [EVENTS.emergencyPolicySet]: shape<EmergencyPolicySetEvent>('an emergency-policy event', {
    ...revocations,
    version: 'number',
  }),
  [EVENTS.recordRegistered]: shape<RecordRegisteredEvent>('a record event', {
    recordId: 'string',
    patientId: 'string',
    sourceMspId: 'string',
  }),
  [EVENTS.accessRequested]: accessRequested,
  [EVENTS.emergencyAccess]: accessRequested,
  [EVENTS.deliveryRecorded]: shape<DeliveryRecordedEvent>('a delivery event', {
    deliveryId: 'string',
    grantId: 'string',
    patientId: 'string',
  }),
  [EVENTS.grantEnded]: shape<GrantEndedEvent>('a grant-ended event', { ...revocations, grantId: 'string' }),
  [EVENTS.contributionSubmitted]: contributionEvent,
  [EVENTS.contributionDecided]: contributionEvent,
  [EVENTS.registryChangeApproved]: shape<RegistryChangeApprovedEvent>('a registry approval event', {
    sequence: 'number',
    changeHash: 'string',
    mspId: 'string',
  }),
  [EVENTS.registryChanged]: shape<RegistryChangedEvent>('a registry event', {
    version: 'number',
    changeHash: 'string',
    kind: REGISTRY_CHANGE_KINDS,
    mspIds: 'string[]',
  }),
  [EVENTS.patientRegistered]: shape<PatientRegisteredEvent>('a patient event', {
    patientId: 'string',
    mspId: 'string',
  }),
  [EVENTS.patientErased]: shape<PatientErasedEvent>('a patient erasure event', {
    patientId: 'string',
    mspId: 'string',
    revokedGrantIds: 'string[]',
    revokedRuleIds: 'string[]',
    rejectedContributionIds: 'string[]',
  }),
  [EVENTS.identityDisabled]: identityEvent,
  [EVENTS.identityEnabled]: identityEvent,
};

/** A chaincode event with its payload decoded: `name` tells which payload it carries. */
export type ChaincodeEventOf = {
  readonly [E in EventName]: { readonly name: E; readonly payload: EventPayloads[E] };
}[EventName];

function isEventName(name: string): name is EventName {
  return Object.hasOwn(EVENT_PAYLOADS, name);
}

/** Decodes an event's JSON payload by its name; an unknown name or a malformed payload fails. */
export function decodeEvent(name: string, payload: string): Decoded<ChaincodeEventOf> {
  if (!isEventName(name)) return fail('event', 'is not a Custodia event');
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return fail('event', 'payload is not JSON');
  }
  return decodeNamed(name, parsed);
}

function decodeNamed<E extends EventName>(name: E, parsed: unknown): Decoded<ChaincodeEventOf> {
  const decoded = (EVENT_PAYLOADS[name] as Decoder<EventPayloads[E]>)(parsed, 'event');
  return decoded.ok ? ok({ name, payload: decoded.value } as ChaincodeEventOf) : decoded;
}
