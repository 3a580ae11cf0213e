export const PACKAGE = '@custodia/network';
