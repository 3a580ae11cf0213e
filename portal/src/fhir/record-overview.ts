/**
 * The record as a clinician reads it: sections with entries, each section newest first, the same content that
 * came from two sources shown once (with both sources), and the empty sections summed up by why they are empty
 * instead of one empty box each.
 */
import type { EmptyReason, ReadableEntry, ReadableSection } from './readable';

export interface MergedEntry extends ReadableEntry {
  /** Every source the same content came from (`meta.source`), without repeats. */
  readonly sources: readonly string[];
  /** How many copies were merged into this entry. */
  readonly copies: number;
}

export interface ShownSection extends Omit<ReadableSection, 'entries'> {
  readonly entries: readonly MergedEntry[];
}

export interface RecordOverview {
  readonly sections: readonly ShownSection[];
  /** Empty sections, by why: withheld by the patient's rules, not asked for, or nothing recorded. */
  readonly empty: Readonly<Record<EmptyReason, readonly ReadableSection[]>>;
}

/** What makes two entries "the same content": everything shown except where it came from. */
function contentKey(entry: ReadableEntry): string {
  return JSON.stringify([
    entry.resourceType,
    entry.title,
    entry.details,
    entry.date,
    entry.attachment?.title,
    entry.attachment?.size,
  ]);
}

export function mergeDuplicates(entries: readonly ReadableEntry[]): MergedEntry[] {
  const merged = new Map<string, { entry: ReadableEntry; sources: string[]; copies: number }>();
  for (const entry of entries) {
    const key = contentKey(entry);
    const seen = merged.get(key);
    if (seen) {
      seen.copies++;
      if (entry.source && !seen.sources.includes(entry.source)) seen.sources.push(entry.source);
    } else merged.set(key, { entry, sources: entry.source ? [entry.source] : [], copies: 1 });
  }
  return [...merged.values()].map(({ entry, sources, copies }) => ({ ...entry, sources, copies }));
}

function time(entry: ReadableEntry): number {
  const parsed = entry.date ? Date.parse(entry.date) : Number.NaN;
  return Number.isNaN(parsed) ? Number.NEGATIVE_INFINITY : parsed;
}

/** Newest first; entries without a date last, in the document's order. */
export function newestFirst<T extends ReadableEntry>(entries: readonly T[]): T[] {
  return entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => time(b.entry) - time(a.entry) || a.index - b.index)
    .map(({ entry }) => entry);
}

export function recordOverview(sections: readonly ReadableSection[]): RecordOverview {
  const empty: Record<EmptyReason, ReadableSection[]> = {
    withheld: [],
    notasked: [],
    unavailable: [],
    other: [],
  };
  const shown: ShownSection[] = [];
  for (const section of sections) {
    if (section.entries.length === 0) empty[section.emptyReason ?? 'unavailable'].push(section);
    else shown.push({ ...section, entries: newestFirst(mergeDuplicates(section.entries)) });
  }
  return { sections: shown, empty };
}
