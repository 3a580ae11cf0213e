/**
 * The security labelling service. A resource's labels are
 *   the labels its source gave (in any standard form, on the resource, its contained resources, the Bundle it
 *   came in, DocumentReference.securityLabel, Composition.confidentiality)
 *   ∪ the labels its codes imply (every coding anywhere in the resource and its contained resources, matched
 *   against the sensitivity value sets)
 *   ∪ V when a security label is not understood (fail closed: withheld from every release until a permit
 *   names V — the rules' closed vocabulary cannot name an unknown code — and reported to the uploader).
 * Labels are only ever added: a source label is never dropped or lowered. The labelled resource carries the
 * decided labels in `meta.security` (canonical codings added after the source's own), so a released copy
 * tells its reader how it must be handled.
 */
import type { Coding, Resource } from '@medplum/fhirtypes';
import { canonical, LABELS } from '@custodia/chaincode';
import type { Label } from '@custodia/chaincode';
import { canonicalCoding, readSecurityCoding } from './security-labels';
import { shippedValueSets } from './value-sets';
import type { CodingLike, SensitivityValueSets } from './value-sets';

export interface LabelDecision {
  /** Every label the record carries, in the ledger's canonical order: what is registered and indexed. */
  readonly labels: readonly Label[];
  /** Labels the codes implied beyond what the source said. */
  readonly derived: readonly Label[];
  /** Security codings the lake does not understand (`system|code`), which made the record V. */
  readonly unrecognised: readonly string[];
}

export interface LabelContext {
  /** Security labels of the envelope the resource came in (a Bundle's `meta.security`): they apply to it too. */
  readonly inherited?: readonly Coding[];
  readonly valueSets?: SensitivityValueSets;
}

const MAX_UNRECOGNISED = 20;

export function decideLabels(resource: Resource, context: LabelContext = {}): LabelDecision {
  const valueSets = context.valueSets ?? shippedValueSets;
  const source = new Set<Label>();
  const unrecognised = new Set<string>();
  for (const coding of [...(context.inherited ?? []), ...sourceSecurity(resource)]) {
    const reading = readSecurityCoding(coding);
    if (reading.kind === 'label') source.add(reading.label);
    else if (reading.kind === 'unrecognised' && unrecognised.size < MAX_UNRECOGNISED)
      unrecognised.add(reading.reported);
  }
  const implied = new Set<Label>();
  for (const coding of clinicalCodings(resource))
    for (const label of valueSets.labelsOf(coding)) implied.add(label);
  const all = new Set<Label>([...source, ...implied]);
  if (unrecognised.size > 0) all.add('V');
  return {
    labels: canonical(LABELS, all),
    derived: canonical(
      LABELS,
      [...all].filter((label) => !source.has(label)),
    ),
    unrecognised: [...unrecognised],
  };
}

/** The resource with the decided labels in `meta.security`, after the source's own codings (kept as given). */
export function withLabels(resource: Resource, labels: readonly Label[]): Resource {
  const existing = resource.meta?.security ?? [];
  const present = new Set(existing.map((coding) => `${coding.system ?? ''}|${coding.code ?? ''}`));
  const added = canonical(LABELS, labels)
    .map(canonicalCoding)
    .filter((coding) => !present.has(`${coding.system}|${coding.code}`));
  if (added.length === 0) return resource;
  return { ...resource, meta: { ...resource.meta, security: [...existing, ...added] } } as Resource;
}

/** Security codings the source put on the resource and on what it contains. */
function sourceSecurity(resource: Resource): CodingLike[] {
  const found: CodingLike[] = [...(resource.meta?.security ?? [])];
  const fields = resource as unknown as Record<string, unknown>;
  if (resource.resourceType === 'DocumentReference')
    for (const concept of arrayOf(fields.securityLabel)) found.push(...codingsOf(concept));
  if (resource.resourceType === 'Composition' && typeof fields.confidentiality === 'string')
    found.push({ code: fields.confidentiality });
  for (const contained of arrayOf(fields.contained))
    if (isResource(contained)) found.push(...sourceSecurity(contained));
  return found;
}

/**
 * Every coding with a system and a code anywhere in the resource (contained resources included) except its
 * `meta`, whose tags and labels are the lake's and the source's statements, not clinical content.
 */
function clinicalCodings(resource: Resource): CodingLike[] {
  const found: CodingLike[] = [];
  const pending: unknown[] = [resource];
  while (pending.length > 0) {
    const node = pending.pop();
    if (Array.isArray(node)) {
      pending.push(...node);
      continue;
    }
    if (typeof node !== 'object' || node === null) continue;
    const fields = node as Record<string, unknown>;
    if (typeof fields.system === 'string' && typeof fields.code === 'string')
      found.push({ system: fields.system, code: fields.code });
    for (const [key, value] of Object.entries(fields)) if (key !== 'meta') pending.push(value);
  }
  return found;
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function codingsOf(concept: unknown): CodingLike[] {
  if (typeof concept !== 'object' || concept === null) return [];
  return arrayOf((concept as { coding?: unknown }).coding).filter(
    (coding): coding is CodingLike => typeof coding === 'object' && coding !== null,
  );
}

function isResource(value: unknown): value is Resource {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { resourceType?: unknown }).resourceType === 'string'
  );
}
