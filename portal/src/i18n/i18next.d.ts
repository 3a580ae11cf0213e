/** Translation keys are checked by the compiler against the English catalogue. */
import 'i18next';
import type { en } from './messages/en';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
    returnNull: false;
  }
}
