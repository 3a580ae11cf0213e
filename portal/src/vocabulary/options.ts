/** The vocabularies as the choices forms offer (chips, selects), in the ledger's canonical order. */
import { CATEGORIES, LABELS, PURPOSES } from '@custodia/chaincode/model';
import type { Category, Label, Purpose } from '@custodia/chaincode/model';
import { capitalise, CATEGORY_NAMES, COUNTRIES, countryName, LABEL_NAMES } from './names';

export interface Option<T extends string> {
  readonly value: T;
  readonly label: string;
}

export const CATEGORY_OPTIONS: readonly Option<Category>[] = CATEGORIES.map((value) => ({
  value,
  label: capitalise(CATEGORY_NAMES[value]),
}));

export const LABEL_OPTIONS: readonly Option<Label>[] = LABELS.map((value) => ({
  value,
  label: capitalise(LABEL_NAMES[value]),
}));

export const COUNTRY_OPTIONS: readonly Option<string>[] = COUNTRIES.map((value) => ({
  value,
  label: countryName(value),
}));

/** Purposes a rule or an ordinary request names: emergency access has its own path (the emergency policy). */
export const NON_EMERGENCY_PURPOSES: readonly Purpose[] = PURPOSES.filter((p) => p !== 'ETREAT');
