/** The vocabularies as the choices forms offer (chips, selects), in the ledger's canonical order. */
import { CATEGORIES, LABELS, PURPOSES } from '@custodia/chaincode/model';
import type { Category, Label, Purpose } from '@custodia/chaincode/model';
import type { Words } from '../i18n/i18n';
import { COUNTRIES } from './countries';
import { capitalise, categoryName, labelName } from './words';

export interface Option<T extends string> {
  readonly value: T;
  readonly label: string;
}

export function categoryOptions(words: Words): Option<Category>[] {
  return CATEGORIES.map((value) => ({ value, label: capitalise(categoryName(words, value)) }));
}

export function labelOptions(words: Words): Option<Label>[] {
  return LABELS.map((value) => ({ value, label: capitalise(labelName(words, value)) }));
}

/** Countries by their name in the reader's language, sorted as that language sorts. */
export function countryOptions(words: Words): Option<string>[] {
  const collator = new Intl.Collator(words.format.locale);
  return COUNTRIES.map((value) => ({ value, label: words.format.country(value) })).sort((a, b) =>
    collator.compare(a.label, b.label),
  );
}

/** Purposes a rule or an ordinary request names: emergency access has its own path (the emergency policy). */
export const NON_EMERGENCY_PURPOSES: readonly Purpose[] = PURPOSES.filter((p) => p !== 'ETREAT');
