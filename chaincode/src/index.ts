export const PACKAGE = '@custodia/chaincode';
