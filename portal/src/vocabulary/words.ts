/** The ledger's codes in the reader's words (categories, labels, purposes, roles), and lists of them. */
import type { Category, Label, Purpose, Requester, Role } from '@custodia/chaincode/model';
import type { Words } from '../i18n/i18n';
import type { Directory } from '../directory/names';

/** Capitalises the first letter, for names that start a line or a chip. */
export function capitalise(text: string): string {
  return text.charAt(0).toLocaleUpperCase() + text.slice(1);
}

export function categoryName({ t }: Words, category: Category): string {
  return t(`vocabulary.category.${category}`);
}

export function labelName({ t }: Words, label: Label): string {
  return t(`vocabulary.label.${label}`);
}

/** "allergies, medicines and health problems" in the reader's language. */
export function categoryList(words: Words, categories: readonly Category[]): string {
  return words.format.list(categories.map((category) => categoryName(words, category)));
}

export function labelList(words: Words, labels: readonly Label[]): string {
  return words.format.list(labels.map((label) => labelName(words, label)));
}

/** A purpose as the patient reads it in a rule ("treating you"). */
export function purposeForPatient({ t }: Words, purpose: Purpose): string {
  return t(`vocabulary.purposeForPatient.${purpose}`);
}

/** A purpose as staff name it ("Treatment"). */
export function purposeName({ t }: Words, purpose: Purpose): string {
  return t(`vocabulary.purpose.${purpose}`);
}

export function roleTitle({ t }: Words, role: Role): string {
  return t(`vocabulary.role.${role}`);
}

/**
 * Who asked, in the reader's words: "Dr. Claire Dubois (Clinician, Hôpital Saint-Louis Lyon, France)" when the
 * directory names them, else as the ledger knows them: "Clinician clin-dubois (HospitalFRMSP, France)".
 */
export function requesterText(words: Words, requester: Requester, directory: Directory = {}): string {
  const name = directory.practitioner?.(requester.mspId, requester.id);
  const organisation = directory.organisation?.(requester.mspId) ?? requester.mspId;
  const role = roleTitle(words, requester.role);
  const country = requester.country ? { country: words.format.country(requester.country) } : undefined;
  if (name !== undefined)
    return country
      ? words.t('vocabulary.requesterNamedInCountry', { name, role, organisation, ...country })
      : words.t('vocabulary.requesterNamed', { name, role, organisation });
  const facts = { role, id: requester.id, organisation };
  return country
    ? words.t('vocabulary.requesterInCountry', { ...facts, ...country })
    : words.t('vocabulary.requester', facts);
}
