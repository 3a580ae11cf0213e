/** One validation finding: where (a FHIRPath-like expression) and why — never the submitted value. */
export interface FhirIssue {
  readonly expression?: string;
  readonly reason: string;
}
