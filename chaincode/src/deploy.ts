/**
 * The deployable chaincode: the package's `main`, which `fabric-chaincode-node start|server` loads for its
 * `contracts` export. (Importers of `@custodia/chaincode` get the library, `index.ts`, through the package's
 * `exports`; Fabric's loader resolves `main` as a file path, which `exports` does not govern.)
 */
export { contracts } from './contracts';
