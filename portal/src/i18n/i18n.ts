/**
 * The portal's one i18next instance (i18next + react-i18next: typed keys checked by the compiler, plurals by
 * Intl.PluralRules, every catalogue bundled so nothing is fetched at run time). The language is the person's
 * own choice, kept in localStorage (only the language: nothing about a patient), else the browser's.
 */
import i18next from 'i18next';
import type { TFunction } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { makeFormat } from './format';
import type { Format } from './format';
import { formattingLocale, isLanguage, LANGUAGES, pickLanguage } from './languages';
import type { Language } from './languages';
import { de } from './messages/de';
import { en } from './messages/en';
import { fr } from './messages/fr';
import { it } from './messages/it';

export const LANGUAGE_STORAGE_KEY = 'custodia.language';

function storage(): Storage | undefined {
  try {
    return typeof window === 'undefined' ? undefined : window.localStorage;
  } catch {
    // Storage refused (privacy settings): the choice lasts for the page only.
    return undefined;
  }
}

export function browserLanguages(): readonly string[] {
  if (typeof navigator === 'undefined') return [];
  return navigator.languages?.length ? navigator.languages : [navigator.language];
}

/**
 * CLDR gives French and Italian a third plural, "many" (round millions: "1 000 000 d'entrées"), which i18next looks
 * up as `key_many`; the catalogues write only `_one` and `_other`, so a missing `_many` reads as `_other`.
 */
export function withManyPlurals(messages: object): object {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(messages)) {
    copy[key] = typeof value === 'object' && value !== null ? withManyPlurals(value as object) : value;
    const base = key.endsWith('_other') ? key.slice(0, -'_other'.length) : undefined;
    if (base !== undefined && !(`${base}_many` in messages)) copy[`${base}_many`] = value;
  }
  return copy;
}

export const i18n = i18next.createInstance();

void i18n.use(initReactI18next).init({
  resources: {
    en: { translation: en },
    de: { translation: de },
    fr: { translation: withManyPlurals(fr) },
    it: { translation: withManyPlurals(it) },
  },
  lng: pickLanguage(storage()?.getItem(LANGUAGE_STORAGE_KEY), browserLanguages()),
  supportedLngs: [...LANGUAGES],
  fallbackLng: 'en',
  // React escapes what it renders; i18next escaping again would show entities.
  interpolation: { escapeValue: false },
  initAsync: false,
  returnNull: false,
});

function markDocument(language: Language): void {
  if (typeof document !== 'undefined') document.documentElement.lang = language;
}
markDocument(currentLanguage());

export function currentLanguage(): Language {
  return isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : 'en';
}

/** Switches the portal's language and keeps the choice for the next visit. */
export async function chooseLanguage(language: Language): Promise<void> {
  storage()?.setItem(LANGUAGE_STORAGE_KEY, language);
  await i18n.changeLanguage(language);
  markDocument(language);
}

/** What a view needs to speak: the translations and the formats of one language. */
export interface Words {
  readonly t: TFunction;
  readonly format: Format;
  readonly language: Language;
}

/** The words of `language`, formatting in `timeZone` (default: the browser's). */
export function wordsFor(language: Language, timeZone?: string): Words {
  return {
    t: i18n.getFixedT(language),
    format: makeFormat(formattingLocale(language, browserLanguages()), timeZone),
    language,
  };
}
