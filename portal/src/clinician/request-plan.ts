/**
 * The request form starts from why the clinician needs the record and asks for the minimum: each purpose
 * suggests the few categories it usually needs (the IPS's essentials for care), which the clinician adjusts.
 * Nothing is ticked before a purpose is chosen.
 */
import type { Category, Purpose } from '@custodia/chaincode/model';

export const SUGGESTED: Readonly<Record<Purpose, readonly Category[]>> = {
  // The IPS's required sections: what any treating clinician needs first.
  TREAT: ['allergies', 'medications', 'problems'],
  // An unconscious patient: add implanted devices to the essentials.
  ETREAT: ['allergies', 'medications', 'problems', 'devices'],
  CAREMGT: ['problems', 'medications', 'care-plan'],
  PATRQT: ['allergies', 'medications', 'problems'],
  PUBHLTH: ['immunizations'],
  HRESCH: ['results'],
};

/** Purposes in the order the form offers them: ordinary care first, emergency last (it is the exception). */
export const REQUEST_PURPOSES: readonly Purpose[] = [
  'TREAT',
  'CAREMGT',
  'PATRQT',
  'PUBHLTH',
  'HRESCH',
  'ETREAT',
];
