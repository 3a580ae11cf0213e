/** Placeholder until this package's issue lands. */
export const PACKAGE = '@custodia/portal';
