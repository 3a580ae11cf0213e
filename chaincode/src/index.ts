/** @custodia/chaincode: the rule model (pure, reusable by gateway and data lake). */
export * from './model';
