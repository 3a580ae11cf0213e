import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { isLanguage } from './languages';
import { wordsFor } from './i18n';
import type { Words } from './i18n';

/** The current language's words; views re-render when the person changes language. */
export function useWords(): Words {
  const { i18n } = useTranslation();
  const language = isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : 'en';
  return useMemo(() => wordsFor(language), [language]);
}
