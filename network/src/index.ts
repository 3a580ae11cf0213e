/**
 * @custodia/network: the embedded Fabric-compatible network (started from `@custodia/network/embedded`) and what
 * it is built of — the chaincode engine, the MSP and CA, the ledger store and the peer services. Clients reach any
 * network through `@custodia/ledger`; this entry keeps what tests and tools use to write Fabric blocks themselves.
 */
export { createBlock, sealBlock } from './ledger/blocks';
export type { BlockSeal, BlockSigner } from './ledger/blocks';
export { createGenesisBlock } from './ledger/genesis';
export type { ChannelOrganisation, GenesisOptions } from './ledger/genesis';
