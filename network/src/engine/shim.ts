/**
 * fabric-shim's own classes and the protobuf package it was built against. fabric-shim 2.5 depends on
 * @hyperledger/fabric-protos 0.2.x while this package speaks 0.3.x on the wire; objects handed to the shim
 * (ChaincodeInput, SignedProposal, QueryResponse) are built from the shim's copy so they are exactly what
 * the shim decodes from a peer's message.
 */
import { createRequire } from 'node:module';
import type * as WireProtos from '@hyperledger/fabric-protos';
import { JSONSerializer } from 'fabric-contract-api';
import ChaincodeStub from 'fabric-shim/lib/stub';
import ChaincodeFromContract from 'fabric-shim/lib/contract-spi/chaincodefromcontract';
import { HistoryQueryIterator, StateQueryIterator } from 'fabric-shim/lib/iterators';

const shimRequire = createRequire(require.resolve('fabric-shim'));

/**
 * The @hyperledger/fabric-protos module fabric-shim resolves. Typed with the 0.3.x declarations: both are
 * google-protobuf (jspb) code generated from the same .proto files, 0.3 adding messages the shim never uses.
 */
export const shimProtos = shimRequire('@hyperledger/fabric-protos') as typeof WireProtos;

/** The serializer set fabric-shim's bootstrap uses when a chaincode declares none. */
export const defaultSerializers = {
  transaction: 'jsonSerializer',
  serializers: { jsonSerializer: JSONSerializer },
};

export { ChaincodeFromContract, ChaincodeStub, HistoryQueryIterator, StateQueryIterator };
