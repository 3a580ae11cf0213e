/**
 * FHIR JSON never carries an empty or blank string: "either the property is absent, or it is present with at
 * least one character of non-whitespace content". Medplum flags whitespace-only strings but treats "" as absent.
 */
import type { FhirIssue } from './fhir-issue';

export function blankStrings(resource: unknown, root: string): FhirIssue[] {
  const issues: FhirIssue[] = [];
  const pending: { node: unknown; path: string }[] = [{ node: resource, path: root }];
  while (pending.length > 0) {
    const { node, path } = pending.pop() as { node: unknown; path: string };
    if (typeof node === 'string') {
      if (node.trim() === '')
        issues.push({ expression: path, reason: 'string must contain non-whitespace content' });
    } else if (Array.isArray(node))
      node.forEach((item, index) => pending.push({ node: item, path: `${path}[${index}]` }));
    else if (typeof node === 'object' && node !== null)
      for (const [key, value] of Object.entries(node)) pending.push({ node: value, path: `${path}.${key}` });
  }
  return issues;
}
