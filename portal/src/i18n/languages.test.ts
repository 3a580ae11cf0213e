import { formattingLocale, pickLanguage } from './languages';

describe('pickLanguage', () => {
  it('keeps the person’s own choice over the browser’s languages', () => {
    expect(pickLanguage('it', ['de-DE', 'en'])).toBe('it');
  });

  it('takes the first browser language the portal has, ignoring regions', () => {
    expect(pickLanguage(null, ['pl-PL', 'fr-CH', 'de'])).toBe('fr');
    expect(pickLanguage(undefined, ['de_AT'])).toBe('de');
  });

  it('ignores a stored value that is not one of its languages, and falls back to English', () => {
    expect(pickLanguage('xx', ['es-ES', 'pt'])).toBe('en');
  });
});

describe('formattingLocale', () => {
  it('uses the browser’s own region for the chosen language', () => {
    expect(formattingLocale('de', ['de-CH', 'en'])).toBe('de-CH');
    expect(formattingLocale('en', ['en-US'])).toBe('en-US');
  });

  it('falls back to the language’s usual region when the browser prefers another language', () => {
    expect(formattingLocale('fr', ['de-DE'])).toBe('fr-FR');
    expect(formattingLocale('en', ['it-IT'])).toBe('en-GB');
    expect(formattingLocale('it', ['it-!!'])).toBe('it-IT');
  });
});
