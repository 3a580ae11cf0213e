/**
 * The portal's languages, which one a person gets (their own choice, else their browser's), and the locale
 * dates and numbers are written in.
 */
export const LANGUAGES = ['en', 'de', 'fr', 'it'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language in its own words, as a language menu shows it. */
export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = {
  en: 'English',
  de: 'Deutsch',
  fr: 'Français',
  it: 'Italiano',
};

/** Where dates are written as most readers of the language expect when the browser says nothing closer. */
const DEFAULT_REGION: Readonly<Record<Language, string>> = {
  en: 'en-GB',
  de: 'de-DE',
  fr: 'fr-FR',
  it: 'it-IT',
};

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

function baseOf(tag: string): string {
  return tag.toLowerCase().split(/[-_]/)[0] ?? '';
}

/** The person's stored choice if it is one of ours, else the first browser language we have, else English. */
export function pickLanguage(stored: string | null | undefined, preferred: readonly string[]): Language {
  if (isLanguage(stored)) return stored;
  for (const tag of preferred) {
    const base = baseOf(tag);
    if (isLanguage(base)) return base;
  }
  return 'en';
}

/**
 * The locale for Intl formatting: the browser's own tag when it is of the chosen language (a Swiss reader
 * of German gets de-CH, an American reader of English en-US), else the language's usual region.
 */
export function formattingLocale(language: Language, preferred: readonly string[]): string {
  const own = preferred.find((tag) => baseOf(tag) === language);
  if (own) {
    try {
      return Intl.getCanonicalLocales(own)[0] ?? DEFAULT_REGION[language];
    } catch {
      // A malformed browser tag: fall back to the language's region.
    }
  }
  return DEFAULT_REGION[language];
}
