/** The language menu: each language named in its own words; the choice is kept for the next visit. */
import { useId } from 'react';
import { useWords } from './use-words';
import { chooseLanguage } from './i18n';
import { isLanguage, LANGUAGE_NAMES, LANGUAGES } from './languages';

export function LanguagePicker() {
  const { t, language } = useWords();
  const id = useId();
  return (
    <div className="language">
      <label htmlFor={id}>{t('app.language')}</label>
      <select
        id={id}
        value={language}
        onChange={(event) => {
          if (isLanguage(event.target.value)) void chooseLanguage(event.target.value);
        }}
      >
        {LANGUAGES.map((code) => (
          <option key={code} value={code} lang={code}>
            {LANGUAGE_NAMES[code]}
          </option>
        ))}
      </select>
    </div>
  );
}
