/** The rule builder's form state, and its translation into a RuleSpec the gateway accepts. */
import { CATEGORIES } from '@custodia/chaincode/model';
import { lastDay } from './rule-sentence';
import type {
  Category,
  Effect,
  GranteeKind,
  Label,
  Purpose,
  Requester,
  Role,
  RuleSpec,
} from '@custodia/chaincode/model';

export interface RuleDraft {
  readonly effect: Effect;
  readonly granteeKind: GranteeKind;
  readonly practitionerId: string;
  readonly mspId: string;
  readonly role: Role;
  readonly countries: readonly string[];
  readonly categories: readonly Category[];
  readonly labels: readonly Label[];
  readonly purposes: readonly Purpose[];
  /** `YYYY-MM-DD` or empty. */
  readonly from: string;
  /** `YYYY-MM-DD` or empty; the last day the rule applies (inclusive). */
  readonly until: string;
}

export const EMPTY_DRAFT: RuleDraft = {
  effect: 'permit',
  granteeKind: 'practitioner',
  practitionerId: '',
  mspId: '',
  role: 'clinician',
  countries: [],
  categories: [],
  labels: [],
  purposes: ['TREAT'],
  from: '',
  until: '',
};

export type DraftField = 'grantee' | 'categories' | 'purposes' | 'period';
/** What is wrong with a choice, as the key of the message the builder shows. */
export type DraftError =
  | 'builder.error.practitioner'
  | 'builder.error.organisation'
  | 'builder.error.categories'
  | 'builder.error.purposes'
  | 'builder.error.period';
export type DraftResult =
  | { readonly ok: true; readonly spec: RuleSpec }
  | { readonly ok: false; readonly errors: Readonly<Partial<Record<DraftField, DraftError>>> };

const DAY_MS = 86_400_000;

function dayStart(day: string): string {
  return new Date(`${day}T00:00:00.000Z`).toISOString();
}

/** Checks the draft as a person would be told, and builds the spec. */
export function draftToSpec(draft: RuleDraft): DraftResult {
  const errors: Partial<Record<DraftField, DraftError>> = {};
  const countries = draft.countries.length > 0 ? { countries: [...draft.countries] } : {};
  let grantee: RuleSpec['grantee'] | undefined;
  if (draft.granteeKind === 'practitioner') {
    if (!draft.practitionerId.trim() || !draft.mspId.trim()) errors.grantee = 'builder.error.practitioner';
    else
      grantee = {
        kind: 'practitioner',
        id: draft.practitionerId.trim(),
        mspId: draft.mspId.trim(),
        ...countries,
      };
  } else if (draft.granteeKind === 'organization') {
    if (!draft.mspId.trim()) errors.grantee = 'builder.error.organisation';
    else grantee = { kind: 'organization', mspId: draft.mspId.trim(), ...countries };
  } else grantee = { kind: 'role', role: draft.role, ...countries };
  if (draft.categories.length === 0) errors.categories = 'builder.error.categories';
  if (draft.purposes.length === 0) errors.purposes = 'builder.error.purposes';
  const notBefore = draft.from ? dayStart(draft.from) : undefined;
  const notAfter = draft.until
    ? new Date(Date.parse(dayStart(draft.until)) + DAY_MS).toISOString()
    : undefined;
  if (notBefore && notAfter && notBefore >= notAfter) errors.period = 'builder.error.period';
  if (!grantee || Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    spec: {
      effect: draft.effect,
      grantee,
      categories: [...draft.categories],
      labels: [...draft.labels],
      purposes: [...draft.purposes],
      ...(notBefore ? { notBefore } : {}),
      ...(notAfter ? { notAfter } : {}),
    },
  };
}

/** The draft of an existing rule, for editing. */
export function specToDraft(spec: RuleSpec): RuleDraft {
  const g = spec.grantee;
  return {
    effect: spec.effect,
    granteeKind: g.kind,
    practitionerId: g.kind === 'practitioner' ? g.id : '',
    mspId: g.kind === 'role' ? '' : g.mspId,
    role: g.kind === 'role' ? g.role : 'clinician',
    countries: g.countries ?? [],
    categories: spec.categories,
    labels: spec.labels,
    purposes: spec.purposes,
    from: spec.notBefore ? spec.notBefore.slice(0, 10) : '',
    until: spec.notAfter ? lastDay(spec.notAfter) : '',
  };
}

/** A typical person the grantee stands for, to preview what such a person would receive. */
export function exampleRequester(spec: RuleSpec): Requester {
  const g = spec.grantee;
  const country = g.countries?.[0];
  const where = country ? { country } : {};
  if (g.kind === 'practitioner') return { mspId: g.mspId, id: g.id, role: 'clinician', ...where };
  if (g.kind === 'organization') return { mspId: g.mspId, id: 'preview', role: 'clinician', ...where };
  return { mspId: 'preview', id: 'preview', role: g.role, ...where };
}

export const ALL_CATEGORIES: readonly Category[] = CATEGORIES;
