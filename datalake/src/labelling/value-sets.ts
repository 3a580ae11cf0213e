/**
 * The sensitivity value sets, kept as data (`value-sets/*.json`, one per label, each naming its sources and
 * version): exact codes (SNOMED CT, LOINC, RxNorm) and category prefixes of hierarchical classifications
 * (ICD-10 and its national editions, ATC). Checked once at load, so a malformed file stops the service at start.
 */
import type { Label } from '@custodia/chaincode';
import { isMember, LABELS } from '@custodia/chaincode';
import eth from './value-sets/eth.json';
import hiv from './value-sets/hiv.json';
import psy from './value-sets/psy.json';
import sdv from './value-sets/sdv.json';
import std from './value-sets/std.json';
import sud from './value-sets/sud.json';
import { canonicalSystem, CODE_FAMILIES, familyOf, normaliseHierarchical } from './code-systems';
import type { CodeFamily } from './code-systems';

export interface ValueSetFile {
  readonly label: string;
  readonly title: string;
  readonly version: string;
  /** Source id → citation (name, edition, where it is published). */
  readonly sources: Readonly<Record<string, string>>;
  readonly codes: readonly {
    readonly system: string;
    readonly code: string;
    readonly display: string;
    readonly source: string;
  }[];
  readonly prefixes: readonly {
    readonly family: string;
    readonly prefix: string;
    readonly display: string;
    readonly source: string;
  }[];
  /** A confidentiality label every match also carries, for a class whose policy calls for it. */
  readonly confidentiality?: string;
}

export const SHIPPED_VALUE_SETS: readonly ValueSetFile[] = [psy, sud, eth, hiv, std, sdv];

/** A coding as it appears anywhere in a resource. */
export interface CodingLike {
  readonly system?: string;
  readonly code?: string;
}

export class SensitivityValueSets {
  /** `<system>|<code>` → labels. */
  private readonly exact = new Map<string, Label[]>();
  private readonly prefixes = new Map<CodeFamily, { prefix: string; labels: Label[] }[]>();

  constructor(files: readonly ValueSetFile[]) {
    for (const file of files) {
      const labels = labelsOfFile(file);
      for (const entry of file.codes) {
        requireSource(file, entry.source);
        const key = `${canonicalSystem(entry.system)}|${entry.code}`;
        this.exact.set(key, [...(this.exact.get(key) ?? []), ...labels]);
      }
      for (const entry of file.prefixes) {
        requireSource(file, entry.source);
        if (!isMember(CODE_FAMILIES, entry.family))
          throw new Error(`value set ${file.label}: unknown code family ${entry.family}`);
        const list = this.prefixes.get(entry.family) ?? [];
        list.push({ prefix: normaliseHierarchical(entry.prefix), labels });
        this.prefixes.set(entry.family, list);
      }
    }
  }

  /** The sensitivity labels (and any confidentiality the class carries) a coding implies; [] when none. */
  labelsOf(coding: CodingLike): readonly Label[] {
    const { system, code } = coding;
    if (typeof system !== 'string' || typeof code !== 'string') return [];
    const canonical = canonicalSystem(system);
    const exact = this.exact.get(`${canonical}|${code}`);
    if (exact !== undefined) return exact;
    const family = familyOf(canonical);
    if (family === undefined) return [];
    const normalised = normaliseHierarchical(code);
    return (this.prefixes.get(family) ?? [])
      .filter((entry) => normalised.startsWith(entry.prefix))
      .flatMap((entry) => entry.labels);
  }
}

function labelsOfFile(file: ValueSetFile): Label[] {
  const labels = [file.label, ...(file.confidentiality === undefined ? [] : [file.confidentiality])];
  for (const label of labels)
    if (!isMember(LABELS, label))
      throw new Error(`value set ${file.label}: ${label} is not a Custodia label`);
  if (file.codes.length + file.prefixes.length === 0) throw new Error(`value set ${file.label} is empty`);
  return labels as Label[];
}

function requireSource(file: ValueSetFile, source: string): void {
  if (file.sources[source] === undefined)
    throw new Error(`value set ${file.label}: an entry cites ${source}, which its sources do not list`);
}

/** The value sets shipped with the lake, loaded once. */
export const shippedValueSets = new SensitivityValueSets(SHIPPED_VALUE_SETS);
