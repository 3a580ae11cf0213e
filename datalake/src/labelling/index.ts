/** The security labelling service: labels from source codings in every standard form and from value sets. */
export { decideLabels, withLabels } from './label-resource';
export type { LabelContext, LabelDecision } from './label-resource';
export {
  ACT_CODE_SYSTEM,
  CONFIDENTIALITY_SYSTEM,
  canonicalCoding,
  readSecurityCoding,
} from './security-labels';
export type { SecurityReading } from './security-labels';
export { SensitivityValueSets, SHIPPED_VALUE_SETS, shippedValueSets } from './value-sets';
export type { CodingLike, ValueSetFile } from './value-sets';
