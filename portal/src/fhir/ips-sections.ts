/**
 * The LOINC codes of the record's sections, to title each section in the reader's language. These are the
 * codes the IPS (and the data lake's Composition) gives each section; a section with another code keeps the
 * title the document gives it.
 */
import type { Category } from '@custodia/chaincode/model';

export const SECTION_CATEGORY: Readonly<Record<string, Category>> = {
  '48765-2': 'allergies',
  '10160-0': 'medications',
  '11450-4': 'problems',
  '11369-6': 'immunizations',
  '30954-2': 'results',
  '47519-4': 'procedures',
  '46264-8': 'devices',
  '8716-3': 'vital-signs',
  '18776-5': 'care-plan',
  '29762-2': 'social-history',
  '10162-6': 'pregnancy',
  '18748-4': 'imaging',
  '11503-0': 'documents',
};

export const LOINC = 'http://loinc.org';
